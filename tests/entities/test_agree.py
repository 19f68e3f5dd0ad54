"""After a command, every entity of the item agrees within 2 seconds.

The simulator answers as the agent does: the command acts at once, but
``/docker`` and ``/vm`` keep serving the last collection, and nothing is
published before the collector runs again (30 s, 60 s), unless it is made to
collect now (a collector restart: ``PATCH /collectors/{name}/interval``).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.api.models import CollectorsStatus
from custom_components.unraid_management_agent.data import Extra, UnraidData
from custom_components.unraid_management_agent.recollect import collector_interval
from tests.helpers import Agent, assert_matches_simulator, move_time, settle

from .conftest import coordinator_of, eid, state_of

if TYPE_CHECKING:
    from custom_components.unraid_management_agent.coordinator import UnraidCoordinator

PLEX = ("switch", "container", "plex", "running")
PLEX_STATE = ("sensor", "container", "plex", "state")
WINDOWS = ("switch", "vm", "Windows 11", "running")
WINDOWS_STATE = ("sensor", "vm", "Windows 11", "state")


async def _call(hass: HomeAssistant, domain: str, service: str, entity: str) -> None:
    await hass.services.async_call(
        domain, service, {"entity_id": entity}, blocking=True
    )


async def _one_second(hass: HomeAssistant, agent: Agent, freezer: Any) -> None:
    """One second passes on the agent and in Home Assistant."""
    agent.sim.advance(1)
    await move_time(hass, freezer, 1)
    await settle(hass)


def _requests_since(agent: Agent, mark: int) -> list[str]:
    return [
        f"{r.method} {r.path}"
        for r in agent.sim.request_log[mark:]
        if not r.path.endswith("/ws")
    ]


async def test_container_entities_agree_after_a_command(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Stop, then start: state and figures follow the switch within a second."""
    sim = agent.sim
    plex = sim.find_container("plex")
    assert plex is not None
    for service, action, want, state in (
        ("turn_off", "stop", STATE_OFF, "exited"),
        ("turn_on", "start", STATE_ON, "running"),
    ):
        mark = len(sim.request_log)
        await _call(hass, "switch", service, eid(hass, *PLEX))
        await _one_second(hass, agent, freezer)
        assert state_of(hass, *PLEX).state == want
        assert state_of(hass, *PLEX_STATE).state == state
        assert_matches_simulator(hass, sim)
        # The command, one collector restart; the report came pushed.
        assert _requests_since(agent, mark) == [
            f"POST /api/v1/docker/{plex['id']}/{action}",
            "PATCH /api/v1/collectors/docker/interval",
        ]
    # The collector kept its interval.
    assert sim.collectors["docker"].interval == 30


async def test_vm_entities_agree_after_a_command(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """A VM stopped from its switch: the state sensor agrees within a second."""
    await _call(hass, "switch", "turn_off", eid(hass, *WINDOWS))
    await _one_second(hass, agent, freezer)
    assert state_of(hass, *WINDOWS).state == STATE_OFF
    assert state_of(hass, *WINDOWS_STATE).state == "shut_off"
    assert_matches_simulator(hass, agent.sim)


async def test_without_the_stream_the_report_is_read(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Stream down: the new report is read over REST once, 1.5 s after the command."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    sim.faults.refuse_websockets = True
    sim.faults.drop_websockets()
    await settle(hass)
    assert not coordinator.stream_connected
    mark = len(sim.request_log)
    await _call(hass, "switch", "turn_off", eid(hass, *PLEX))
    sim.advance(1)
    await move_time(hass, freezer, 2)
    await settle(hass)
    assert state_of(hass, *PLEX_STATE).state == "exited"
    requests = _requests_since(agent, mark)
    assert requests.count("GET /api/v1/docker") == 1, requests


@pytest.mark.parametrize("sim_options", [{"profile": "2025.11"}])
async def test_old_agents_cannot_be_asked(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """No ``/collectors`` before 2026.01: the switch holds until the next report."""
    sim = agent.sim
    mark = len(sim.request_log)
    await _call(hass, "switch", "turn_off", eid(hass, *PLEX))
    await _one_second(hass, agent, freezer)
    assert state_of(hass, *PLEX).state == STATE_OFF
    assert state_of(hass, *PLEX_STATE).state == "running"  # the agent's last report
    assert not [r for r in _requests_since(agent, mark) if "collectors" in r]
    sim.advance(30)
    await move_time(hass, freezer, 30)
    await settle(hass)
    assert state_of(hass, *PLEX_STATE).state == "exited"


@pytest.mark.parametrize(
    ("collectors", "want"),
    [
        (None, None),
        ((), None),
        (({"name": "docker", "enabled": False, "status": "disabled"},), None),
        (({"name": "docker", "enabled": True, "status": "stopped"},), None),
        (({"name": "docker", "enabled": True, "status": "running"},), None),
        (
            (
                {
                    "name": "docker",
                    "enabled": True,
                    "status": "running",
                    "interval_seconds": 86400,
                },
            ),
            None,
        ),
        (
            (
                {"name": "vm", "enabled": True, "status": "running"},
                {
                    "name": "docker",
                    "enabled": True,
                    "status": "running",
                    "interval_seconds": 120,
                },
            ),
            120,
        ),
    ],
)
def test_only_a_running_collector_is_restarted(
    collectors: tuple[dict[str, Any], ...] | None, want: int | None
) -> None:
    """Disabled, stopped or out-of-range collectors are left alone."""
    data = UnraidData()
    if collectors is not None:
        data.objects[Extra.COLLECTORS] = CollectorsStatus.parse(
            {"collectors": list(collectors)}
        )
    coordinator = cast("UnraidCoordinator", SimpleNamespace(data=data))
    assert collector_interval(coordinator, Topic.CONTAINERS) == want
    assert collector_interval(coordinator, Extra.FLASH) is None


async def test_array_and_parity_agree_without_help(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """The agent watches ``var.ini``: array and parity commands show within a second."""
    sim = agent.sim
    start = eid(hass, "button", "parity_check_start")
    mark = len(sim.request_log)
    await _call(hass, "button", "press", start)
    await _one_second(hass, agent, freezer)
    assert state_of(hass, "sensor", "parity_check_status").state == "running"
    assert not [r for r in _requests_since(agent, mark) if "collectors" in r]


async def test_a_failed_restart_is_only_a_wait(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """The collector restart fails: the command still succeeded, the switch holds."""
    sim = agent.sim
    sim.faults.set_rest_mode("500", "/api/v1/collectors")
    await _call(hass, "switch", "turn_off", eid(hass, *PLEX))
    await _one_second(hass, agent, freezer)
    assert state_of(hass, *PLEX).state == STATE_OFF
    assert state_of(hass, *PLEX_STATE).state == "running"
