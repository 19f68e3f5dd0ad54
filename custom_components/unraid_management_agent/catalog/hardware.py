"""GPUs and the UPS (child devices), network interfaces and plugins."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfDataRate,
    UnitOfInformation,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.helpers.device_registry import DeviceInfo

from ..api import Topic, UnraidClient
from ..api.models import ActionResponse, GPUMetrics, PluginInfo, PluginList, UPSStatus
from ..coordinator import UnraidCoordinator
from ..data import UnraidData
from ..descriptions import (
    ItemBinarySensorDescription,
    ItemSensorDescription,
    ItemUpdateDescription,
)
from ..devices import Kind, child_device_info, server_name
from ..entity import ItemGroup
from ._util import nic_enabled_by_default

UPS_KEY = "ups"
_ON_BATTERY = ("OB", "ONBATT")

# GPUs ----------------------------------------------------------------------


def _gpu_device(
    coordinator: UnraidCoordinator, key: str, gpu: GPUMetrics
) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.GPU,
        key,
        # Like disks and the UPS: hardware of this server (two servers may
        # well have the same graphics card).
        name=f"{server_name(coordinator)} {gpu.name or f'GPU {gpu.index}'}",
        model=gpu.name or None,
        manufacturer=(gpu.vendor or "").capitalize() or None,
        sw_version=gpu.driver_version or None,
    )


GPUS = ItemGroup(
    channel=Topic.GPU,
    prefix="gpu",
    items_fn=lambda data: data.gpus,
    device_fn=_gpu_device,
)

GPU_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="utilization",
        translation_key="gpu_utilization",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda gpu: gpu.utilization_gpu_percent,
    ),
    ItemSensorDescription(
        key="temperature",
        translation_key="gpu_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda gpu: gpu.temperature_celsius or None,
        exists_fn=lambda gpu: bool(gpu.temperature_celsius),
    ),
    ItemSensorDescription(
        key="power",
        translation_key="gpu_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda gpu: gpu.power_draw_watts,
        exists_fn=lambda gpu: gpu.power_draw_watts is not None,
    ),
    ItemSensorDescription(
        key="memory_used",
        translation_key="gpu_memory_used",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEBIBYTES,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda gpu: gpu.memory_used_bytes,
        exists_fn=lambda gpu: bool(gpu.memory_total_bytes),
    ),
    ItemSensorDescription(
        key="memory_utilization",
        translation_key="gpu_memory_utilization",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=lambda gpu: gpu.utilization_memory_percent,
    ),
)

# UPS -----------------------------------------------------------------------


def _ups_items(data: UnraidData) -> dict[str, UPSStatus]:
    ups = data.ups
    return {UPS_KEY: ups} if ups is not None and ups.connected else {}


def _ups_device(coordinator: UnraidCoordinator, key: str, ups: UPSStatus) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.UPS,
        key,
        name=f"{server_name(coordinator)} UPS",
        model=ups.model or None,
    )


UPS = ItemGroup(
    channel=Topic.UPS, prefix="ups", items_fn=_ups_items, device_fn=_ups_device
)


def on_battery(ups: UPSStatus) -> bool | None:
    """Return True while the UPS runs on battery (APC ``ONBATT``, NUT ``OB``)."""
    if not ups.status:
        return None
    return any(flag in _ON_BATTERY for flag in ups.status.upper().split())


UPS_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="status",
        translation_key="ups_status",
        value_fn=lambda ups: ups.status or None,
    ),
    ItemSensorDescription(
        key="battery",
        translation_key="ups_battery",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda ups: ups.battery_charge_percent,
    ),
    ItemSensorDescription(
        key="load",
        translation_key="ups_load",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda ups: ups.load_percent,
    ),
    ItemSensorDescription(
        key="runtime",
        translation_key="ups_runtime",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda ups: ups.runtime_left_seconds,
    ),
    ItemSensorDescription(
        key="power",
        translation_key="ups_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda ups: ups.power_watts,
    ),
    ItemSensorDescription(
        key="nominal_power",
        translation_key="ups_nominal_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda ups: ups.nominal_power_watts or None,
    ),
)

UPS_BINARY_SENSORS: tuple[ItemBinarySensorDescription, ...] = (
    ItemBinarySensorDescription(
        key="on_battery",
        translation_key="ups_on_battery",
        device_class=BinarySensorDeviceClass.PROBLEM,
        is_on_fn=on_battery,
    ),
)

# Network interfaces (on the server device) -----------------------------------

NICS = ItemGroup(
    channel=Topic.NETWORK,
    prefix="nic",
    items_fn=lambda data: data.network,
    label_fn=lambda key, _nic: key,
    enabled_fn=nic_enabled_by_default,
)


def _nic_rate(key: str, attribute: str) -> ItemSensorDescription:
    return ItemSensorDescription(
        key=key,
        translation_key=f"nic_{key}",
        device_class=SensorDeviceClass.DATA_RATE,
        native_unit_of_measurement=UnitOfDataRate.BYTES_PER_SECOND,
        suggested_unit_of_measurement=UnitOfDataRate.MEGABITS_PER_SECOND,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda nic: getattr(nic, attribute),
    )


NIC_SENSORS: tuple[ItemSensorDescription, ...] = (
    _nic_rate("rx", "rx_bytes_per_sec"),
    _nic_rate("tx", "tx_bytes_per_sec"),
    ItemSensorDescription(
        key="speed",
        translation_key="nic_speed",
        device_class=SensorDeviceClass.DATA_RATE,
        native_unit_of_measurement=UnitOfDataRate.MEGABITS_PER_SECOND,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda nic: (
            nic.speed_mbps if nic.speed_mbps and nic.speed_mbps > 0 else None
        ),
    ),
)

NIC_BINARY_SENSORS: tuple[ItemBinarySensorDescription, ...] = (
    ItemBinarySensorDescription(
        key="link",
        translation_key="nic_link",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda nic: None if nic.state is None else nic.state == "up",
    ),
)

# Plugins (update entities on the server device) -------------------------------


def _plugins(data: UnraidData) -> dict[str, PluginInfo]:
    listing = data.plugin_updates
    if listing is None:
        return {}
    return {plugin.name: plugin for plugin in listing.plugins or () if plugin.name}


async def _update_plugin(
    client: UnraidClient, key: str, _plugin: PluginInfo
) -> ActionResponse:
    return await client.update_plugin(key)


def _plugin_marker(
    data: UnraidData, _key: str, plugin: PluginInfo
) -> tuple[str | None, PluginList | None]:
    """Note the plugin's version and the agent's last list when an update is sent."""
    return plugin.version, data.plugin_updates


def plugin_settled(
    data: UnraidData,
    _key: str,
    plugin: PluginInfo,
    marker: tuple[str | None, PluginList | None],
) -> bool | None:
    """Tell from the agent's next plugin list whether an unanswered update was done.

    (A plugin that list no longer shows, as the agent lists only plugins
    with an update, is unavailable until it has one again.)
    """
    version, listing = marker
    if data.plugin_updates == listing:
        return None  # no new list yet
    return plugin.version != version


PLUGINS = ItemGroup(
    channel=Topic.PLUGIN_UPDATES,
    prefix="plugin",
    items_fn=_plugins,
    label_fn=lambda key, _plugin: key,
)

PLUGIN_UPDATES: tuple[ItemUpdateDescription, ...] = (
    ItemUpdateDescription(
        key="update",
        translation_key="plugin_update",
        entity_category=EntityCategory.CONFIG,
        installed_fn=lambda _data, _key, plugin: plugin.version if plugin else None,
        latest_fn=lambda _data, _key, plugin: (
            (plugin.latest_version or plugin.version)
            if plugin and plugin.update_available
            else (plugin.version if plugin else None)
        ),
        install_fn=_update_plugin,
        marker_fn=_plugin_marker,
        settle_fn=plugin_settled,
        title_fn=lambda key, _plugin: key,
    ),
)
