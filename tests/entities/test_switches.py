"""Switches against the simulator: confirmed state, and every failure shape."""

from __future__ import annotations

import copy
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.switch import CONFIRMED_STATE_HOLD
from tests.helpers import Agent, move_time, wait_until

from .conftest import coordinator_of, eid, entry_entities, has_entity, state_of, uid

PLEX = ("switch", "container", "plex", "running")
WINDOWS = ("switch", "vm", "Windows 11", "running")
UBUNTU = ("switch", "vm", "Ubuntu Server", "running")
ARCHIVE = ("switch", "remote", "//backup-nas/archive", "mount")
MEDIA = ("switch", "remote", "backup-nas:/export/media", "mount")


async def _switch(hass: HomeAssistant, entity: tuple[str, ...], on: bool) -> None:
    await hass.services.async_call(
        "switch",
        "turn_on" if on else "turn_off",
        {"entity_id": eid(hass, *entity)},
        blocking=True,
    )


def _posts(agent: Agent) -> list[str]:
    return [
        f"{r.path}?{r.query}" if r.query else r.path
        for r in agent.sim.request_log
        if r.method == "POST"
    ]


async def test_container_switch(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Stop and start a container: the agent's answer, then its next report."""
    sim = agent.sim
    plex = sim.find_container("plex")
    assert plex is not None
    assert state_of(hass, *PLEX).state == STATE_ON

    await _switch(hass, PLEX, False)
    assert _posts(agent)[-1] == f"/api/v1/docker/{plex['id']}/stop"
    assert state_of(hass, *PLEX).state == STATE_OFF  # accepted by the agent
    sim.publish("container_list_update")
    await wait_until(
        hass,
        lambda: (
            state_of(hass, "sensor", "container", "plex", "state").state == "exited"
        ),
    )
    assert state_of(hass, *PLEX).state == STATE_OFF  # and reported

    await _switch(hass, PLEX, True)
    assert _posts(agent)[-1] == f"/api/v1/docker/{plex['id']}/start"
    sim.publish("container_list_update")
    await wait_until(
        hass,
        lambda: (
            state_of(hass, "sensor", "container", "plex", "state").state == "running"
        ),
    )
    assert state_of(hass, *PLEX).state == STATE_ON


async def test_vm_switch(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """VMs are controlled by name (spaces encoded)."""
    sim = agent.sim
    await _switch(hass, WINDOWS, False)
    assert _posts(agent)[-1] == "/api/v1/vm/Windows 11/stop"
    await _switch(hass, UBUNTU, True)
    assert _posts(agent)[-1] == "/api/v1/vm/Ubuntu Server/start"
    assert state_of(hass, *WINDOWS).state == STATE_OFF
    assert state_of(hass, *UBUNTU).state == STATE_ON
    sim.publish("vm_list_update")
    await wait_until(
        hass,
        lambda: (
            state_of(hass, "sensor", "vm", "Ubuntu Server", "state").state == "running"
        ),
    )
    assert state_of(hass, *WINDOWS).state == STATE_OFF
    assert state_of(hass, "sensor", "vm", "Windows 11", "state").state == "shut_off"
    assert state_of(hass, *UBUNTU).state == STATE_ON


async def test_remote_share_switch(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Mount and unmount Unassigned Devices remote shares by source."""
    sim = agent.sim
    assert state_of(hass, *MEDIA).state == STATE_OFF
    await _switch(hass, MEDIA, True)
    await _switch(hass, ARCHIVE, False)
    mounts = [
        r.path for r in sim.request_log if r.path.startswith("/api/v1/unassigned/")
    ]
    assert mounts[-2:] == [
        "/api/v1/unassigned/remote-shares/mount",
        "/api/v1/unassigned/remote-shares/unmount",
    ]
    sim.publish("unassigned_devices_update")
    coordinator = coordinator_of(loaded)

    def reported() -> dict[str | None, str | None]:
        listing = coordinator.data.unassigned
        assert listing is not None
        return {share.source: share.status for share in listing.remote_shares or ()}

    await wait_until(hass, lambda: reported()["backup-nas:/export/media"] == "mounted")
    assert reported()["//backup-nas/archive"] == "unmounted"
    assert state_of(hass, *MEDIA).state == STATE_ON
    assert state_of(hass, *ARCHIVE).state == STATE_OFF


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_agent_error_keeps_reported_state(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """HTTP 500 with the agent's message: translated error, no guessed state."""
    sim = agent.sim
    sim.remove_container("plex")  # gone on the server, not yet reported
    with pytest.raises(HomeAssistantError) as caught:
        await _switch(hass, PLEX, False)
    assert caught.value.translation_key == "action_rejected"
    assert "Failed to stopped container" in str(caught.value)
    assert eid(hass, *PLEX) in str(caught.value)
    assert state_of(hass, *PLEX).state == STATE_ON

    # A VM that is already off cannot be stopped (libvirt semantics).
    with pytest.raises(HomeAssistantError, match="Failed to stopped VM"):
        await _switch(hass, UBUNTU, False)
    assert state_of(hass, *UBUNTU).state == STATE_OFF


async def test_no_switch_for_refused_sources(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A share the agent could not mount by its source gets no mount switch."""
    sim = agent.sim
    share = copy.deepcopy(sim.state.unassigned["remote_shares"][1])
    share["source"] = "nas-without-export"
    sim.state.unassigned["remote_shares"].append(share)
    sim.publish("unassigned_devices_update")
    usage = ("sensor", "remote", "nas-without-export", "usage")
    await wait_until(hass, lambda: has_entity(hass, *usage))
    assert not has_entity(hass, "switch", "remote", "nas-without-export", "mount")
    assert state_of(hass, *MEDIA).state == STATE_OFF


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_root_share_keeps_one_key(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A UD root share: the same entities mounted or not, and no mount switch.

    Mounted, the agent reports it by its bare name, which mount and unmount
    refuse; unmounted, by its configured ``//server/share``.
    """
    sim = agent.sim
    root = ("remote", "/mnt/rootshare/scratch")
    mounted = ("binary_sensor", *root, "mounted")
    assert state_of(hass, *mounted).state == STATE_ON
    assert state_of(hass, "sensor", *root, "usage").state == "25.0"
    assert state_of(hass, *mounted).name == "tower Remote share scratch mounted"
    assert not has_entity(hass, "switch", *root, "mount")

    sim.state.root_shares[0]["mounted"] = False
    sim.publish("unassigned_devices_update")
    await wait_until(hass, lambda: state_of(hass, *mounted).state == STATE_OFF)
    assert state_of(hass, "sensor", *root, "usage").state == STATE_UNKNOWN
    scratch = [
        entry.unique_id
        for entry in entry_entities(hass, loaded)
        if "scratch" in entry.unique_id
    ]
    assert sorted(scratch) == [
        uid(*root, "mounted"),
        uid(*root, "usage"),
    ]


async def test_unauthorized(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A 401 (the agent's token changed) is refused with its message."""
    agent.sim.token = "changed"
    with pytest.raises(HomeAssistantError, match="Unauthorized"):
        await _switch(hass, PLEX, False)
    assert state_of(hass, *PLEX).state == STATE_ON


async def test_rate_limited(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A plain-text 429 is refused with its text."""
    agent.sim.faults.set_rest_mode("429", "/api/v1/docker")
    with pytest.raises(HomeAssistantError, match="Too Many Requests"):
        await _switch(hass, PLEX, False)
    assert state_of(hass, *PLEX).state == STATE_ON


async def test_unreachable(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A dropped connection: translated 'could not send' error, state kept."""
    agent.sim.faults.offline = True
    with pytest.raises(HomeAssistantError) as caught:
        await _switch(hass, WINDOWS, False)
    assert caught.value.translation_key == "action_unreachable"
    assert not isinstance(caught.value, ServiceValidationError)
    assert state_of(hass, *WINDOWS).state == STATE_ON
    agent.sim.faults.offline = False


async def test_invalid_requests_are_refused_before_sending(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Names and ids the agent would reject: ServiceValidationError, no request."""
    sim = agent.sim
    vm = copy.deepcopy(sim.state.vms[1]) | {"name": "Back/up", "id": "cd" * 16}
    sim.state.vms.append(vm)
    sim.publish("vm_list_update")
    entity = ("switch", "vm", "Back/up", "running")
    await wait_until(hass, lambda: has_entity(hass, *entity))
    sent = len(agent.sim.request_log)
    with pytest.raises(ServiceValidationError) as caught:
        await _switch(hass, entity, True)
    assert caught.value.translation_key == "invalid_request"
    assert "invalid VM name" in str(caught.value)

    plex = sim.find_container("plex")
    assert plex is not None
    plex["id"] = "not-a-docker-id"
    sim.publish("container_list_update")
    coordinator = coordinator_of(loaded)
    await wait_until(
        hass, lambda: coordinator.data.containers["plex"].id == "not-a-docker-id"
    )
    with pytest.raises(ServiceValidationError, match="hexadecimal"):
        await _switch(hass, PLEX, False)
    assert len(agent.sim.request_log) == sent
    assert state_of(hass, *PLEX).state == STATE_ON


async def test_unconfirmed_command_does_not_stick(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Accepted, but the server never reports the change: the report wins later."""
    sim = agent.sim
    await _switch(hass, PLEX, False)
    assert state_of(hass, *PLEX).state == STATE_OFF
    # Its restart policy brings it straight back; nothing new is reported.
    sim.set_container_state("plex", "running")
    await move_time(hass, freezer, CONFIRMED_STATE_HOLD.total_seconds() - 5)
    assert state_of(hass, *PLEX).state == STATE_OFF
    await move_time(hass, freezer, 10)
    assert state_of(hass, *PLEX).state == STATE_ON


async def test_report_during_hold_wins(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A report of the item after the command replaces the commanded state."""
    sim = agent.sim
    await _switch(hass, PLEX, False)
    sim.set_container_state("plex", "running")
    sim.publish("container_list_update")
    await wait_until(hass, lambda: state_of(hass, *PLEX).state == STATE_ON)


async def test_on_resumes_paused(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Paused counts as running; switching a paused one on resumes it."""
    sim = agent.sim
    syncthing = sim.find_container("syncthing")
    assert syncthing is not None
    assert syncthing["state"] == "paused"
    entity = ("switch", "container", "syncthing", "running")
    assert state_of(hass, *entity).state == STATE_ON
    await _switch(hass, entity, True)
    assert _posts(agent)[-1] == f"/api/v1/docker/{syncthing['id']}/unpause"
    assert syncthing["state"] == "running"

    sim.state.vms[0]["state"] = "paused"
    sim.publish("vm_list_update")
    coordinator = coordinator_of(loaded)
    await wait_until(hass, lambda: coordinator.data.vms["Windows 11"].state == "paused")
    await _switch(hass, WINDOWS, True)
    assert _posts(agent)[-1] == "/api/v1/vm/Windows 11/resume"
    assert sim.state.vms[0]["state"] == "running"
