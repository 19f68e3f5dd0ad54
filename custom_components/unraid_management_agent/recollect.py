"""After a command: have the agent report the item again at once.

The agent answers a container or VM command as soon as Docker or libvirt
has acted, but it serves ``/docker`` and ``/vm`` from its collectors'
caches and publishes nothing until their next run, up to 30 s (containers)
or 60 s (VMs) later; meanwhile the item's sensors disagree with its switch.
Restarting the collector with the interval it already has
(``PATCH /collectors/{name}/interval``) makes it collect at once and
changes nothing else. The new report then arrives on the event stream, or
is read over REST when the stream is down.

Agents before 2026.01 have no ``/collectors``: there the switch holds the
commanded state and the other entities follow at the agent's next
collection. Array and parity commands need none of this: the agent watches
``var.ini`` and reports them within a second.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import TYPE_CHECKING, Final

from homeassistant.core import callback
from homeassistant.helpers.event import async_call_later

from .api import UnraidError
from .api.controls import MAX_COLLECTOR_INTERVAL, MIN_COLLECTOR_INTERVAL
from .api.generations import COLLECTOR_TOPICS
from .data import Channel

if TYPE_CHECKING:
    from .coordinator import UnraidCoordinator

_LOGGER = logging.getLogger(__name__)

#: The collector of each topic a command changes.
_COLLECTOR_OF: Final[dict[Channel, str]] = {
    topic: name for name, topic in COLLECTOR_TOPICS.items()
}

#: How long a collection takes before its result can be read over REST.
REST_REREAD_DELAY: Final = timedelta(seconds=1.5)


def collector_interval(coordinator: UnraidCoordinator, channel: Channel) -> int | None:
    """Return the interval of the running collector of ``channel`` (None: none)."""
    name = _COLLECTOR_OF.get(channel)
    status = coordinator.data.collectors
    if name is None or status is None:
        return None
    found = next((c for c in status.collectors or () if c.name == name), None)
    if found is None or not found.enabled or found.status != "running":
        return None
    interval = found.interval_seconds
    if (
        interval is None
        or not MIN_COLLECTOR_INTERVAL <= interval <= MAX_COLLECTOR_INTERVAL
    ):
        return None
    return interval


async def async_recollect(coordinator: UnraidCoordinator, channel: Channel) -> bool:
    """Ask for a new report of ``channel`` after a command; tell whether one comes.

    Never raises: the command itself succeeded, and a failure here only
    means waiting for the agent's next collection.
    """
    interval = collector_interval(coordinator, channel)
    if interval is None:
        return False
    name = _COLLECTOR_OF[channel]
    try:
        await coordinator.client.recollect(name, interval)
    except UnraidError as err:
        _LOGGER.debug("Could not make the %s collector report now: %s", name, err)
        return False
    if not coordinator.stream_connected:

        @callback
        def reread(_now: datetime) -> None:
            coordinator.config_entry.async_create_background_task(
                coordinator.hass,
                coordinator.async_refresh_topics((channel,)),
                "unraid re-read after a command",
            )

        coordinator.config_entry.async_on_unload(
            async_call_later(coordinator.hass, REST_REREAD_DELAY, reread)
        )
    return True
