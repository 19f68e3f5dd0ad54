"""Buttons and update installs against the simulator."""

from __future__ import annotations

from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.helpers import Agent, settle, wait_until

from .conftest import coordinator_of, eid, has_entity, state_of


async def _press(hass: HomeAssistant, *parts: str) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": eid(hass, "button", *parts)}, blocking=True
    )


def _last_post(agent: Agent) -> str:
    record = [r for r in agent.sim.request_log if r.method == "POST"][-1]
    return f"{record.path}?{record.query}" if record.query else record.path


def _container_id(agent: Agent, name: str) -> str:
    container = agent.sim.find_container(name)
    assert container is not None
    return str(container["id"])


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("button", "path", "prepare"),
    [
        (("array_start",), "/api/v1/array/start", "array stopped"),
        (("array_stop",), "/api/v1/array/stop", None),
        (("update_all_containers",), "/api/v1/docker/update-all", None),
        (("check_container_updates",), "/api/v1/docker/updates/refresh", None),
        (("container", "plex", "restart"), "/api/v1/docker/{plex}/restart", None),
        (("container", "plex", "pause"), "/api/v1/docker/{plex}/pause", None),
        (
            ("container", "syncthing", "unpause"),
            "/api/v1/docker/{syncthing}/unpause",
            None,
        ),
        (("vm", "Windows 11", "pause"), "/api/v1/vm/Windows 11/pause", None),
        (("vm", "Windows 11", "restart"), "/api/v1/vm/Windows 11/restart", None),
        (("vm", "Windows 11", "force_stop"), "/api/v1/vm/Windows 11/force-stop", None),
        (("vm", "Windows 11", "hibernate"), "/api/v1/vm/Windows 11/hibernate", None),
        (("vm", "Windows 11", "resume"), "/api/v1/vm/Windows 11/resume", "paused"),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, tuple) else None,
)
async def test_button_sends_its_command(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    button: tuple[str, ...],
    path: str,
    prepare: str | None,
) -> None:
    """Each button sends exactly its command, and the agent accepts it."""
    sim = agent.sim
    if prepare == "array stopped":
        # "Start array" is offered only while the array is stopped.
        sim.state.array["state"] = "STOPPED"
        sim.publish("array_status_update")
        await settle(hass)
    elif prepare is not None:
        sim.state.vms[0]["state"] = prepare
    before = len(sim.request_log)
    await _press(hass, *button)
    expected = path.format(
        plex=_container_id(agent, "plex"), syncthing=_container_id(agent, "syncthing")
    )
    posts = [r for r in sim.request_log[before:] if r.method == "POST"]
    assert [r.path for r in posts] == [expected]
    assert posts[0].status == 200


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_parity_check_buttons(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Start, pause, resume, stop: each confirmed by the next array report."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)

    async def press_and_see(button: str, status: str) -> None:
        await _press(hass, button)
        sim.advance(0)  # the array collection the command triggered
        await wait_until(
            hass,
            lambda: state_of(hass, "sensor", "parity_check_status").state == status,
        )

    await press_and_see("parity_check_start", "running")
    assert _last_post(agent) == "/api/v1/array/parity-check/start?correcting=false"
    await press_and_see("parity_check_pause", "paused")
    await press_and_see("parity_check_resume", "running")
    await press_and_see("parity_check_stop", "idle")
    # The finished check is read back for the history sensors.
    await settle(hass)
    history = coordinator.data.parity_history
    assert history is not None
    assert history.latest is not None
    assert history.latest.status == "Canceled"
    assert state_of(hass, "sensor", "last_parity_check_result").state == "Canceled"

    await press_and_see("parity_check_start_correcting", "running")
    assert _last_post(agent) == "/api/v1/array/parity-check/start?correcting=true"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_reboot_and_shutdown(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Reboot and shutdown send their command; unreachable means unavailable."""
    sim = agent.sim
    coordinator = coordinator_of(loaded)
    await _press(hass, "reboot")
    assert _last_post(agent) == "/api/v1/system/reboot"
    await wait_until(hass, lambda: not coordinator.stream_connected)
    await settle(hass)
    sim.advance(0)

    await _press(hass, "shutdown")
    assert _last_post(agent) == "/api/v1/system/shutdown"
    await wait_until(hass, lambda: not coordinator.stream_connected)
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    # Nothing answers: the buttons are unavailable, like everything else.
    assert state_of(hass, "button", "reboot").state == STATE_UNAVAILABLE
    assert state_of(hass, "button", "parity_check_start").state == STATE_UNAVAILABLE
    sim.restart()
    sim.advance(0)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_button_failures(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Agent errors and unreachable: HomeAssistantError with the agent's text."""
    sim = agent.sim
    # libvirt refuses to pause a VM that is not running
    with pytest.raises(HomeAssistantError) as caught:
        await _press(hass, "vm", "Ubuntu Server", "pause")
    assert caught.value.translation_key == "action_rejected"
    assert "Failed to paused VM" in str(caught.value)

    sim.faults.set_rest_mode("500", "/api/v1/docker")
    with pytest.raises(HomeAssistantError, match="Internal Server Error"):
        await _press(hass, "container", "plex", "restart")
    sim.faults.set_rest_mode(None, "/api/v1/docker")

    sim.faults.offline = True
    with pytest.raises(HomeAssistantError) as caught:
        await _press(hass, "parity_check_start")
    assert caught.value.translation_key == "action_unreachable"
    assert not isinstance(caught.value, ServiceValidationError)
    sim.faults.offline = False


async def test_container_update_install(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Install a new image: recreated by the agent, no update left, same entities."""
    sim = agent.sim
    sim.set_image_update("plex")
    sim.publish("docker_updates_update")
    update = eid(hass, "update", "container", "plex", "image")
    await wait_until(hass, lambda: hass.states.get(update).state == STATE_ON)  # type: ignore[union-attr]
    old_id = _container_id(agent, "plex")

    await hass.services.async_call(
        "update", "install", {"entity_id": update}, blocking=True
    )
    assert _last_post(agent) == "/api/v1/docker/plex/update"
    state = hass.states.get(update)
    assert state is not None
    assert state.state == STATE_OFF
    assert state.attributes["in_progress"] is False
    new_id = _container_id(agent, "plex")
    assert new_id != old_id
    sim.publish("container_list_update")
    coordinator = coordinator_of(loaded)
    await wait_until(hass, lambda: coordinator.data.containers["plex"].id == new_id)
    assert hass.states.get(update).state == STATE_OFF  # type: ignore[union-attr]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_update_all_clears_the_offers(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """After "update all", the updated containers no longer offer an update."""
    sim = agent.sim
    sim.set_image_update("plex")
    sim.set_image_update("radarr")
    sim.publish("docker_updates_update")
    plex = eid(hass, "update", "container", "plex", "image")
    radarr = eid(hass, "update", "container", "radarr", "image")
    await wait_until(hass, lambda: hass.states.get(radarr).state == STATE_ON)  # type: ignore[union-attr]
    await _press(hass, "update_all_containers")
    assert hass.states.get(plex).state == STATE_OFF  # type: ignore[union-attr]
    assert hass.states.get(radarr).state == STATE_OFF  # type: ignore[union-attr]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_container_check_answer_is_shown_at_once(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Check for container updates: its answer is shown, with no frame needed."""
    sim = agent.sim
    plex = eid(hass, "update", "container", "plex", "image")
    sim.publish("docker_updates_update")  # the agent's first check: no update
    await wait_until(hass, lambda: hass.states.get(plex).state == STATE_OFF)  # type: ignore[union-attr]
    sim.faults.muted.add("docker_updates_update")  # the frame is lost: only the answer
    sim.set_image_update("plex")
    await _press(hass, "check_container_updates")
    assert hass.states.get(plex).state == STATE_ON  # type: ignore[union-attr]


async def test_container_update_failure(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A failed install raises with the agent's text and keeps the offer."""
    sim = agent.sim
    sim.set_image_update("plex")
    sim.publish("docker_updates_update")
    update = eid(hass, "update", "container", "plex", "image")
    await wait_until(hass, lambda: hass.states.get(update).state == STATE_ON)  # type: ignore[union-attr]
    sim.remove_container("plex")
    with pytest.raises(HomeAssistantError, match="Failed to update container"):
        await hass.services.async_call(
            "update", "install", {"entity_id": update}, blocking=True
        )
    state = hass.states.get(update)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["in_progress"] is False


async def _plugin_update(hass: HomeAssistant, agent: Agent) -> str:
    agent.sim.advance(30)  # the staggered plugin collection
    entity = ("update", "plugin", "community.applications", "update")
    await wait_until(hass, lambda: has_entity(hass, *entity))
    return eid(hass, *entity)


async def test_plugin_update_install(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry, freezer: Any
) -> None:
    """Installing a plugin update shows the new version until the next report."""
    update = await _plugin_update(hass, agent)
    state = hass.states.get(update)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["installed_version"] == "2026.08.10"
    assert state.attributes["latest_version"] == "2026.09.01"

    await hass.services.async_call(
        "update", "install", {"entity_id": update}, blocking=True
    )
    installed = next(
        p for p in agent.sim.state.plugins if p["name"] == "community.applications"
    )
    assert installed["version"] == "2026.09.01"
    state = hass.states.get(update)
    assert state is not None
    assert state.state == STATE_OFF
    assert state.attributes["installed_version"] == "2026.09.01"

    # The agent's next check no longer lists it (it lists only plugins with
    # an update): the entity is unavailable until the plugin has one again.
    agent.sim.publish("plugin_updates_update")
    coordinator = coordinator_of(loaded)
    await wait_until(
        hass,
        lambda: (
            coordinator.data.plugin_updates is not None
            and not coordinator.data.plugin_updates.plugins
        ),
    )
    state = hass.states.get(update)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE


async def test_plugin_update_rejected(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """The agent fails the update: its text is shown, nothing changes."""
    update = await _plugin_update(hass, agent)
    # The agent no longer knows the plugin (removed meanwhile): it answers 500.
    agent.sim.state.plugins[:] = [
        p for p in agent.sim.state.plugins if p["name"] != "community.applications"
    ]
    with pytest.raises(HomeAssistantError, match="Failed to update plugin"):
        await hass.services.async_call(
            "update", "install", {"entity_id": update}, blocking=True
        )
    state = hass.states.get(update)
    assert state is not None
    assert state.state == STATE_ON
    assert state.attributes["installed_version"] == "2026.08.10"


async def test_invalid_plugin_name(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """A plugin name the agent would refuse is refused before sending."""
    agent.sim.state.plugins.append(
        dict(agent.sim.state.plugins[0]) | {"name": "bad plugin name"}
    )
    agent.sim.advance(30)
    entity = ("update", "plugin", "bad plugin name", "update")
    await wait_until(hass, lambda: has_entity(hass, *entity))
    with pytest.raises(ServiceValidationError, match="invalid plugin name"):
        await hass.services.async_call(
            "update", "install", {"entity_id": eid(hass, *entity)}, blocking=True
        )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_buttons_are_offered_only_when_they_apply(
    hass: HomeAssistant, agent: Agent, loaded: MockConfigEntry
) -> None:
    """Parity pause/resume/stop and array start/stop follow the server's state."""
    sim = agent.sim

    def offered() -> set[str]:
        keys = (
            "parity_check_start",
            "parity_check_pause",
            "parity_check_resume",
            "parity_check_stop",
            "array_start",
            "array_stop",
        )
        return {
            key
            for key in keys
            if hass.states.get(eid(hass, "button", key)).state != "unavailable"  # type: ignore[union-attr]
        }

    assert offered() == {"parity_check_start", "array_stop"}
    for status, want in (
        ("running", {"parity_check_pause", "parity_check_stop", "array_stop"}),
        ("paused", {"parity_check_resume", "parity_check_stop", "array_stop"}),
        ("", {"parity_check_start", "array_stop"}),
    ):
        sim.state.parity["status"] = status
        sim.publish("array_status_update")
        await wait_until(hass, lambda w=want: offered() == w)
    sim.state.array["state"] = "STOPPED"
    sim.publish("array_status_update")
    await wait_until(hass, lambda: offered() == {"array_start"})
