"""The blueprints load with Home Assistant's loader and do what they say.

Every file under ``blueprints/`` is loaded with Home Assistant's own blueprint
model and the automation blueprint schema, instantiated with example inputs
through the automation config validation (so a broken template, trigger or
action fails here), and then run as real automations: against states set by
the test, and for the container and parity blueprints against the
integration itself, set up on the agent simulator. The example dashboard in
``docs/`` may only use built-in cards and entities a new user on the
simulator's ``home`` scenario has enabled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator, Iterator
from datetime import timedelta
import logging
from pathlib import Path
import re
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.components.automation.config import (
    AUTOMATION_BLUEPRINT_SCHEMA,
    ValidationStatus,
    async_validate_config_item,
)
from homeassistant.components.blueprint import BlueprintInputs
from homeassistant.components.blueprint.models import Blueprint, DomainBlueprints
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Context, HomeAssistant, ServiceCall
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml, load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.unraid_management_agent.const import DOMAIN
from tests.helpers import SERVER, Agent, entity_id, settle, setup_entry, wait_until

ROOT = Path(__file__).parent.parent
BLUEPRINT_DIR = ROOT / "blueprints" / "automation"
OURS = BLUEPRINT_DIR / DOMAIN
BLUEPRINTS = sorted(BLUEPRINT_DIR.rglob("*.yaml"))
DASHBOARD = ROOT / "docs" / "dashboard.yaml"
SNAPSHOT = ROOT / "tests" / "entities" / "snapshots" / "test_snapshots.ambr"
SOURCE_URL = "https://github.com/unraid-uma-ha/unraid-management-agent-ha/blob/main/"

# What the test actions record: every variable the blueprint documents.
NOTIFY = [
    {
        "action": "test.notify",
        "data": {"title": "{{ title }}", "message": "{{ message }}"},
    }
]

# Example inputs for each blueprint, with the entity ids of the ``home`` scenario.
EXAMPLES: dict[str, dict[str, Any]] = {
    "disk_too_hot": {
        "temperature_sensors": [
            "sensor.tower_disk_1_temperature",
            "sensor.tower_cpu_temperature",
        ],
        "actions": [
            {
                "action": "test.notify",
                "data": {
                    "title": "{{ title }}",
                    "message": "{{ message }}",
                    "disk": "{{ disk }}",
                    "level": "{{ level }}",
                    "threshold": "{{ threshold }}",
                    "temperature": "{{ temperature }}",
                },
            }
        ],
    },
    "container_stopped": {
        "containers": ["switch.tower_plex_running", "switch.tower_sonarr_running"],
        "actions": [
            {
                "action": "test.notify",
                "data": {
                    "title": "{{ title }}",
                    "message": "{{ message }}",
                    "entity": "{{ entity }}",
                    "container": "{{ container }}",
                },
            }
        ],
    },
    "parity_check_errors": {
        "parity_check_sensor": "sensor.tower_parity_check",
        "last_check_sensor": "sensor.tower_last_parity_check",
        "errors_sensor": "sensor.tower_last_parity_check_errors",
        "actions": [
            {
                "action": "test.notify",
                "data": {
                    "title": "{{ title }}",
                    "message": "{{ message }}",
                    "errors": "{{ errors }}",
                    "result": "{{ result }}",
                    "server": "{{ server }}",
                },
            }
        ],
    },
    "ups_shutdown": {
        "on_battery_sensor": "binary_sensor.tower_ups_on_battery",
        "battery_sensor": "sensor.tower_ups_battery",
        "shutdown_button": "button.tower_shut_down",
        "power_lost_actions": [
            {
                "action": "test.power_lost",
                "data": {"title": "{{ title }}", "message": "{{ message }}"},
            }
        ],
        "shutdown_actions": [
            {
                "action": "test.notify",
                "data": {
                    "title": "{{ title }}",
                    "message": "{{ message }}",
                    "reason": "{{ reason }}",
                },
            }
        ],
    },
    "array_not_started": {
        "array_sensor": "sensor.tower_array",
        "last_boot_sensor": "sensor.tower_last_boot",
        "actions": NOTIFY,
        "started_actions": [{"action": "test.back", "data": {}}],
    },
    "connection_stale": {
        "connection_sensor": "sensor.tower_connection",
        "actions": NOTIFY,
        "back_actions": [{"action": "test.back", "data": {}}],
    },
}

# Card types the frontend ships (no custom cards).
BUILT_IN_CARDS = {
    "button",
    "conditional",
    "entities",
    "entity",
    "gauge",
    "glance",
    "grid",
    "heading",
    "history-graph",
    "horizontal-stack",
    "markdown",
    "sensor",
    "statistics-graph",
    "tile",
    "vertical-stack",
}
ENTITY_ID = re.compile(
    r"\b(?:sensor|binary_sensor|switch|button|update|event)\.[a-z0-9_]+\b"
)


def _load(path: Path) -> Blueprint:
    """Load one blueprint file as Home Assistant's automation blueprints do."""
    return Blueprint(
        load_yaml_dict(path),
        path=str(path.relative_to(BLUEPRINT_DIR)),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )


def _selectors(node: Any) -> Iterator[dict[str, Any]]:
    """Every entity selector in a blueprint's inputs."""
    for value in node.values():
        if "input" in value and "selector" not in value:  # a section
            yield from _selectors(value["input"])
        elif "entity" in value.get("selector", {}):
            yield value["selector"]["entity"]


def _use(name: str, inputs: dict[str, Any], alias: str | None = None) -> dict[str, Any]:
    """Return an automation config that uses one of our blueprints."""
    return {
        "alias": alias or name,
        "use_blueprint": {"path": f"{DOMAIN}/{name}.yaml", "input": inputs},
    }


async def _set_up(hass: HomeAssistant, *automations: dict[str, Any]) -> None:
    """Set the automations up; each must be valid and on."""
    assert await async_setup_component(
        hass, "automation", {"automation": list(automations)}
    )
    await hass.async_block_till_done()
    for automation in automations:
        state = hass.states.get(f"automation.{automation['alias']}")
        assert state is not None, automation["alias"]
        assert state.state == "on", automation["alias"]


async def _run(hass: HomeAssistant) -> None:
    """Let the event loop handle what is queued.

    Not ``hass.async_block_till_done()``: that waits for every automation run,
    and a run that waits (for the parity history, for the array to start)
    would wait for ever on the frozen clock. Nothing here does I/O, so a
    fixed number of loop turns handles everything queued.
    """
    for _ in range(100):
        await asyncio.sleep(0)


async def _later(hass: HomeAssistant, freezer: Any, seconds: float) -> None:
    """Let the state changes so far be handled, then move the clock on."""
    await _run(hass)
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await _run(hass)


@pytest.fixture(autouse=True)
def blueprint_folder() -> Generator[None]:
    """Let Home Assistant find the blueprints in this repository."""
    with patch.object(
        DomainBlueprints,
        "blueprint_folder",
        new_callable=PropertyMock,
        return_value=BLUEPRINT_DIR,
    ):
        yield


@pytest.fixture(autouse=True)
def nothing_logged(caplog: pytest.LogCaptureFixture) -> Generator[None]:
    """Fail on any warning or error (Home Assistant logs template errors in runs)."""
    yield
    logged = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.get_records("call")
        if record.levelno >= logging.WARNING
        and "not been tested by Home Assistant" not in record.getMessage()
    ]
    assert not logged


@pytest.fixture
def notify(hass: HomeAssistant) -> list[ServiceCall]:
    """Record the calls of the test actions' ``test.notify``."""
    return async_mock_service(hass, "test", "notify")


# ------------------------------------------------------------------ loading


def test_the_promised_blueprints_exist() -> None:
    """One blueprint per case the README promises, and an example for each."""
    assert {path.stem for path in OURS.glob("*.yaml")} == set(EXAMPLES)
    assert {path.parent for path in BLUEPRINTS} == {OURS}


@pytest.mark.parametrize("path", BLUEPRINTS, ids=lambda path: path.stem)
def test_blueprint_loads(path: Path) -> None:
    """Home Assistant's loader accepts the file; its metadata is complete."""
    blueprint = _load(path)
    assert blueprint.validate() is None  # no newer Home Assistant needed
    metadata = blueprint.metadata
    assert metadata["domain"] == "automation"
    assert metadata["name"].startswith("Unraid ")
    assert metadata["description"]
    assert metadata["source_url"] == SOURCE_URL + str(path.relative_to(ROOT))
    for key, spec in blueprint.inputs.items():
        assert spec.get("name"), key
        assert spec.get("description"), key
        assert "selector" in spec, key
    # Entity pickers offer only this integration's entities.
    selectors = list(_selectors(metadata["input"]))
    assert selectors
    for selector in selectors:
        for entity_filter in selector["filter"]:
            assert entity_filter["integration"] == DOMAIN
            assert entity_filter["domain"]
    # load_yaml (which keeps !input) reads it too, and every input is used.
    raw = load_yaml(path)
    assert isinstance(raw, dict)
    text = path.read_text(encoding="utf-8")
    for key in blueprint.inputs:
        assert f"!input {key}" in text, f"input {key} is never used"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
async def test_blueprint_instantiates(hass: HomeAssistant, name: str) -> None:
    """The example inputs make a valid automation (templates, triggers, actions)."""
    blueprint = _load(OURS / f"{name}.yaml")
    inputs = BlueprintInputs(blueprint, _use(name, EXAMPLES[name]))
    inputs.validate()
    substituted = inputs.async_substitute()
    assert "!input" not in repr(substituted)
    validated = await async_validate_config_item(hass, name, _use(name, EXAMPLES[name]))
    assert validated is not None
    assert validated.validation_status is ValidationStatus.OK, (
        validated.validation_error
    )
    # With only the required inputs: the defaults are valid too.
    required = {
        key: EXAMPLES[name][key]
        for key, spec in blueprint.inputs.items()
        if "default" not in spec
    }
    validated = await async_validate_config_item(hass, name, _use(name, required))
    assert validated is not None
    assert validated.validation_status is ValidationStatus.OK, (
        validated.validation_error
    )


async def test_broken_inputs_fail(hass: HomeAssistant) -> None:
    """The validation used above does catch a broken instance."""
    with pytest.raises(Exception, match="Missing input"):
        await async_validate_config_item(
            hass, "x", _use("disk_too_hot", {"actions": NOTIFY})
        )


# ---------------------------------------------------------- disk too hot


async def test_disk_too_hot(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """Warning, then critical, at the sensor's own thresholds or the fallback."""
    disk = "sensor.tower_disk_1_temperature"
    cpu = "sensor.tower_cpu_temperature"
    thresholds = {"temperature_warning": 45, "temperature_critical": 55}

    def disk_at(value: str) -> None:
        hass.states.async_set(
            disk, value, {**thresholds, "friendly_name": "tower Disk 1 Temperature"}
        )

    disk_at("33.0")
    hass.states.async_set(cpu, "40.0")
    await _set_up(hass, _use("disk_too_hot", EXAMPLES["disk_too_hot"], "hot"))

    async def step(entity: str, value: str, attributes: dict[str, Any]) -> None:
        if entity == disk:
            attributes = {**attributes, "friendly_name": "tower Disk 1 Temperature"}
        hass.states.async_set(entity, value, attributes)
        await _run(hass)

    await step(disk, "44.0", thresholds)
    assert notify == []
    await step(disk, "45.0", thresholds)  # at the warning threshold
    assert [call.data["level"] for call in notify] == ["warning"]
    assert notify[0].data["threshold"] == 45.0
    assert notify[0].data["disk"] == "tower Disk 1 Temperature"
    assert notify[0].data["title"] == "Unraid: tower Disk 1 Temperature is too hot"
    assert (
        "45.0 °C, at or above its warning threshold of 45 °C"
        in (notify[0].data["message"])
    )
    await step(disk, "50.0", thresholds)  # still warning: nothing new
    await step(disk, "55.0", thresholds)  # critical
    await step(disk, "56.0", thresholds)
    assert [call.data["level"] for call in notify] == ["warning", "critical"]
    assert notify[1].data["threshold"] == 55.0

    # Spun down (unknown), then spun up hot: critical only, not warning too.
    await step(disk, STATE_UNKNOWN, thresholds)
    await step(disk, "57.0", thresholds)
    assert [call.data["level"] for call in notify] == [
        "warning",
        "critical",
        "critical",
    ]

    # A sensor without thresholds uses the fallbacks (50 / 60 °C).
    await step(cpu, "49.0", {})
    await step(cpu, "51.0", {})
    assert notify[-1].data["level"] == "warning"
    assert notify[-1].data["threshold"] == 50.0
    assert len(notify) == 4


async def test_disk_too_hot_only_critical_and_duration(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """Only critical; the temperature must stay high for the set time."""
    disk = "sensor.tower_disk_1_temperature"
    thresholds = {"temperature_warning": 45, "temperature_critical": 55}
    hass.states.async_set(disk, "40.0", thresholds)
    inputs = {
        **EXAMPLES["disk_too_hot"],
        "temperature_sensors": [disk],
        "only_critical": True,
        "duration": {"minutes": 10},
    }
    await _set_up(hass, _use("disk_too_hot", inputs, "hot"))

    hass.states.async_set(disk, "50.0", thresholds)
    await _later(hass, freezer, 3600)
    assert notify == []  # warning only
    hass.states.async_set(disk, "56.0", thresholds)
    await _later(hass, freezer, 300)
    hass.states.async_set(disk, "54.0", thresholds)  # cooled down in time
    await _later(hass, freezer, 3600)
    assert notify == []
    hass.states.async_set(disk, "56.0", thresholds)
    await _later(hass, freezer, 300)
    hass.states.async_set(disk, "58.0", thresholds)  # still critical
    await _later(hass, freezer, 301)
    assert [call.data["level"] for call in notify] == ["critical"]


async def test_default_action_is_a_persistent_notification(
    hass: HomeAssistant, freezer: Any
) -> None:
    """Without actions, each blueprint creates a persistent notification."""
    created = async_mock_service(hass, "persistent_notification", "create")
    disk = "sensor.tower_disk_1_temperature"
    hass.states.async_set(disk, "40.0", {"temperature_warning": 45})
    await _set_up(hass, _use("disk_too_hot", {"temperature_sensors": [disk]}, "hot"))
    hass.states.async_set(disk, "46.0", {"temperature_warning": 45})
    await _run(hass)
    assert len(created) == 1
    assert created[0].data["title"] == f"Unraid: {disk} is too hot"
    assert created[0].data["notification_id"] == f"unraid_disk_hot_{disk}"


# ------------------------------------------------------- container stopped


async def test_container_stopped(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """A stop nobody asked for counts; one from a user or an automation does not."""
    plex, sonarr = EXAMPLES["container_stopped"]["containers"]
    hass.states.async_set(plex, "on")
    hass.states.async_set(sonarr, "on")
    hass.states.async_set("sensor.tower_array", "started")
    inputs = {**EXAMPLES["container_stopped"], "array_sensor": "sensor.tower_array"}
    await _set_up(hass, _use("container_stopped", inputs, "stopped"))

    async def stop(entity: str, context: Context | None = None) -> None:
        hass.states.async_set(entity, "on")
        await _run(hass)
        hass.states.async_set(entity, "off", context=context)
        await _run(hass)

    await stop(plex)  # crashed, or stopped in Unraid
    assert [call.data["entity"] for call in notify] == [plex]
    assert notify[0].data["title"] == f"Unraid: {plex} stopped"
    assert "nobody stopped it from Home Assistant" in notify[0].data["message"]

    await stop(sonarr, Context(user_id="a-user"))  # turned off in the UI
    await stop(sonarr, Context(parent_id="an-automation-run"))  # by an automation
    hass.states.async_set(sonarr, STATE_UNAVAILABLE)  # removed or offline
    await _run(hass)
    assert len(notify) == 1

    hass.states.async_set("sensor.tower_array", "stopping")
    await stop(plex)  # the array stops: every container does
    assert len(notify) == 1


async def test_container_stopped_for_a_while(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """With a delay, a container that restarts by itself is not reported."""
    plex = EXAMPLES["container_stopped"]["containers"][0]
    hass.states.async_set(plex, "on")
    inputs = {**EXAMPLES["container_stopped"], "duration": {"minutes": 2}}
    await _set_up(hass, _use("container_stopped", inputs, "stopped"))

    hass.states.async_set(plex, "off")
    await _later(hass, freezer, 60)
    hass.states.async_set(plex, "on")
    await _later(hass, freezer, 600)
    assert notify == []
    hass.states.async_set(plex, "off")
    await _later(hass, freezer, 119)
    assert notify == []
    await _later(hass, freezer, 2)
    assert len(notify) == 1


# ------------------------------------------------- parity check with errors


async def test_parity_check_errors(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """After a check ends, the new history record is awaited, then its errors."""
    status = "sensor.tower_parity_check"
    last = "sensor.tower_last_parity_check"
    errors = "sensor.tower_last_parity_check_errors"
    hass.states.async_set(status, "idle")
    hass.states.async_set(last, "2026-10-21T10:00:00+00:00", {"status": "OK"})
    hass.states.async_set(errors, "0")
    await _set_up(
        hass, _use("parity_check_errors", EXAMPLES["parity_check_errors"], "parity")
    )

    async def check(found: int, result: str = "OK") -> None:
        hass.states.async_set(status, "running")
        await _later(hass, freezer, 3600)
        hass.states.async_set(status, "idle")
        await _later(hass, freezer, 2)  # the history is read a moment later
        assert notify == before  # waiting for it
        hass.states.async_set(errors, str(found))
        hass.states.async_set(last, dt_util.utcnow().isoformat(), {"status": result})
        await _run(hass)

    before: list[ServiceCall] = []
    await check(0)
    assert notify == []
    await check(3, "Canceled")
    assert len(notify) == 1
    assert notify[0].data["errors"] == 3
    assert notify[0].data["result"] == "Canceled"
    assert notify[0].data["title"] == ("Unraid: parity check on Unraid found 3 errors")
    assert "ended (Canceled) with 3 errors." in notify[0].data["message"]
    assert "did not show" not in notify[0].data["message"]

    # Paused, then stopped; the history never updates: the last figures are used.
    before = list(notify)
    hass.states.async_set(status, "paused")
    await _run(hass)
    hass.states.async_set(status, "idle")
    await _later(hass, freezer, 299)
    assert len(notify) == 1
    await _later(hass, freezer, 2)
    assert len(notify) == 2
    assert "did not show the new check in time" in notify[1].data["message"]

    # Unavailable (Home Assistant restarting, agent offline) to idle: nothing.
    hass.states.async_set(status, STATE_UNAVAILABLE)
    await _run(hass)
    hass.states.async_set(status, "idle")
    await _later(hass, freezer, 600)
    assert len(notify) == 2


# ------------------------------------------------------------ UPS shutdown


@pytest.fixture
def ups(hass: HomeAssistant) -> dict[str, list[ServiceCall]]:
    """Put the UPS on mains; record the actions."""
    hass.states.async_set("binary_sensor.tower_ups_on_battery", "off")
    hass.states.async_set("sensor.tower_ups_battery", "100.0")
    hass.states.async_set("button.tower_shut_down", STATE_UNKNOWN)
    return {
        "power_lost": async_mock_service(hass, "test", "power_lost"),
        "notify": async_mock_service(hass, "test", "notify"),
        "press": async_mock_service(hass, "button", "press"),
    }


async def _power(hass: HomeAssistant, on_battery: bool, battery: float) -> None:
    hass.states.async_set(
        "binary_sensor.tower_ups_on_battery", "on" if on_battery else "off"
    )
    hass.states.async_set("sensor.tower_ups_battery", str(battery))
    await _run(hass)


async def test_ups_shutdown_after_minutes(
    hass: HomeAssistant, ups: dict[str, list[ServiceCall]], freezer: Any
) -> None:
    """Power lost: told at once; after 5 minutes: told, grace, button pressed."""
    await _set_up(hass, _use("ups_shutdown", EXAMPLES["ups_shutdown"], "ups"))
    await _power(hass, True, 95)
    assert len(ups["power_lost"]) == 1
    assert (
        "The UPS of Unraid is on battery (95 %)"
        in (ups["power_lost"][0].data["message"])
    )
    await _later(hass, freezer, 299)
    assert ups["notify"] == []
    await _later(hass, freezer, 2)
    assert len(ups["notify"]) == 1
    assert ups["notify"][0].data["reason"] == (
        "the UPS has been on battery for 5 minutes"
    )
    assert ups["notify"][0].data["title"] == "Unraid: Unraid shutting down"
    assert ups["press"] == []
    await _later(hass, freezer, 31)  # the grace period
    assert [call.data["entity_id"] for call in ups["press"]] == [
        ["button.tower_shut_down"]
    ]


async def test_ups_shutdown_on_low_battery_and_power_back(
    hass: HomeAssistant, ups: dict[str, list[ServiceCall]], freezer: Any
) -> None:
    """A low battery shuts down at once; power back in the grace period stops it."""
    inputs = {**EXAMPLES["ups_shutdown"], "minutes_on_battery": 60}
    await _set_up(hass, _use("ups_shutdown", inputs, "ups"))
    await _power(hass, True, 40)
    await _power(hass, True, 29)
    assert len(ups["notify"]) == 1
    assert ups["notify"][0].data["reason"] == ("the UPS battery is at 29 %, below 30 %")
    await _later(hass, freezer, 10)
    await _power(hass, False, 29)  # mains back within the grace period
    await _later(hass, freezer, 60)
    assert ups["press"] == []

    # Mains, battery still low; the power fails again: shut down at once.
    await _power(hass, True, 28)
    assert len(ups["power_lost"]) == 1  # only the first failure: battery was fine
    assert len(ups["notify"]) == 2
    await _later(hass, freezer, 31)
    assert len(ups["press"]) == 1

    # An unknown battery level never counts as low.
    await _power(hass, False, 100)
    hass.states.async_set("sensor.tower_ups_battery", STATE_UNKNOWN)
    hass.states.async_set("binary_sensor.tower_ups_on_battery", "on")
    await _run(hass)
    assert len(ups["power_lost"]) == 2
    assert "(unknown)" in ups["power_lost"][1].data["message"]
    assert len(ups["notify"]) == 2


# ------------------------------------------------------ array not started


async def test_array_not_started_after_boot(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """Ten minutes after boot the array is still stopped; later it starts."""
    back = async_mock_service(hass, "test", "back")
    hass.states.async_set("sensor.tower_array", "started")
    hass.states.async_set(
        "sensor.tower_last_boot",
        (dt_util.utcnow() - timedelta(days=3)).isoformat(),
        {"device_class": "timestamp"},
    )
    await _set_up(
        hass, _use("array_not_started", EXAMPLES["array_not_started"], "array")
    )
    # The server reboots; its array does not start.
    hass.states.async_set("sensor.tower_array", "stopped")
    hass.states.async_set(
        "sensor.tower_last_boot",
        dt_util.utcnow().replace(microsecond=0).isoformat(),
        {"device_class": "timestamp"},
    )
    await _later(hass, freezer, 9 * 60)
    assert notify == []
    await _later(hass, freezer, 61)
    assert len(notify) == 1
    assert notify[0].data["message"] == (
        "The array of Unraid is stopped, not started, since the server booted."
    )
    hass.states.async_set("sensor.tower_array", "started")
    await _run(hass)
    assert len(back) == 1

    # Booted and started in time: nothing.
    hass.states.async_set(
        "sensor.tower_last_boot",
        dt_util.utcnow().replace(microsecond=0).isoformat(),
        {"device_class": "timestamp"},
    )
    await _later(hass, freezer, 3600)
    assert len(notify) == 1


async def test_array_not_started_after_connecting(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """The array sensor comes up stopped (Home Assistant started) and stays so."""
    hass.states.async_set("sensor.tower_array", STATE_UNAVAILABLE)
    await _set_up(
        hass, _use("array_not_started", EXAMPLES["array_not_started"], "array")
    )
    hass.states.async_set("sensor.tower_array", "disabled_disk")
    await _later(hass, freezer, 601)
    assert len(notify) == 1
    assert (
        "is disabled disk, not started, since Home Assistant connected"
        in (notify[0].data["message"])
    )


# --------------------------------------------------------- connection stale


async def test_connection_stale(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """Not push for 10 minutes, polling and offline together; then back."""
    back = async_mock_service(hass, "test", "back")
    connection = "sensor.tower_connection"
    hass.states.async_set(connection, "push", {"last_push": None})
    await _set_up(hass, _use("connection_stale", EXAMPLES["connection_stale"], "stale"))
    last_push = dt_util.utcnow().replace(second=0, microsecond=0).isoformat()
    hass.states.async_set(connection, "polling", {"last_push": last_push})
    await _later(hass, freezer, 240)
    hass.states.async_set(connection, "offline", {"last_push": last_push})
    await _later(hass, freezer, 240)
    hass.states.async_set(connection, "polling", {"last_push": last_push})
    await _later(hass, freezer, 119)
    assert notify == []
    await _later(hass, freezer, 2)
    assert len(notify) == 1
    assert notify[0].data["title"] == "Unraid: no live updates from Unraid"
    assert (
        notify[0]
        .data["message"]
        .startswith("The connection to Unraid is polling (last push update ")
    )
    assert "something may block WebSockets" in notify[0].data["message"]
    hass.states.async_set(connection, "push", {"last_push": last_push})
    await _run(hass)
    assert len(back) == 1

    # A short outage: nothing.
    hass.states.async_set(connection, "offline", {"last_push": last_push})
    await _later(hass, freezer, 300)
    hass.states.async_set(connection, "push", {"last_push": last_push})
    await _later(hass, freezer, 3600)
    assert len(notify) == 1


async def test_connection_stale_from_the_start(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """Home Assistant starts while the server is off: still reported."""
    connection = "sensor.tower_connection"
    hass.states.async_set(connection, STATE_UNAVAILABLE)
    inputs = {**EXAMPLES["connection_stale"], "only_offline": True}
    await _set_up(hass, _use("connection_stale", inputs, "stale"))
    hass.states.async_set(connection, "offline", {"last_push": None})
    await _later(hass, freezer, 601)
    assert len(notify) == 1
    assert notify[0].data["message"] == "The connection to Unraid is offline."


async def test_connection_stale_only_offline_ignores_polling(
    hass: HomeAssistant, notify: list[ServiceCall], freezer: Any
) -> None:
    """With "only offline", polling is fine."""
    connection = "sensor.tower_connection"
    hass.states.async_set(connection, "push")
    inputs = {**EXAMPLES["connection_stale"], "only_offline": True}
    await _set_up(hass, _use("connection_stale", inputs, "stale"))
    hass.states.async_set(connection, "polling")
    await _later(hass, freezer, 3600)
    assert notify == []
    hass.states.async_set(connection, "offline")
    await _later(hass, freezer, 601)
    assert len(notify) == 1


# ------------------------------------------- against the real integration


@pytest.fixture
async def loaded(
    hass: HomeAssistant, agent: Agent, config_entry: MockConfigEntry, freezer: Any
) -> MockConfigEntry:
    """Set the integration up on the simulator's ``home`` scenario."""
    freezer.move_to(agent.sim.now)
    await setup_entry(hass, config_entry)
    return config_entry


async def test_container_stopped_with_the_integration(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    notify: list[ServiceCall],
    hass_admin_user: MockUser,
) -> None:
    """A container that exits is reported; one a user turns off is not."""
    plex = entity_id(hass, "switch", f"{SERVER}_container_plex_running")
    sonarr = entity_id(hass, "switch", f"{SERVER}_container_sonarr_running")
    inputs = {**EXAMPLES["container_stopped"], "containers": [plex, sonarr]}
    await _set_up(hass, _use("container_stopped", inputs, "stopped"))
    sim = agent.sim
    sim.set_container_state("plex", "exited")
    sim.publish("container_list_update")
    await wait_until(hass, lambda: len(notify) == 1)
    assert _state(hass, plex) == "off"
    assert notify[0].data["entity"] == plex
    assert notify[0].data["container"] == _device_name(hass, plex)

    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": sonarr},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert _state(hass, sonarr) == "off"
    sim.publish("container_list_update")
    await settle(hass)
    assert sim.find_container("sonarr")["state"] == "exited"  # type: ignore[index]
    assert len(notify) == 1


async def test_parity_check_errors_with_the_integration(
    hass: HomeAssistant,
    agent: Agent,
    loaded: MockConfigEntry,
    notify: list[ServiceCall],
    freezer: Any,
) -> None:
    """A check ends with errors: the re-read history reaches the blueprint."""
    status = entity_id(hass, "sensor", f"{SERVER}_parity_check_status")
    errors = entity_id(hass, "sensor", f"{SERVER}_last_parity_check_errors")
    inputs = {
        **EXAMPLES["parity_check_errors"],
        "parity_check_sensor": status,
        "last_check_sensor": entity_id(hass, "sensor", f"{SERVER}_last_parity_check"),
        "errors_sensor": errors,
    }
    await _set_up(hass, _use("parity_check_errors", inputs, "parity"))
    sim = agent.sim
    sim.state.parity.update(status="running", progress=50.0)
    sim.publish("array_status_update")
    await wait_until(hass, lambda: _state(hass, status) == "running")
    await _later(hass, freezer, 60)
    sim.finish_parity("OK")
    sim.state.parity_history[-1]["errors"] = 7
    sim.publish("array_status_update")
    await wait_until(hass, lambda: len(notify) == 1)
    assert _state(hass, errors) == "7"
    assert notify[0].data["errors"] == 7
    assert notify[0].data["server"] == _device_name(hass, status)
    assert "did not show" not in notify[0].data["message"]


def _state(hass: HomeAssistant, entity: str) -> str:
    state = hass.states.get(entity)
    assert state is not None, entity
    return state.state


def _device_name(hass: HomeAssistant, entity: str) -> str | None:
    entry = er.async_get(hass).async_get(entity)
    assert entry is not None
    assert entry.device_id is not None
    device = dr.async_get(hass).async_get(entry.device_id)
    assert device is not None
    return device.name


# ---------------------------------------------------------------- dashboard


def _strings(node: Any) -> Iterator[str]:
    """Every string in a YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _snapshot_defaults() -> dict[str, bool]:
    """Entity id -> enabled by default, for the ``home`` scenario."""
    text = SNAPSHOT.read_text(encoding="utf-8")
    known = set(re.findall(r"'entity_id': '([^']+)'", text))
    enabled: dict[str, bool] = {}
    for section in re.findall(
        r"# name: test_default_summary\[home\]\[\w+\]\n(.*?)\n# ---", text, re.DOTALL
    ):
        for entity, body in re.findall(
            r"^    '([a-z_]+\.[a-z0-9_]+)': dict\(\{(.*?)^    \}\)",
            section,
            re.DOTALL | re.MULTILINE,
        ):
            enabled[entity] = "'enabled': True" in body
    assert known
    assert set(enabled) <= known
    return {entity: enabled.get(entity, False) for entity in known}


def test_dashboard_entities_exist() -> None:
    """Every entity the example dashboard shows exists, enabled, for a new user."""
    dashboard = load_yaml(DASHBOARD)
    referenced = {
        match for text in _strings(dashboard) for match in ENTITY_ID.findall(text)
    }
    assert len(referenced) > 50
    defaults = _snapshot_defaults()
    missing = sorted(referenced - set(defaults))
    assert not missing, f"not in the home scenario's snapshot: {missing}"
    disabled = sorted(entity for entity in referenced if not defaults[entity])
    assert not disabled, f"disabled by default: {disabled}"


def test_dashboard_uses_built_in_cards() -> None:
    """Only cards the frontend ships; a sections view of grids."""
    dashboard = load_yaml(DASHBOARD)
    assert isinstance(dashboard, dict)
    (view,) = dashboard["views"]
    assert view["type"] == "sections"
    cards = [
        card for section in view["sections"] for card in _walk_cards(section["cards"])
    ]
    assert len(cards) > 20
    types = {card["type"] for card in cards}
    assert types <= BUILT_IN_CARDS, types - BUILT_IN_CARDS
    assert {"entities", "gauge", "tile", "history-graph", "glance", "conditional"} <= (
        types
    )


def _walk_cards(cards: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Cards, and the cards inside conditional and stack cards."""
    for card in cards:
        yield card
        if "card" in card:
            yield from _walk_cards([card["card"]])
        if "cards" in card:
            yield from _walk_cards(card["cards"])
