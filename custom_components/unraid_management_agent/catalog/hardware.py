"""GPUs and the UPS (child devices), fans, network interfaces and plugins."""

from __future__ import annotations

import re

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    REVOLUTIONS_PER_MINUTE,
    EntityCategory,
    UnitOfDataRate,
    UnitOfInformation,
    UnitOfPower,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.helpers.device_registry import DeviceInfo

from ..api import Topic, UnraidClient
from ..api.models import (
    ActionResponse,
    FanInfo,
    GPUMetrics,
    NetworkInfo,
    PluginInfo,
    PluginList,
    UPSStatus,
)
from ..coordinator import UnraidCoordinator
from ..data import UnraidData
from ..descriptions import (
    ItemBinarySensorDescription,
    ItemSensorDescription,
    ItemUpdateDescription,
)
from ..devices import MAX_TEXT_LENGTH, Kind, child_device_info, clip, server_name
from ..entity import ItemGroup
from ._util import nic_enabled_by_default
from .vendors import UPS_STATE_OPTIONS, maker_of, ups_on_battery, ups_state

UPS_KEY = "ups"

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
        manufacturer=maker_of(ups.model),
    )


UPS = ItemGroup(
    channel=Topic.UPS, prefix="ups", items_fn=_ups_items, device_fn=_ups_device
)


def on_battery(ups: UPSStatus) -> bool | None:
    """Return True while the UPS runs on battery (APC ``ONBATT``, NUT ``OB``)."""
    return ups_on_battery(ups.status)


UPS_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="status",
        translation_key="ups_status",
        device_class=SensorDeviceClass.ENUM,
        options=UPS_STATE_OPTIONS,
        value_fn=lambda ups: ups_state(ups.status),
        attrs_fn=lambda ups: (
            {"raw_status": clip(ups.status, MAX_TEXT_LENGTH)} if ups.status else None
        ),
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
        is_on_fn=on_battery,
    ),
)

# Fans (on the server device) --------------------------------------------------

#: What a fan the agent reports without a name is called.
UNNAMED_FAN = "Fan"


def fans(data: UnraidData) -> dict[str, FanInfo]:
    """Return the system's fans by name (``SystemInfo.fans``).

    The agent lists them from a map keyed by name, in a different order
    every time: only the name identifies a fan. A fan without a name is
    called ``Fan``; a name seen again gets `` 2``, `` 3``… (the agent's map
    cannot hold one name twice).
    """
    system = data.system
    found: dict[str, FanInfo] = {}
    for fan in (system.fans or ()) if system is not None else ():
        name = (fan.name or "").strip() or UNNAMED_FAN
        key, count = name, 1
        while key in found:
            count += 1
            key = f"{name} {count}"
        found[key] = fan
    return found


FANS = ItemGroup(
    channel=Topic.SYSTEM,
    prefix="fan",
    items_fn=fans,
    label_fn=lambda key, _fan: key,
)

FAN_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="speed",
        translation_key="fan_speed",
        native_unit_of_measurement=REVOLUTIONS_PER_MINUTE,
        state_class=SensorStateClass.MEASUREMENT,
        # A new value with every system frame.
        entity_registry_enabled_default=False,
        value_fn=lambda fan: fan.rpm,
    ),
)

# Network interfaces (a device each) -------------------------------------------

_EPHEMERAL_NIC = re.compile(r"^(veth|vnet)")

#: ethtool's duplex (``Full``, ``Half``; ``Unknown! (255)`` without a link).
NIC_DUPLEX = ["full", "half"]
_AUTO_NEGOTIATION = {"on": True, "off": False}


def nic_duplex(nic: NetworkInfo) -> str | None:
    """Map ethtool's duplex to an option; unknown without a link."""
    duplex = (nic.duplex or "").strip().lower()
    return duplex if duplex in NIC_DUPLEX else None


def nic_auto_negotiation(nic: NetworkInfo) -> bool | None:
    """Map ethtool's ``Auto-negotiation: on|off``."""
    return _AUTO_NEGOTIATION.get((nic.auto_negotiation or "").strip().lower())


def _nics(data: UnraidData) -> dict[str, NetworkInfo]:
    """Return the interfaces worth entities: not Docker's or libvirt's guest links.

    ``veth*`` and ``vnet*`` come and go with every container and VM start,
    under new names each time.
    """
    return {
        name: nic
        for name, nic in data.network.items()
        if not _EPHEMERAL_NIC.match(name)
    }


def _nic_device(
    coordinator: UnraidCoordinator, key: str, _nic: NetworkInfo
) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.NIC,
        key,
        name=f"{server_name(coordinator)} {key}",
        model="Network interface",
    )


NICS = ItemGroup(
    channel=Topic.NETWORK,
    prefix="nic",
    items_fn=_nics,
    device_fn=_nic_device,
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
    ItemSensorDescription(
        key="duplex",
        translation_key="nic_duplex",
        device_class=SensorDeviceClass.ENUM,
        options=NIC_DUPLEX,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=nic_duplex,
        # ethtool's fields: physical interfaces only.
        exists_fn=lambda nic: nic.duplex is not None,
    ),
)

NIC_BINARY_SENSORS: tuple[ItemBinarySensorDescription, ...] = (
    ItemBinarySensorDescription(
        key="link",
        translation_key="nic_link",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=lambda nic: None if nic.state is None else nic.state == "up",
    ),
    ItemBinarySensorDescription(
        key="auto_negotiation",
        translation_key="nic_auto_negotiation",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on_fn=nic_auto_negotiation,
        exists_fn=lambda nic: nic.auto_negotiation is not None,
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
