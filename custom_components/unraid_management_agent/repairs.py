"""Repair issues: problems on the user's side that the user can fix.

Each issue appears while its cause lasts and is deleted when the cause ends:

* ``agent_too_old``: the agent reports a version older than the oldest the
  integration supports; update the plugin.
* ``stream_blocked``: the event stream has been refused for a long time while
  REST answers (typically a reverse proxy that does not pass WebSocket
  upgrades): data then comes by polling only, with delays.
* ``collector_disabled``: a collector whose data the server's entities show
  has been disabled on the agent; its entities stay unavailable.

A token that is needed or wrong is no issue: re-authentication handles it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .api import Topic
from .api.generations import COLLECTOR_TOPICS, parse_version
from .const import DOMAIN
from .data import LIST_KEYS, Extra, Local

if TYPE_CHECKING:
    from .coordinator import UnraidCoordinator

#: The oldest agent the integration supports.
MIN_AGENT_VERSION: Final = (2025, 11, 0)
MIN_AGENT_LABEL: Final = "2025.11.0"
#: How long the stream may be refused, REST answering, before it is an issue.
STREAM_BLOCKED_AFTER: Final = timedelta(minutes=15)
CHECK_INTERVAL: Final = timedelta(minutes=1)

_TOPIC_COLLECTORS: Final = {topic: name for name, topic in COLLECTOR_TOPICS.items()}


KINDS: Final = ("agent_too_old", "stream_blocked", "collector_disabled")


def issue_id(coordinator: UnraidCoordinator, kind: str) -> str:
    """Return the id of one kind of issue for one server."""
    return f"{kind}_{coordinator.config_entry.entry_id}"


@callback
def async_clear_repairs(hass: HomeAssistant, entry_id: str) -> None:
    """Delete a server's issues (its entry is being removed)."""
    for kind in KINDS:
        ir.async_delete_issue(hass, DOMAIN, f"{kind}_{entry_id}")


class RepairWatch:
    """Raises and clears the repair issues of one server."""

    def __init__(self, coordinator: UnraidCoordinator) -> None:
        """Watch ``coordinator`` (call :meth:`check` to evaluate)."""
        self._coordinator = coordinator
        self._polling_since: datetime | None = None
        #: Collectors seen on during this run (one off from the start is
        #: the user's choice, not a problem).
        self._seen_on: set[Topic] = set()

    @property
    def _hass(self) -> HomeAssistant:
        return self._coordinator.hass

    def _set(
        self, kind: str, active: bool, placeholders: dict[str, str] | None = None
    ) -> None:
        ident = issue_id(self._coordinator, kind)
        if not active:
            ir.async_delete_issue(self._hass, DOMAIN, ident)
            return
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            ident,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=kind,
            translation_placeholders={
                "server": self._coordinator.config_entry.title,
                **(placeholders or {}),
            },
        )

    @callback
    def check(self, _now: datetime | None = None) -> None:
        """Evaluate every cause now."""
        coordinator = self._coordinator
        system = coordinator.data.system
        version = parse_version(system.agent_version if system else None)
        self._set(
            "agent_too_old",
            version is not None and version < MIN_AGENT_VERSION,
            {
                "version": system.agent_version or "" if system else "",
                "minimum": MIN_AGENT_LABEL,
            },
        )
        self._check_stream()
        if coordinator.data.collectors is not None:
            self._seen_on |= set(_TOPIC_COLLECTORS) - coordinator.disabled_topics
        disabled = sorted(
            _TOPIC_COLLECTORS[topic]
            for topic in coordinator.disabled_topics
            if topic in _TOPIC_COLLECTORS and self._has_data(topic)
        )
        kind = "collector_disabled"
        raised = ir.async_get(self._hass).async_get_issue(
            DOMAIN, issue_id(coordinator, kind)
        )
        if (
            not disabled
            or raised is not None
            or self._seen_on & coordinator.disabled_topics
        ):
            self._set(kind, bool(disabled), {"collectors": ", ".join(disabled)})

    def _check_stream(self) -> None:
        coordinator = self._coordinator
        now = dt_util.utcnow()
        if coordinator.stream_connected or not coordinator.last_update_success:
            # Pushing, or nothing answers at all (the server is down: not a
            # configuration problem).
            self._polling_since = None
            self._set("stream_blocked", False)
            return
        if self._polling_since is None:
            self._polling_since = now
        if now - self._polling_since >= STREAM_BLOCKED_AFTER:
            host = str(coordinator.config_entry.data.get(CONF_HOST, ""))
            self._set("stream_blocked", True, {"host": host})

    def _has_data(self, topic: Topic) -> bool:
        data = self._coordinator.data
        if topic in LIST_KEYS:
            return bool(data.lists[topic])
        return data.objects.get(topic) is not None


@callback
def async_track_repairs(coordinator: UnraidCoordinator) -> RepairWatch:
    """Keep the server's repair issues in step until its entry unloads."""
    watch = RepairWatch(coordinator)
    entry = coordinator.config_entry
    entry.async_on_unload(
        async_track_time_interval(coordinator.hass, watch.check, CHECK_INTERVAL)
    )
    for channel in (Local.CONNECTION, Extra.COLLECTORS):
        entry.async_on_unload(
            coordinator.async_add_channel_listener(channel, watch.check)
        )
    watch.check()
    return watch
