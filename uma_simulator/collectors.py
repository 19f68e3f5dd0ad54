"""The agent's collector table: names, default intervals, staggers and topics."""

from __future__ import annotations

from collections.abc import Callable
import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import collect as c
from .dto import ZERO_TIME, make
from .scenario_extra import root_share

if TYPE_CHECKING:
    from .simulator import Simulator

#: The fixed order of ``/collectors/status`` (also the order used for ties).
ORDER = (
    "system", "array", "disk", "docker", "vm", "ups", "nut", "gpu", "shares", "network",
    "hardware", "zfs", "notification", "registration", "unassigned", "fancontrol",
    "tuning", "docker_update", "docker_networks", "plugin_update", "os_update", "mover",
)  # fmt: skip

#: Plugin-default intervals (reference §1.1); 0 means disabled.
DEFAULT_INTERVALS = {
    "system": 15, "array": 60, "disk": 300, "docker": 30, "vm": 60, "ups": 60, "nut": 0,
    "gpu": 60, "shares": 60, "network": 60, "hardware": 600, "zfs": 0, "notification": 30,
    "registration": 600, "unassigned": 60, "fancontrol": 5, "tuning": 120,
    "docker_update": 21600, "docker_networks": 60, "plugin_update": 3600,
    "os_update": 86400, "mover": 30,
}  # fmt: skip

#: Interval the collector manager picks when enabling a collector whose interval is 0.
ENABLE_DEFAULTS = {"nut": 10, "zfs": 30}

#: Delay before the first run of the staggered collectors.
STAGGER = {
    "docker_update": 45.0,
    "docker_networks": 5.0,
    "plugin_update": 30.0,
    "os_update": 60.0,
    "mover": 10.0,
}

type Producer = Callable[["Simulator", str], Any]


def _nut(sim: Simulator, ts: str) -> Any:
    """Return ``NUTResponse``."""
    return c.stamped("NUTResponse", sim.state.nut, ts)


def _zfs_list(dto: str, attr: str) -> Producer:
    """Return a producer for a ZFS list that publishes only when non-empty."""

    def produce(sim: Simulator, ts: str) -> Any:
        items = getattr(sim.state, attr)
        return c.stamped_list(dto, items, ts) if items else None

    return produce


def _arc(sim: Simulator, ts: str) -> Any:
    """Return ``ZFSARCStats`` when ZFS is present."""
    arc = sim.state.zfs_arc
    return None if arc is None else c.stamped("ZFSARCStats", arc, ts)


def _docker_networks(sim: Simulator, ts: str) -> Any:
    """Return ``DockerNetworkList``."""
    nets = c.stamped_list("DockerNetworkInfo", sim.state.docker_networks, ts)
    return make("DockerNetworkList", networks=nets, count=len(nets), timestamp=ts)


def _plugins(sim: Simulator, ts: str) -> Any:
    """Return the ``PluginList`` the agent's periodic check publishes and caches.

    Like the agent's (every version with the check, ``collector_manager.go``
    ``plugin_update``): only the plugins with an update, ``total_count`` equal
    to ``updates_available``, and no time stamp (Go's zero time); no update
    at all is ``plugins: null`` (a nil slice).
    """
    plugins = [copy.deepcopy(p) for p in sim.state.plugins if p["update_available"]]
    return make(
        "PluginList",
        plugins=plugins or None,
        total_count=len(plugins),
        updates_available=len(plugins),
        timestamp=ZERO_TIME,
    )


def _unassigned(sim: Simulator, ts: str) -> Any:
    """Return ``UnassignedDeviceList``; UD root shares as the agent reports them."""
    listing = c.stamped("UnassignedDeviceList", sim.state.unassigned, ts)
    roots = (
        [root_share(config, ts) for config in sim.state.root_shares]
        if sim.profile.root_shares
        else []
    )
    if roots:
        listing["remote_shares"] = [*(listing["remote_shares"] or ()), *roots]
    return listing


def _shares(sim: Simulator, ts: str) -> Any:
    """Return ``[]ShareInfo``."""
    return c.stamped_list("ShareInfo", sim.state.shares, ts)


def _single(dto: str, attr: str) -> Producer:
    """Return a producer re-stamping the state object ``attr`` as ``dto``."""

    def produce(sim: Simulator, ts: str) -> Any:
        return c.stamped(dto, getattr(sim.state, attr), ts)

    return produce


#: topic -> producer; a producer returning ``None`` publishes nothing.
TOPICS: dict[str, Producer] = {
    "system_update": c.collect_system,
    "array_status_update": c.collect_array,
    "disk_list_update": c.collect_disks,
    "container_list_update": c.collect_containers,
    "vm_list_update": c.collect_vms,
    "ups_status_update": c.collect_ups,
    "nut_status_update": _nut,
    "gpu_metrics_update": c.collect_gpus,
    "share_list_update": _shares,
    "network_list_update": c.collect_network,
    "hardware_update": _single("HardwareInfo", "hardware"),
    "zfs_pools_update": _zfs_list("ZFSPool", "zfs_pools"),
    "zfs_datasets_update": _zfs_list("ZFSDataset", "zfs_datasets"),
    "zfs_snapshots_update": _zfs_list("ZFSSnapshot", "zfs_snapshots"),
    "zfs_arc_stats_update": _arc,
    "notifications_update": c.collect_notifications,
    "registration_update": _single("Registration", "registration"),
    "unassigned_devices_update": _unassigned,
    "fan_control_update": c.collect_fans,
    "tuning_update": _single("TuningInfo", "tuning"),
    "docker_updates_update": c.collect_docker_updates,
    "docker_networks_update": _docker_networks,
    "plugin_updates_update": _plugins,
    "os_update_update": _single("OSUpdateStatus", "os_update"),
    "mover_update": _single("MoverStatus", "mover"),
}

COLLECTOR_TOPICS: dict[str, tuple[str, ...]] = {
    "system": ("system_update",),
    "array": ("array_status_update",),
    "disk": ("disk_list_update",),
    "docker": ("container_list_update",),
    "vm": ("vm_list_update",),
    "ups": ("ups_status_update",),
    "nut": ("nut_status_update",),
    "gpu": ("gpu_metrics_update",),
    "shares": ("share_list_update",),
    "network": ("network_list_update",),
    "hardware": ("hardware_update",),
    "zfs": (
        "zfs_pools_update",
        "zfs_datasets_update",
        "zfs_snapshots_update",
        "zfs_arc_stats_update",
    ),
    "notification": ("notifications_update",),
    "registration": ("registration_update",),
    "unassigned": ("unassigned_devices_update",),
    "fancontrol": ("fan_control_update",),
    "tuning": ("tuning_update",),
    "docker_update": ("docker_updates_update",),
    "docker_networks": ("docker_networks_update",),
    "plugin_update": ("plugin_updates_update",),
    "os_update": ("os_update_update",),
    "mover": ("mover_update",),
}


@dataclass
class Collector:
    """Runtime state of one collector, as the agent's collector manager keeps it."""

    name: str
    interval: int
    enabled: bool
    status: str
    required: bool = False
    last_run: str | None = None
    next_due: float | None = None

    def as_dto(self) -> dict[str, Any]:
        """Return ``CollectorStatus``."""
        return make(
            "CollectorStatus",
            name=self.name,
            enabled=self.enabled,
            interval_seconds=self.interval,
            status=self.status,
            last_run=self.last_run,
            error_count=0,
            required=self.required,
        )


def default_collectors(zfs: bool) -> dict[str, Collector]:
    """Return the collector table of a freshly started agent."""
    table = {}
    for name in ORDER:
        interval = DEFAULT_INTERVALS[name]
        if name == "zfs" and zfs:
            interval = 300
        table[name] = Collector(
            name=name,
            interval=interval,
            enabled=interval > 0,
            status="registered" if interval > 0 else "disabled",
            required=name == "system",
        )
    return table
