"""Containers and virtual machines (each a child device of the server)."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass, SensorStateClass
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfDataRate,
    UnitOfInformation,
)
from homeassistant.helpers.device_registry import DeviceInfo

from ..api import Topic, UnraidClient
from ..api.models import (
    ActionResponse,
    ContainerInfo,
    ContainerUpdateResult,
    ContainerUpdatesResult,
    VMInfo,
)
from ..coordinator import UnraidCoordinator
from ..data import Local, UnraidData
from ..descriptions import (
    ItemButtonDescription,
    ItemSensorDescription,
    ItemSwitchDescription,
    ItemUpdateDescription,
)
from ..devices import Kind, child_device_info, server_name
from ..entity import ItemGroup
from ._util import slug

CONTAINER_STATES = [
    "running",
    "paused",
    "restarting",
    "created",
    "exited",
    "removing",
    "dead",
]
VM_STATES = [
    "running",
    "blocked",
    "paused",
    "shutdown",
    "shut_off",
    "crashed",
    "suspended",
]


def _image_name(image: str | None) -> str | None:
    if not image:
        return None
    name, _, tag = image.rpartition(":")
    return name if name and "/" not in tag else image


def _container_device(
    coordinator: UnraidCoordinator, key: str, container: ContainerInfo
) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.CONTAINER,
        key,
        name=f"{server_name(coordinator)} {key}",
        model=_image_name(container.image),
        manufacturer="Docker",
        sw_version=container.version or None,
    )


def _vm_device(coordinator: UnraidCoordinator, key: str, vm: VMInfo) -> DeviceInfo:
    return child_device_info(
        coordinator,
        Kind.VM,
        key,
        name=f"{server_name(coordinator)} {key}",
        model="Virtual machine",
        manufacturer="KVM",
    )


CONTAINERS = ItemGroup(
    channel=Topic.CONTAINERS,
    prefix="container",
    items_fn=lambda data: data.containers,
    device_fn=_container_device,
)

VMS = ItemGroup(
    channel=Topic.VMS,
    prefix="vm",
    items_fn=lambda data: data.vms,
    device_fn=_vm_device,
)


# Containers --------------------------------------------------------------


async def _container(
    client: UnraidClient, container: ContainerInfo, action: str
) -> ActionResponse:
    """Send a lifecycle action by the container's current id (ids change on recreate)."""
    return await client.container_action(container.id or "", action)


def _rate(key: str, value_key: str) -> ItemSensorDescription:
    return ItemSensorDescription(
        key=key,
        translation_key=f"container_{key}",
        device_class=SensorDeviceClass.DATA_RATE,
        native_unit_of_measurement=UnitOfDataRate.BYTES_PER_SECOND,
        suggested_unit_of_measurement=UnitOfDataRate.KILOBYTES_PER_SECOND,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda c: getattr(c, value_key) if c.state == "running" else None,
    )


CONTAINER_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="state",
        translation_key="container_state",
        device_class=SensorDeviceClass.ENUM,
        options=CONTAINER_STATES,
        value_fn=lambda c: c.state if c.state in CONTAINER_STATES else None,
        attrs_fn=lambda c: {"status": c.status, "image": c.image},
    ),
    ItemSensorDescription(
        key="cpu",
        translation_key="container_cpu",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda c: c.cpu_percent if c.state == "running" else None,
    ),
    ItemSensorDescription(
        key="memory",
        translation_key="container_memory",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.MEBIBYTES,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda c: c.memory_usage_bytes if c.state == "running" else None,
    ),
    ItemSensorDescription(
        key="memory_percent",
        translation_key="container_memory_percent",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_registry_enabled_default=False,
        value_fn=lambda c: c.memory_percent if c.state == "running" else None,
    ),
    _rate("network_rx", "network_rx_bytes_per_sec"),
    _rate("network_tx", "network_tx_bytes_per_sec"),
)

CONTAINER_SWITCHES: tuple[ItemSwitchDescription, ...] = (
    ItemSwitchDescription(
        key="running",
        translation_key="container_running",
        is_on_fn=lambda c: (
            None if c.state is None else c.state in ("running", "paused", "restarting")
        ),
        # A paused container counts as running; "on" resumes it.
        turn_on_fn=lambda client, _key, c: _container(
            client, c, "unpause" if c.state == "paused" else "start"
        ),
        turn_off_fn=lambda client, _key, c: _container(client, c, "stop"),
    ),
)

CONTAINER_BUTTONS: tuple[ItemButtonDescription, ...] = (
    ItemButtonDescription(
        key="restart",
        translation_key="container_restart",
        press_fn=lambda client, _key, c: _container(client, c, "restart"),
    ),
    ItemButtonDescription(
        key="pause",
        translation_key="container_pause",
        entity_registry_enabled_default=False,
        press_fn=lambda client, _key, c: _container(client, c, "pause"),
    ),
    ItemButtonDescription(
        key="unpause",
        translation_key="container_unpause",
        entity_registry_enabled_default=False,
        press_fn=lambda client, _key, c: _container(client, c, "unpause"),
    ),
)


def _update_info(data: UnraidData, key: str) -> tuple[str | None, str | None]:
    """Return (current digest, latest digest) from the agent's last check."""
    result = data.docker_updates
    for info in (result.containers or ()) if result else ():
        if (info.container_name or "").lstrip("/") == key:
            return info.current_digest or None, info.latest_digest or None
    return None, None


def _short(digest: str | None) -> str | None:
    if not digest:
        return None
    return digest.removeprefix("sha256:")[:12]


def container_installed(
    data: UnraidData, key: str, container: ContainerInfo
) -> str | None:
    """Return the installed image version: its digest when known, else its tag."""
    current, _latest = _update_info(data, key)
    return _short(current) or container.version or "latest"


def container_latest(
    data: UnraidData, key: str, container: ContainerInfo
) -> str | None:
    """Return the latest version: the installed one unless the agent found an update.

    Unknown (None) before any check, and when the agent's check failed.
    """
    installed = container_installed(data, key, container)
    available = data.container_updates.get(key)
    if available is None:
        return None
    if not available:
        return installed
    _current, latest = _update_info(data, key)
    return _short(latest) or f"{installed} (new image)"


async def _update_container(
    client: UnraidClient, key: str, _container: ContainerInfo
) -> ContainerUpdateResult:
    return await client.update_container(key)


def _container_marker(
    data: UnraidData, _key: str, container: ContainerInfo
) -> tuple[ContainerInfo, ContainerUpdatesResult | None]:
    """Note the container and the agent's last check when an update is sent."""
    return container, data.docker_updates


def container_settled(
    data: UnraidData,
    key: str,
    container: ContainerInfo,
    marker: tuple[ContainerInfo, ContainerUpdatesResult | None],
) -> bool | None:
    """Tell from the agent's reports whether an unanswered update was done.

    The agent recreates a container it updates: a new id means done. The
    same container reported with its update status again (a new check, or
    a new REST ``/docker`` read) means not done. Until then (frames carry
    no update status) it is not known.
    """
    sent, sent_check = marker
    if container.id != sent.id:
        return True
    check = data.docker_updates
    if check != sent_check and check is not None:
        for info in check.containers or ():
            if (info.container_name or "").lstrip("/") == key:
                return info.container_id != sent.id
    if container is not sent and container.update_available is not None:
        return False
    return None


CONTAINER_UPDATES: tuple[ItemUpdateDescription, ...] = (
    ItemUpdateDescription(
        key="image",
        translation_key="container_image",
        channels=(Local.CONTAINER_UPDATES, Topic.DOCKER_UPDATES),
        entity_category=EntityCategory.CONFIG,
        installed_fn=container_installed,
        latest_fn=container_latest,
        install_fn=_update_container,
        marker_fn=_container_marker,
        settle_fn=container_settled,
        installed_callback=lambda coordinator, key: coordinator.set_container_updates(
            ((key, False),)
        ),
        title_fn=lambda key, c: _image_name(c.image) if c is not None else key,
        follows_update_all=True,
    ),
)


# Virtual machines ----------------------------------------------------------


def vm_state(vm: VMInfo) -> str | None:
    """Return the libvirt state as an option of the state sensor (else unknown)."""
    if vm.state is None:
        return None
    state = slug(vm.state)
    return state if state in VM_STATES else None


def _vm_button(
    key: str, action: str, *, enabled: bool = False
) -> ItemButtonDescription:
    return ItemButtonDescription(
        key=key,
        translation_key=f"vm_{key}",
        entity_registry_enabled_default=enabled,
        press_fn=lambda client, name, _vm: client.vm_action(name, action),
    )


VM_SENSORS: tuple[ItemSensorDescription, ...] = (
    ItemSensorDescription(
        key="state",
        translation_key="vm_state",
        device_class=SensorDeviceClass.ENUM,
        options=VM_STATES,
        value_fn=vm_state,
    ),
    ItemSensorDescription(
        key="cpu",
        translation_key="vm_cpu",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda vm: vm.guest_cpu_percent if vm.state == "running" else None,
    ),
    ItemSensorDescription(
        key="vcpus",
        translation_key="vm_vcpus",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda vm: vm.cpu_count,
    ),
    ItemSensorDescription(
        key="memory",
        translation_key="vm_memory",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIBIBYTES,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda vm: vm.memory_allocated_bytes,
    ),
    ItemSensorDescription(
        key="memory_used",
        translation_key="vm_memory_used",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.BYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIBIBYTES,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda vm: vm.memory_used_bytes if vm.state == "running" else None,
    ),
)

VM_SWITCHES: tuple[ItemSwitchDescription, ...] = (
    ItemSwitchDescription(
        key="running",
        translation_key="vm_running",
        is_on_fn=lambda vm: (
            None if vm.state is None else vm.state in ("running", "paused", "blocked")
        ),
        # A paused VM counts as running; "on" resumes it.
        turn_on_fn=lambda client, name, vm: client.vm_action(
            name, "resume" if vm.state == "paused" else "start"
        ),
        turn_off_fn=lambda client, name, _vm: client.vm_action(name, "stop"),
    ),
)

VM_BUTTONS: tuple[ItemButtonDescription, ...] = (
    _vm_button("pause", "pause"),
    _vm_button("resume", "resume"),
    _vm_button("restart", "restart"),
    _vm_button("force_stop", "force-stop"),
    _vm_button("hibernate", "hibernate"),
)
