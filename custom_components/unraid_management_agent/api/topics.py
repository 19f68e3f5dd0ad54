"""The agent's WebSocket topics and how to recognise their payloads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Topic(StrEnum):
    """Every topic the agent broadcasts (the ``event`` field since 2026.03)."""

    SYSTEM = "system_update"
    ARRAY = "array_status_update"
    DISKS = "disk_list_update"
    SHARES = "share_list_update"
    CONTAINERS = "container_list_update"
    VMS = "vm_list_update"
    UPS = "ups_status_update"
    NUT = "nut_status_update"
    GPU = "gpu_metrics_update"
    NETWORK = "network_list_update"
    HARDWARE = "hardware_update"
    REGISTRATION = "registration_update"
    NOTIFICATIONS = "notifications_update"
    UNASSIGNED = "unassigned_devices_update"
    ZFS_POOLS = "zfs_pools_update"
    ZFS_DATASETS = "zfs_datasets_update"
    ZFS_SNAPSHOTS = "zfs_snapshots_update"
    ZFS_ARC = "zfs_arc_stats_update"
    FAN_CONTROL = "fan_control_update"
    TUNING = "tuning_update"
    DOCKER_UPDATES = "docker_updates_update"
    DOCKER_NETWORKS = "docker_networks_update"
    PLUGIN_UPDATES = "plugin_updates_update"
    OS_UPDATE = "os_update_update"
    MOVER = "mover_update"
    SOURCE_STATUS = "source_status_changed"
    COLLECTOR_STATE = "collector_state_change"
    AGENT_STREAM = "agent_stream"


#: The envelope ``event`` of every frame from agents before 2026.03, and of
#: collector state changes on every agent.
LEGACY_EVENT = "update"


@dataclass(frozen=True, slots=True)
class Signature:
    """Keys that identify a topic's payload when the envelope says ``update``.

    ``required`` must all be present; when ``any_of`` is not empty, at least
    one of those must be present too. Keys are chosen among fields that have
    been sent since the agent's first releases, so frames of old agents match.
    """

    topic: Topic
    is_list: bool
    required: frozenset[str]
    any_of: frozenset[str] = frozenset()

    def matches(self, keys: frozenset[str] | set[str]) -> bool:
        """Return True when an object with these keys fits the signature."""
        if not self.required <= keys:
            return False
        return not self.any_of or not self.any_of.isdisjoint(keys)


def _sig(
    topic: Topic, keys: str, *, is_list: bool = False, any_of: str = ""
) -> Signature:
    return Signature(topic, is_list, frozenset(keys.split()), frozenset(any_of.split()))


#: Field signatures, one per topic that carries a state snapshot. They are
#: pairwise exclusive for every payload the agent produces (a test checks it).
SIGNATURES: tuple[Signature, ...] = (
    _sig(Topic.SYSTEM, "hostname cpu_usage_percent ram_usage_percent"),
    _sig(Topic.ARRAY, "state parity_check_status parity_valid"),
    _sig(Topic.UPS, "connected battery_charge_percent runtime_left_seconds"),
    _sig(Topic.NUT, "installed running"),
    _sig(
        Topic.HARDWARE,
        "",
        any_of="bios baseboard chassis cpu cache memory_array memory_devices tpm boot",
    ),
    _sig(Topic.REGISTRATION, "type state expiration"),
    _sig(Topic.NOTIFICATIONS, "overview notifications"),
    _sig(Topic.UNASSIGNED, "devices remote_shares"),
    _sig(Topic.ZFS_ARC, "hit_ratio_percent target_size_bytes"),
    _sig(Topic.FAN_CONTROL, "fans profiles summary"),
    _sig(
        Topic.TUNING,
        "",
        any_of="turbo_boost disk_cache inotify nic_offloads nic_ring_buffers",
    ),
    _sig(Topic.DOCKER_UPDATES, "containers total_count updates_available"),
    _sig(Topic.DOCKER_NETWORKS, "networks count"),
    _sig(Topic.PLUGIN_UPDATES, "plugins total_count updates_available"),
    _sig(Topic.OS_UPDATE, "current_version update_available status"),
    _sig(Topic.MOVER, "active last_run_duration_seconds current_throughput_mbs"),
    _sig(Topic.SOURCE_STATUS, "subsystem state last_checked"),
    _sig(Topic.AGENT_STREAM, "event data"),
    # Lists, recognised by their elements.
    _sig(Topic.DISKS, "id device smart_status", is_list=True),
    _sig(Topic.SHARES, "name path used_bytes free_bytes", is_list=True),
    _sig(Topic.CONTAINERS, "id name image state", is_list=True),
    _sig(Topic.VMS, "name state cpu_count", is_list=True),
    # No `vendor`: agents before v2025.11.14 did not send it.
    _sig(Topic.GPU, "name utilization_gpu_percent", is_list=True),
    _sig(Topic.NETWORK, "name mac_address bytes_received", is_list=True),
    _sig(Topic.ZFS_POOLS, "name health vdevs", is_list=True),
    _sig(
        Topic.ZFS_DATASETS, "name type available_bytes referenced_bytes", is_list=True
    ),
    _sig(Topic.ZFS_SNAPSHOTS, "name dataset creation_time", is_list=True),
)

#: Topics whose payload is a JSON array.
LIST_TOPICS: frozenset[Topic] = frozenset(
    sig.topic for sig in SIGNATURES if sig.is_list
)
