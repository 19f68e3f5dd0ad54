"""Sensors: server metrics, per-item metrics and the connection state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .catalog import ITEM_SENSORS, SERVER_SENSORS
from .catalog.hardware import UPS
from .coordinator import ConnectionMode, UnraidConfigEntry
from .data import Local
from .descriptions import ItemSensorDescription, ServerSensorDescription
from .entity import UnraidEntity, clip_state, track_item_groups, track_server_entities

# Coordinator is used to centralize the data updates.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: UnraidConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up sensors, adding new ones as items appear."""
    coordinator = entry.runtime_data
    async_add_entities(
        [
            ConnectionModeSensor(coordinator, CONNECTION_MODE, (Local.CONNECTION,)),
            LastFrameSensor(coordinator, LAST_FRAME, (Local.CONNECTION,)),
        ]
    )
    track_server_entities(entry, SERVER_SENSORS, CatalogSensor, async_add_entities)
    track_item_groups(
        entry, ((UPS, (UPS_ENERGY,)),), UpsEnergySensor, async_add_entities
    )
    track_item_groups(entry, ITEM_SENSORS, CatalogSensor, async_add_entities)


class CatalogSensor(UnraidEntity, SensorEntity):
    """A sensor of the catalog: of the server, or of one item of a group."""

    entity_description: ServerSensorDescription | ItemSensorDescription

    def _compute(self) -> None:
        desc = self.entity_description
        source = self.source
        # Free texts (a UPS status, a version) may be of any length.
        self._attr_native_value = clip_state(desc.value_fn(source))
        if desc.attrs_fn is not None:
            self._attr_extra_state_attributes = desc.attrs_fn(source) or {}

    def _state_tuple(self) -> tuple[Any, ...]:
        return (self._attr_native_value, self._extra_attributes())


CONNECTION_MODE = SensorEntityDescription(
    key="connection_mode",
    translation_key="connection_mode",
    device_class=SensorDeviceClass.ENUM,
    options=[mode.value for mode in ConnectionMode],
    entity_category=EntityCategory.DIAGNOSTIC,
)

LAST_FRAME = SensorEntityDescription(
    key="last_event",
    translation_key="last_event",
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    # It changes every minute: a logbook entry a minute if enabled.
    entity_registry_enabled_default=False,
)


class _ConnectionSensor(UnraidEntity, SensorEntity):
    """A sensor about the connection itself: it stays available when nothing works."""

    entity_description: SensorEntityDescription

    @property
    def available(self) -> bool:
        """Stay available: ``offline`` (or no push yet) is itself the answer."""
        return True

    def _state_tuple(self) -> tuple[Any, ...]:
        return (self._attr_native_value,)


class ConnectionModeSensor(_ConnectionSensor):
    """How data arrives: ``push``, ``polling`` or ``offline``.

    Its ``last_push`` attribute (to the minute) says when data last came
    by push; the recorder leaves it out, so it fills neither the database
    nor the activity log.
    """

    _unrecorded_attributes = frozenset({"last_push"})

    def _compute(self) -> None:
        coordinator = self.coordinator
        self._attr_native_value = coordinator.mode.value
        last = coordinator.last_frame
        self._attr_extra_state_attributes = {
            "last_push": None
            if last is None
            else last.replace(second=0, microsecond=0).isoformat()
        }

    def _state_tuple(self) -> tuple[Any, ...]:
        return (self._attr_native_value, self._attr_extra_state_attributes)


class LastFrameSensor(_ConnectionSensor):
    """When the last WebSocket frame arrived (written at most once a minute)."""

    def _compute(self) -> None:
        last = self.coordinator.last_frame
        # Whole minutes: a frame every few seconds must not mean a write each time.
        self._attr_native_value = (
            None if last is None else last.replace(second=0, microsecond=0)
        )


UPS_ENERGY = ItemSensorDescription(
    key="energy",
    translation_key="ups_energy",
    device_class=SensorDeviceClass.ENERGY,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    state_class=SensorStateClass.TOTAL_INCREASING,
    suggested_display_precision=3,
    value_fn=lambda ups: None,
)

#: Longer gaps between UPS reports are not integrated (no guessing).
MAX_ENERGY_GAP = timedelta(minutes=10)


class UpsEnergySensor(UnraidEntity, RestoreSensor):
    """Energy through the UPS in kWh, integrated from its power reports.

    Each report's power is held until the next report (at the agent's
    sample times); the total survives restarts, so it works with the
    energy dashboard.
    """

    entity_description: ItemSensorDescription

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Create the sensor with nothing integrated yet."""
        self._total = 0.0
        self._last: tuple[datetime, float] | None = None
        super().__init__(*args, **kwargs)

    async def async_added_to_hass(self) -> None:
        """Continue from the last stored total."""
        if (last := await self.async_get_last_sensor_data()) is not None and isinstance(
            last.native_value, (int, float)
        ):
            self._total += float(last.native_value)
            self._attr_native_value = round(self._total, 6)
        await super().async_added_to_hass()

    def _compute(self) -> None:
        ups = self.item
        when = ups.timestamp if ups is not None else None
        power = ups.power_watts if ups is not None else None
        if when is not None and power is not None:
            if self._last is not None:
                since, watts = self._last
                gap = when - since
                if timedelta(0) < gap <= MAX_ENERGY_GAP:
                    self._total += watts * gap.total_seconds() / 3_600_000
            if self._last is None or when > self._last[0]:
                self._last = (when, power)
        self._attr_native_value = round(self._total, 6)

    def _state_tuple(self) -> tuple[Any, ...]:
        return (self._attr_native_value,)
