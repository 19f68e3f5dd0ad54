"""What a frame costs, as ratios: state writes per frame, models built per changed item.

Never wall time (see ``scripts/bench.py`` for that): these counts do not
depend on the machine.
"""

from __future__ import annotations

import copy
from typing import Any

from homeassistant.core import HomeAssistant
import orjson
import pytest

from custom_components.unraid_management_agent.api import Topic, decode_frame
from custom_components.unraid_management_agent.channels import NOTIFY_CHUNK
from custom_components.unraid_management_agent.push import PushListener
from tests.helpers import Agent, wait_until

#: Every topic the integration takes, and how many items its ``home`` frame has.
TOPICS = (
    Topic.SYSTEM,
    Topic.ARRAY,
    Topic.DISKS,
    Topic.SHARES,
    Topic.CONTAINERS,
    Topic.VMS,
    Topic.UPS,
    Topic.GPU,
    Topic.NETWORK,
    Topic.HARDWARE,
    Topic.REGISTRATION,
    Topic.NOTIFICATIONS,
    Topic.UNASSIGNED,
)


class Feeder:
    """Feeds frames to a coordinator the way its event stream does."""

    def __init__(self, coordinator: Any) -> None:
        """Feed ``coordinator``."""
        self.coordinator = coordinator
        self.listener = PushListener(coordinator)

    def feed(self, topic: Topic, data: Any) -> tuple[int, int]:
        """Apply one frame; return the state writes and the models it caused."""
        stats, parser = self.coordinator.stats, self.coordinator.parser
        writes, built = stats.state_writes, parser.built
        frame = orjson.dumps(
            {"event": topic, "timestamp": "2026-11-20T18:00:00+10:00", "data": data}
        )
        self.listener.handle_event(decode_frame(frame, parser))
        return stats.state_writes - writes, parser.built - built


async def test_unchanged_frames_cost_no_write_and_no_model(
    hass: HomeAssistant, agent: Agent, running: Any
) -> None:
    """The same frame again: 0 writes, 0 models built, for every topic."""
    feeder = Feeder(running)
    for topic in TOPICS:
        data = agent.sim.caches[topic]
        feeder.feed(topic, data)
        for _ in range(3):
            assert feeder.feed(topic, copy.deepcopy(data)) == (0, 0), topic


def _hot(disks: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a disk that shows its temperature (spinning, a real disk)."""
    return next(d for d in disks if d.get("temperature_celsius"))


def _warmer(disk: dict[str, Any]) -> None:
    """One degree more (no threshold crossed: one entity shows the change)."""
    disk["temperature_celsius"] += 1


@pytest.mark.parametrize(
    ("topic", "change"),
    [
        (Topic.CONTAINERS, lambda data: data[1].update(cpu_percent=77.7)),
        (Topic.DISKS, lambda data: _warmer(_hot(data))),
        (Topic.VMS, lambda data: data[0].update(guest_cpu_percent=55.5)),
        (Topic.SYSTEM, lambda data: data.update(cpu_usage_percent=66.6)),
        (Topic.ARRAY, lambda data: data.update(used_percent=12.34)),
    ],
    ids=lambda value: str(value) if isinstance(value, Topic) else "change",
)
async def test_one_changed_value_is_one_model_and_one_write(
    hass: HomeAssistant, agent: Agent, running: Any, topic: Topic, change: Any
) -> None:
    """One value changed: the one item rebuilt, the one entity showing it written."""
    feeder = Feeder(running)
    data = agent.sim.caches[topic]
    feeder.feed(topic, data)
    changed = copy.deepcopy(data)
    change(changed)
    for _ in range(3):  # back and forth: every frame differs from the one before
        assert feeder.feed(topic, changed) == (1, 1)
        assert feeder.feed(topic, data) == (1, 1)


async def test_stream_frames_go_through_the_parser(
    hass: HomeAssistant, agent: Agent, running: Any
) -> None:
    """The event stream's frames reuse models: a re-sent list builds none."""
    coordinator = running
    parser = coordinator.parser
    frames = coordinator.stats.frames_total
    containers = agent.sim.caches["container_list_update"]
    for sent in (1, 2):
        # The same payload again (a new collection would change CPU figures).
        agent.sim.hub.broadcast("container_list_update", containers)
        await wait_until(
            hass, lambda sent=sent: coordinator.stats.frames_total == frames + sent
        )
        if sent == 1:
            built, reused = parser.built, parser.reused
    assert parser.built == built
    assert parser.reused - reused == len(containers)


@pytest.mark.parametrize("sim_options", [{"profile": "2026.02"}], ids=["2026.02"])
async def test_corrections_apply_to_reused_models(
    hass: HomeAssistant, agent: Agent, running: Any
) -> None:
    """An old agent's halved disk sizes are doubled once, frame after frame."""
    coordinator = running
    assert coordinator.corrections
    feeder = Feeder(coordinator)
    sent = agent.sim.caches[Topic.DISKS]
    halved = {disk["id"]: disk["size_bytes"] for disk in sent if disk.get("size_bytes")}
    assert halved

    def sizes() -> dict[str, int]:
        return {
            key: disk.size_bytes
            for key, disk in coordinator.data.disks.items()
            if key in halved
        }

    feeder.feed(Topic.DISKS, sent)
    doubled = {key: size * 2 for key, size in halved.items()}
    assert sizes() == doubled
    assert feeder.feed(Topic.DISKS, copy.deepcopy(sent)) == (0, 0)
    changed = copy.deepcopy(sent)
    _warmer(_hot(changed))
    writes, built = feeder.feed(Topic.DISKS, changed)
    assert (writes, built) == (1, 1)
    assert sizes() == doubled


async def test_large_notifications_are_spread_over_loop_steps(
    hass: HomeAssistant, running: Any
) -> None:
    """Past NOTIFY_CHUNK listeners, the rest run in later steps; removed ones are skipped."""
    coordinator = running
    called: list[int] = []
    removers = [
        coordinator.async_add_channel_listener(
            Topic.VMS, lambda n=n: called.append(n), key=f"vm{n}"
        )
        for n in range(2 * NOTIFY_CHUNK + 10)
    ]
    # The channel's own listeners (of the whole channel) come first.
    first = NOTIFY_CHUNK - len(coordinator._channel_listeners[Topic.VMS].get(None, ()))
    coordinator._notify(Topic.VMS, [f"vm{n}" for n in range(2 * NOTIFY_CHUNK + 10)])
    assert called == list(range(first))  # the first chunk at once
    removers[NOTIFY_CHUNK + 1]()  # its entity went meanwhile (not called yet)
    await hass.async_block_till_done()
    assert called == [n for n in range(2 * NOTIFY_CHUNK + 10) if n != NOTIFY_CHUNK + 1]
    for remove in removers:
        if remove is not removers[NOTIFY_CHUNK + 1]:
            remove()
