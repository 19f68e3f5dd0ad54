"""Server-level entities: system, array, parity, notifications, versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.button import ButtonDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfInformation,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.helpers.dispatcher import async_dispatcher_send

from ..api import Topic
from ..api.models import ParityCheckRecord
from ..const import SIGNAL_UPDATE_ALL_UNANSWERED
from ..coordinator import UnraidCoordinator
from ..data import Channel, Extra, UnraidData
from ..descriptions import (
    SensorValue,
    ServerBinarySensorDescription,
    ServerButtonDescription,
    ServerSensorDescription,
)
from ._util import (
    ARRAY_STATE_OPTIONS,
    PARITY_STATE_OPTIONS,
    array_state,
    next_parity_check,
    parity_state,
    positive,
    used_bytes,
)

SYSTEM: tuple[Channel, ...] = (Topic.SYSTEM,)
ARRAY: tuple[Channel, ...] = (Topic.ARRAY,)
NOTIFICATIONS: tuple[Channel, ...] = (Topic.NOTIFICATIONS,)


def _has_system(data: UnraidData) -> bool:
    return data.system is not None


def _has_array(data: UnraidData) -> bool:
    return data.array is not None and data.array.state is not None


def _pseudo_disk_usage(data: UnraidData, disk_id: str) -> float | None:
    disk = data.disks.get(disk_id)
    return disk.usage_percent if disk is not None else None


_BYTES: dict[str, Any] = {
    "device_class": SensorDeviceClass.DATA_SIZE,
    "native_unit_of_measurement": UnitOfInformation.BYTES,
    "suggested_unit_of_measurement": UnitOfInformation.GIBIBYTES,
}
#: The array holds terabytes: shown in TiB with two decimals.
_STORAGE: dict[str, Any] = _BYTES | {
    "suggested_unit_of_measurement": UnitOfInformation.TEBIBYTES,
    "suggested_display_precision": 2,
}
_PERCENT: dict[str, Any] = {"native_unit_of_measurement": PERCENTAGE}
_TEMPERATURE: dict[str, Any] = {
    "device_class": SensorDeviceClass.TEMPERATURE,
    "native_unit_of_measurement": UnitOfTemperature.CELSIUS,
}
_POWER: dict[str, Any] = {
    "device_class": SensorDeviceClass.POWER,
    "native_unit_of_measurement": UnitOfPower.WATT,
}


def _measure(
    kind: dict[str, Any],
    key: str,
    channels: tuple[Channel, ...],
    value_fn: Callable[[UnraidData], SensorValue],
    **kwargs: Any,
) -> ServerSensorDescription:
    """Describe a measurement of a ``kind`` (bytes, percent, temperature, power)."""
    return ServerSensorDescription(
        key=key,
        translation_key=key,
        channels=channels,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=value_fn,
        **({"suggested_display_precision": 1} | kind | kwargs),
    )


def _bytes(
    key: str,
    channels: tuple[Channel, ...],
    value_fn: Callable[[UnraidData], SensorValue],
    **kwargs: Any,
) -> ServerSensorDescription:
    return _measure(_BYTES, key, channels, value_fn, **kwargs)


def _percent(
    key: str,
    channels: tuple[Channel, ...],
    value_fn: Callable[[UnraidData], SensorValue],
    **kwargs: Any,
) -> ServerSensorDescription:
    return _measure(_PERCENT, key, channels, value_fn, **kwargs)


def _temperature(
    key: str, value_fn: Callable[[UnraidData], SensorValue], **kwargs: Any
) -> ServerSensorDescription:
    return _measure(_TEMPERATURE, key, SYSTEM, value_fn, **kwargs)


def _power(
    key: str, value_fn: Callable[[UnraidData], SensorValue], **kwargs: Any
) -> ServerSensorDescription:
    return _measure(_POWER, key, SYSTEM, value_fn, **kwargs)


def _unread(importance: str) -> ServerSensorDescription:
    def value(data: UnraidData) -> int | None:
        notes = data.notifications
        if notes is None or notes.overview is None or notes.overview.unread is None:
            return None
        counts = notes.overview.unread
        result: int | None = getattr(counts, importance)
        return result

    return ServerSensorDescription(
        key=f"unread_{importance}",
        translation_key=f"unread_{importance}",
        channels=NOTIFICATIONS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=value,
        exists_fn=lambda data: data.notifications is not None,
    )


def _last_check(data: UnraidData) -> ParityCheckRecord | None:
    """Return the most recent parity-check record, if any."""
    return data.parity_history.latest if data.parity_history else None


def _last_check_attrs(data: UnraidData) -> dict[str, Any] | None:
    record = _last_check(data)
    if record is None:
        return None
    return {
        "action": record.action,
        "status": record.status,
        "errors": record.errors,
        "duration_seconds": record.duration_seconds,
        "speed_mbps": record.speed_mbps,
    }


def mark_containers_updated(coordinator: UnraidCoordinator, result: Any) -> None:
    """After "update all": the updated containers have no update any more.

    The agent's next registry check is hours away; until then its last
    check would still offer the updates that were just installed.
    """
    coordinator.set_container_updates(
        (item.container_name, False)
        for item in getattr(result, "results", None) or ()
        if item.updated
    )


def containers_updating(coordinator: UnraidCoordinator, sent: UnraidData) -> None:
    """After "update all" left unanswered: its containers' updates are in progress.

    Each container update entity then waits for the agent's reports.
    """
    async_dispatcher_send(
        coordinator.hass,
        SIGNAL_UPDATE_ALL_UNANSWERED.format(coordinator.config_entry.entry_id),
        sent,
    )


def _apply_container_check(coordinator: UnraidCoordinator, result: Any) -> None:
    """Show the check's answer (every container's update state) at once.

    The agent publishes it too, but a frame can be lost (a stream down
    meanwhile); the answer in hand needs no wait.
    """
    coordinator.apply(Topic.DOCKER_UPDATES, result)


def _check_unanswered(coordinator: UnraidCoordinator, _sent: UnraidData) -> None:
    """Do nothing: a check past its 30 s bound is published by the agent anyway."""


def _running(data: UnraidData, kind: str) -> int:
    if kind == "containers":
        return sum(1 for c in data.containers.values() if c.state == "running")
    return sum(1 for vm in data.vms.values() if vm.state == "running")


SENSORS: tuple[ServerSensorDescription, ...] = (
    _percent(
        "cpu_usage",
        SYSTEM,
        lambda d: d.system.cpu_usage_percent if d.system else None,
        exists_fn=_has_system,
    ),
    _temperature(
        "cpu_temperature",
        lambda d: positive(d.system.cpu_temp_celsius) if d.system else None,
        exists_fn=lambda d: d.system is not None and bool(d.system.cpu_temp_celsius),
    ),
    _temperature(
        "motherboard_temperature",
        lambda d: positive(d.system.motherboard_temp_celsius) if d.system else None,
        exists_fn=lambda d: (
            d.system is not None and bool(d.system.motherboard_temp_celsius)
        ),
    ),
    _power(
        "cpu_power",
        lambda d: d.system.cpu_power_watts if d.system else None,
        exists_fn=lambda d: (
            d.system is not None and d.system.cpu_power_watts is not None
        ),
    ),
    _power(
        "dram_power",
        lambda d: d.system.dram_power_watts if d.system else None,
        exists_fn=lambda d: (
            d.system is not None and d.system.dram_power_watts is not None
        ),
    ),
    _percent(
        "ram_usage",
        SYSTEM,
        lambda d: d.system.ram_usage_percent if d.system else None,
        exists_fn=_has_system,
    ),
    _bytes(
        "ram_used",
        SYSTEM,
        lambda d: d.system.ram_used_bytes if d.system else None,
        exists_fn=_has_system,
    ),
    _percent(
        "swap_usage",
        SYSTEM,
        lambda d: d.system.swap_usage_percent if d.system else None,
        exists_fn=lambda d: d.system is not None and bool(d.system.swap_total_bytes),
    ),
    _bytes(
        "swap_used",
        SYSTEM,
        lambda d: d.system.swap_used_bytes if d.system else None,
        exists_fn=lambda d: d.system is not None and bool(d.system.swap_total_bytes),
        entity_registry_enabled_default=False,
    ),
    ServerSensorDescription(
        key="boot_time",
        translation_key="boot_time",
        channels=SYSTEM,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d: d.boot_time,
        exists_fn=_has_system,
    ),
    ServerSensorDescription(
        key="unraid_version",
        translation_key="unraid_version",
        channels=SYSTEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d: d.system.version if d.system else None,
        exists_fn=_has_system,
    ),
    ServerSensorDescription(
        key="agent_version",
        translation_key="agent_version",
        channels=SYSTEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d: (d.system.agent_version or None) if d.system else None,
        exists_fn=_has_system,
    ),
    # Array -------------------------------------------------------------
    ServerSensorDescription(
        key="array_state",
        translation_key="array_state",
        channels=ARRAY,
        device_class=SensorDeviceClass.ENUM,
        options=ARRAY_STATE_OPTIONS,
        value_fn=lambda d: array_state(d.array.state) if d.array else None,
        attrs_fn=lambda d: {"raw_state": d.array.state} if d.array else None,
        exists_fn=_has_array,
    ),
    _percent(
        "array_usage",
        ARRAY,
        lambda d: d.array.used_percent if d.array else None,
        exists_fn=_has_array,
    ),
    _measure(
        _STORAGE,
        "array_used",
        ARRAY,
        lambda d: (
            used_bytes(d.array.total_bytes, d.array.free_bytes) if d.array else None
        ),
        exists_fn=_has_array,
    ),
    _measure(
        _STORAGE,
        "array_free",
        ARRAY,
        lambda d: d.array.free_bytes if d.array else None,
        exists_fn=_has_array,
    ),
    _measure(
        _STORAGE,
        "array_total",
        ARRAY,
        lambda d: d.array.total_bytes if d.array else None,
        exists_fn=_has_array,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    ServerSensorDescription(
        key="parity_check_status",
        translation_key="parity_check_status",
        channels=ARRAY,
        device_class=SensorDeviceClass.ENUM,
        options=PARITY_STATE_OPTIONS,
        value_fn=lambda d: (
            parity_state(d.array.parity_check_status) if d.array else None
        ),
        exists_fn=lambda d: d.array is not None and bool(d.array.num_parity_disks),
    ),
    _percent(
        "parity_check_progress",
        ARRAY,
        lambda d: d.array.parity_check_progress if d.array else None,
        exists_fn=lambda d: d.array is not None and bool(d.array.num_parity_disks),
    ),
    ServerSensorDescription(
        key="last_parity_check",
        translation_key="last_parity_check",
        channels=(Extra.PARITY_HISTORY,),
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda d: record.date if (record := _last_check(d)) else None,
        attrs_fn=_last_check_attrs,
        exists_fn=lambda d: _last_check(d) is not None,
    ),
    ServerSensorDescription(
        key="last_parity_check_result",
        translation_key="last_parity_check_result",
        channels=(Extra.PARITY_HISTORY,),
        value_fn=lambda d: record.status if (record := _last_check(d)) else None,
        exists_fn=lambda d: _last_check(d) is not None,
    ),
    ServerSensorDescription(
        key="last_parity_check_errors",
        translation_key="last_parity_check_errors",
        channels=(Extra.PARITY_HISTORY,),
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda d: record.errors if (record := _last_check(d)) else None,
        exists_fn=lambda d: _last_check(d) is not None,
    ),
    ServerSensorDescription(
        key="next_parity_check",
        translation_key="next_parity_check",
        channels=(Extra.PARITY_SCHEDULE, Topic.SYSTEM),
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=next_parity_check,
        attrs_fn=lambda d: (
            {"mode": d.parity_schedule.mode, "correcting": d.parity_schedule.correcting}
            if d.parity_schedule
            else None
        ),
        exists_fn=lambda d: d.parity_schedule is not None,
    ),
    # Storage extras ------------------------------------------------------
    _percent(
        "flash_usage",
        (Extra.FLASH,),
        lambda d: d.flash.usage_percent if d.flash else None,
        exists_fn=lambda d: d.flash is not None and d.flash.size_bytes is not None,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    _percent(
        "docker_vdisk_usage",
        (Topic.DISKS,),
        lambda d: _pseudo_disk_usage(d, "docker_vdisk"),
        exists_fn=lambda d: "docker_vdisk" in d.disks,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    _percent(
        "log_usage",
        (Topic.DISKS,),
        lambda d: _pseudo_disk_usage(d, "log_filesystem"),
        exists_fn=lambda d: "log_filesystem" in d.disks,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    # Notifications, registration, counts ---------------------------------
    _unread("alert"),
    _unread("warning"),
    _unread("info"),
    ServerSensorDescription(
        key="registration",
        translation_key="registration",
        channels=(Topic.REGISTRATION,),
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda d: d.registration.type if d.registration else None,
        attrs_fn=lambda d: (
            {
                "state": d.registration.state,
                "expiration": d.registration.expiration.isoformat()
                if d.registration.expiration
                else None,
            }
            if d.registration
            else None
        ),
        exists_fn=lambda d: (
            d.registration is not None and d.registration.type not in (None, "unknown")
        ),
    ),
    ServerSensorDescription(
        key="containers_running",
        translation_key="containers_running",
        channels=(Topic.CONTAINERS,),
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda d: _running(d, "containers"),
        exists_fn=lambda d: bool(d.containers),
    ),
    ServerSensorDescription(
        key="vms_running",
        translation_key="vms_running",
        channels=(Topic.VMS,),
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda d: _running(d, "vms"),
        exists_fn=lambda d: bool(d.vms),
    ),
)

BINARY_SENSORS: tuple[ServerBinarySensorDescription, ...] = (
    ServerBinarySensorDescription(
        key="parity",
        translation_key="parity",
        channels=ARRAY,
        # A problem sensor: on means parity is NOT valid.
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=lambda d: (
            None
            if d.array is None or d.array.parity_valid is None
            else not d.array.parity_valid
        ),
        exists_fn=lambda d: d.array is not None and bool(d.array.num_parity_disks),
    ),
    ServerBinarySensorDescription(
        key="mover",
        translation_key="mover",
        channels=(Topic.MOVER,),
        device_class=BinarySensorDeviceClass.RUNNING,
        is_on_fn=lambda d: d.mover.active if d.mover else None,
        exists_fn=lambda d: d.mover is not None,
    ),
)


def _check_state(data: UnraidData) -> str | None:
    """Return the parity check state: ``""`` idle, ``running``, ``paused``… (None: unknown)."""
    return data.array.parity_check_status if data.array else None


def _array_started(data: UnraidData) -> bool:
    return data.array is not None and (data.array.state or "").upper() == "STARTED"


#: When each parity-check action applies.
_PARITY_APPLIES: dict[str, Callable[[UnraidData], bool]] = {
    "stop": lambda d: _check_state(d) in ("running", "paused"),
    "pause": lambda d: _check_state(d) == "running",
    "resume": lambda d: _check_state(d) == "paused",
}


def _can_start_check(data: UnraidData) -> bool:
    return _array_started(data) and _check_state(data) == ""


def _parity(action: str) -> ServerButtonDescription:
    return ServerButtonDescription(
        key=f"parity_check_{action}",
        translation_key=f"parity_check_{action}",
        channels=ARRAY,
        press_fn=lambda client: client.parity_check_action(action),
        exists_fn=lambda d: d.array is not None and bool(d.array.num_parity_disks),
        available_fn=_PARITY_APPLIES[action],
    )


BUTTONS: tuple[ServerButtonDescription, ...] = (
    ServerButtonDescription(
        key="parity_check_start",
        translation_key="parity_check_start",
        channels=ARRAY,
        press_fn=lambda client: client.start_parity_check(correcting=False),
        exists_fn=lambda d: d.array is not None and bool(d.array.num_parity_disks),
        available_fn=_can_start_check,
    ),
    ServerButtonDescription(
        key="parity_check_start_correcting",
        translation_key="parity_check_start_correcting",
        channels=ARRAY,
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.start_parity_check(correcting=True),
        exists_fn=lambda d: d.array is not None and bool(d.array.num_parity_disks),
        available_fn=_can_start_check,
    ),
    _parity("stop"),
    _parity("pause"),
    _parity("resume"),
    ServerButtonDescription(
        key="array_start",
        translation_key="array_start",
        channels=ARRAY,
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.start_array(),
        exists_fn=_has_array,
        available_fn=lambda d: d.array is not None and not _array_started(d),
    ),
    ServerButtonDescription(
        key="array_stop",
        translation_key="array_stop",
        channels=ARRAY,
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.stop_array(),
        exists_fn=_has_array,
        available_fn=_array_started,
    ),
    ServerButtonDescription(
        key="reboot",
        translation_key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.reboot(),
    ),
    ServerButtonDescription(
        key="shutdown",
        translation_key="shutdown",
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.shutdown(),
    ),
    ServerButtonDescription(
        key="update_all_containers",
        translation_key="update_all_containers",
        channels=(Topic.CONTAINERS,),
        # One tap updates every container, with no confirmation.
        entity_registry_enabled_default=False,
        press_fn=lambda client: client.update_all_containers(),
        done_fn=mark_containers_updated,
        no_answer_fn=containers_updating,
        exists_fn=lambda d: bool(d.containers),
    ),
    ServerButtonDescription(
        key="check_container_updates",
        translation_key="check_container_updates",
        channels=(Topic.CONTAINERS,),
        entity_category=EntityCategory.DIAGNOSTIC,
        press_fn=lambda client: client.refresh_docker_updates(),
        done_fn=_apply_container_check,
        no_answer_fn=_check_unanswered,
        exists_fn=lambda d: bool(d.containers),
    ),
)
