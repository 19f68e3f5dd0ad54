"""The notification event: once per new notification, never a replay."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import Agent, move_time, settle, wait_until

from .conftest import coordinator_of, eid

NOTIFICATION = ("event", "notification")


class Fired:
    """The events the notification entity fired (each time and id once)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Follow the entity's state changes."""
        self.events: list[dict[str, Any]] = []
        self._seen: set[str] = set()
        self.unsub = async_track_state_change_event(
            hass, eid(hass, *NOTIFICATION), self._changed
        )

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is None or new.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            return
        # A restored state repeats an old event: not a new one.
        key = f"{new.state} {new.attributes.get('id')}"
        if key in self._seen:
            return
        self._seen.add(key)
        self.events.append(dict(new.attributes))

    def types(self) -> list[str]:
        """Return the event types fired, in order."""
        return [str(event["event_type"]) for event in self.events]


@pytest.fixture
def fired(hass: HomeAssistant, loaded: MockConfigEntry) -> Generator[Fired]:
    """Events fired from now on."""
    watcher = Fired(hass)
    yield watcher
    watcher.unsub()


def _notify(
    agent: Agent, title: str, importance: str = "warning", **kwargs: Any
) -> str:
    """Create a notification like Unraid's notify script (archive copy, then unread)."""
    sim = agent.sim
    sim.add_notification(
        title, importance=importance, archived=True, publish=False, **kwargs
    )
    return sim.add_notification(title, importance=importance, **kwargs)


async def test_existing_notifications_do_not_fire(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, fired: Fired
) -> None:
    """Notifications present at start are remembered, not announced."""
    notifications = coordinator_of(loaded).data.notifications
    assert notifications is not None
    assert notifications.notifications
    state = hass.states.get(eid(hass, *NOTIFICATION))
    assert state is not None
    assert state.state == STATE_UNKNOWN
    agent.sim.publish("notifications_update")
    await settle(hass)
    assert fired.events == []


async def test_new_notification_fires_once(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    fired: Fired,
    freezer: Any,
) -> None:
    """One event per notification, with its importance as the type."""
    note = _notify(
        agent,
        "Disk 3 SMART warning",
        subject="Reallocated sectors",
        description="Disk 3 has 8 reallocated sectors",
        link="/Main/Device?name=disk3",
    )
    await wait_until(hass, lambda: len(fired.events) == 1)
    event = fired.events[0]
    assert event["event_type"] == "warning"
    assert event["id"] == note
    assert event["title"] == "Disk 3 SMART warning"
    assert event["subject"] == "Reallocated sectors"
    assert event["description"] == "Disk 3 has 8 reallocated sectors"
    assert event["link"] == "/Main/Device?name=disk3"
    assert event["timestamp"].startswith("2026-11-20T08:00:00")

    # The same list again, and the notification archived: nothing new.
    agent.sim.publish("notifications_update")
    await settle(hass)
    await move_time(hass, freezer, 1)
    agent.sim.state.notifications[:] = [
        n
        for n in agent.sim.state.notifications
        if not (n["id"] == note and n["type"] == "unread")
    ]
    agent.sim.publish("notifications_update")
    await settle(hass)
    assert len(fired.events) == 1

    await move_time(hass, freezer, 1)
    _notify(agent, "Array started", importance="normal")
    await move_time(hass, freezer, 1)
    _notify(agent, "Odd one", importance="urgent")
    await wait_until(hass, lambda: len(fired.events) == 3)
    assert fired.types() == ["warning", "normal", "info"]


async def test_several_in_one_frame_fire_oldest_first(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    fired: Fired,
    freezer: Any,
) -> None:
    """Notifications arriving together fire in the order they were created."""
    sim = agent.sim
    sim.add_notification("First", importance="alert", publish=False)
    sim.advance(5)
    sim.add_notification("Second", importance="info", publish=False)
    sim.publish("notifications_update")
    coordinator = coordinator_of(loaded)
    await wait_until(
        hass,
        lambda: len(coordinator.data.notifications.notifications or ()) > 6,  # type: ignore[union-attr]
    )
    await settle(hass)
    assert fired.types() == ["alert", "info"]
    state = hass.states.get(eid(hass, *NOTIFICATION))
    assert state is not None
    assert state.attributes["title"] == "Second"


async def test_reload_does_not_replay(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    fired: Fired,
    freezer: Any,
) -> None:
    """After a reload (or a restart) the existing notifications stay quiet."""
    _notify(agent, "Before the restart", importance="alert")
    await wait_until(hass, lambda: len(fired.events) == 1)

    await move_time(hass, freezer, 1)
    assert await hass.config_entries.async_reload(loaded.entry_id)
    await settle(hass)
    await wait_until(hass, lambda: coordinator_of(loaded).stream_connected)
    agent.sim.publish("notifications_update")
    await settle(hass)
    assert fired.types() == ["alert"]
    # The last event is still shown (restored), not fired again.
    state = hass.states.get(eid(hass, *NOTIFICATION))
    assert state is not None
    assert state.attributes["title"] == "Before the restart"

    await move_time(hass, freezer, 1)
    _notify(agent, "After the restart", importance="info")
    await wait_until(hass, lambda: len(fired.events) == 2)
    assert fired.types() == ["alert", "info"]


async def test_unload_and_set_up_again_does_not_replay(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    fired: Fired,
    freezer: Any,
) -> None:
    """Like a Home Assistant restart: a new coordinator and entity, no replay."""
    assert await hass.config_entries.async_unload(loaded.entry_id)
    await settle(hass)
    _notify(agent, "While Home Assistant was down", importance="alert")
    await move_time(hass, freezer, 1)
    assert await hass.config_entries.async_setup(loaded.entry_id)
    await settle(hass)
    await wait_until(hass, lambda: coordinator_of(loaded).stream_connected)
    assert fired.events == []


@pytest.mark.parametrize("sim_options", [{"rate_burst": 1000}])
async def test_notifications_while_disconnected_fire_once(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    fired: Fired,
    freezer: Any,
) -> None:
    """Created while the stream was down: each fires once, after the reconnect."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    sim.faults.refuse_websockets = True
    sim.faults.drop_websockets()
    await wait_until(hass, lambda: not coordinator.stream_connected)
    await settle(hass)

    _notify(agent, "Parity check finished", importance="normal")
    sim.advance(1)
    _notify(agent, "Disk 2 is hot", importance="warning")
    assert fired.events == []

    sim.faults.refuse_websockets = False
    for _ in range(10):
        await move_time(hass, freezer, 30)
        await settle(hass)
        if coordinator.stream_connected:
            break
    await wait_until(hass, lambda: coordinator.stream_connected)
    await settle(hass)
    assert fired.types() == ["normal", "warning"]

    # Frames and polls that repeat them change nothing.
    sim.publish("notifications_update")
    await move_time(hass, freezer, 30)
    await settle(hass)
    sim.publish("notifications_update")
    await settle(hass)
    assert fired.types() == ["normal", "warning"]
