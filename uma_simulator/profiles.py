"""Agent generations: what each one pushes, serves, limits and gets wrong.

One profile per generation the integration supports, read from the agent's
source tag by tag (``shared/reference/agent-versions.md``). The simulator
reads these facts; nothing else in it branches on a version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The global disk temperature thresholds (``DiskSettingsExtended``).
DISK_THRESHOLDS = "/settings/disk-thresholds"

_CORE = frozenset(
    {
        "system_update",
        "array_status_update",
        "disk_list_update",
        "share_list_update",
        "container_list_update",
        "vm_list_update",
        "ups_status_update",
        "gpu_metrics_update",
        "network_list_update",
    }
)
_2025_11 = _CORE | {"hardware_update"}
#: REST paths the first 2025.11 agents (before v2025.11.15) did not have yet.
_SINCE_2025_11 = (
    "/hardware",
    "/registration",
    "/logs",
    "/notifications",
    "/unassigned",
    "/zfs",
    "/system/reboot",
    "/system/shutdown",
)
_2026_02 = _2025_11 | {"nut_status_update", "collector_state_change"}
_2026_05 = _2026_02 | {
    "registration_update",
    "notifications_update",
    "unassigned_devices_update",
    "zfs_pools_update",
    "zfs_datasets_update",
    "zfs_snapshots_update",
    "zfs_arc_stats_update",
    "fan_control_update",
    "tuning_update",
}

#: REST paths (under ``/api/v1``) added over time: absent (404) before.
_SINCE_2026_01 = (
    "/nut",
    "/collectors",
    "/system/flash",
    "/array/parity-check/schedule",
    # v2026.01.02, with the disks' own thresholds (``temp_warning_celsius``).
    DISK_THRESHOLDS,
)
_SINCE_2026_03 = ("/docker/updates", "/plugins/check-updates")
#: ``/plugins/updates/refresh`` too came in v2026.06.01 (``api/server.go:209@v2026.06.01``);
#: before, the path matches no route.
_SINCE_2026_06 = (
    "/os/update",
    "/mover",
    "/docker/updates/refresh",
    "/plugins/updates/refresh",
)


@dataclass(frozen=True, kw_only=True)
class Profile:
    """The behaviour of one agent generation."""

    name: str
    agent_version: str
    named_events: bool
    """Frames name their topic (else every frame says ``"update"``), and the
    ``{"subscribe": …}`` filter is honoured."""
    pushed: frozenset[str] | None = None
    """Topics broadcast on the stream (``None``: every topic)."""
    missing: tuple[str, ...] = ()
    """REST path prefixes the generation does not have (plain 404)."""
    rate: tuple[float, int] | None = (50.0, 100)
    """Requests per second and burst (``None``: no limit)."""
    rate_global: bool = False
    """One bucket for every client (the web UI included), not one per IP."""
    token_auth: bool = True
    versioned: bool = True
    """``/system`` carries ``agent_version`` (from v2025.11.22)."""
    gpu_vendor: bool = True
    """GPU frames carry ``vendor`` (from v2025.11.14)."""
    disk_size_halved: bool = False
    """``size_bytes`` is half the real size (fixed in 2026.03.00)."""
    share_sizes_kib: bool = False
    """Share sizes are KiB labelled as bytes (fixed in 2026.03.04)."""
    io_ticks: bool = False
    """``io_utilization_percent`` is the kernel's I/O ticks / 10, not a
    percentage (fixed in 2026.03.01)."""
    plugin_check_live: bool = False
    """``/plugins/check-updates`` runs a live ``plugin check`` and answers
    ``{"plugins_with_updates", "count", "timestamp"}`` (2026.03.00–06.00)."""
    docker_updates_live: bool = False
    """``/docker/updates`` is a live registry check of every container, taking
    minutes (2026.03.00–06.00)."""
    root_shares: bool = True
    """Unassigned Devices root shares are reported (``type: "root"``), from
    2026.06.08; older agents skip them, configured and mounted alike."""
    normal_importance: bool = True
    """``POST /notifications`` takes importance ``normal`` (from 2026.08.00,
    ``lib/validation.go:621``); before, only alert, warning and info
    (``controllers/notification.go:39@v2026.07.00``), anything else a 500."""

    def pushes(self, event: str) -> bool:
        """Tell whether this generation broadcasts ``event``."""
        return self.pushed is None or event in self.pushed

    def lacks(self, path: str) -> bool:
        """Tell whether ``path`` (after ``/api/v1``) is absent in this generation."""
        return any(
            path == prefix or path.startswith(prefix + "/") for prefix in self.missing
        )


#: What every agent before 2026.03 shares: "update" frames, no rate limit,
#: no auth, the three value bugs, and no root shares.
_OLD_AGENT: dict[str, Any] = {
    "named_events": False,
    "rate": None,
    "token_auth": False,
    "disk_size_halved": True,
    "share_sizes_kib": True,
    "io_ticks": True,
    "root_shares": False,
    "normal_importance": False,
}

PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            # v2025.11.0–11.11 (the last of them): 9 topics, no GUID to be
            # had (/registration came in 11.15), no agent_version (11.22).
            name="2025.11.0",
            agent_version="2025.11.11",
            pushed=_CORE,
            missing=_SINCE_2025_11 + _SINCE_2026_01 + _SINCE_2026_03 + _SINCE_2026_06,
            versioned=False,
            gpu_vendor=False,
            **_OLD_AGENT,
        ),
        Profile(
            name="2025.11",
            agent_version="2025.11.26",
            pushed=_2025_11,
            missing=_SINCE_2026_01 + _SINCE_2026_03 + _SINCE_2026_06,
            **_OLD_AGENT,
        ),
        Profile(
            name="2026.02",
            agent_version="2026.02.01",
            pushed=_2026_02,
            missing=_SINCE_2026_03 + _SINCE_2026_06,
            **_OLD_AGENT,
        ),
        Profile(
            name="2026.05",
            agent_version="2026.05.00",
            named_events=True,
            pushed=_2026_05,
            missing=_SINCE_2026_06,
            rate=(10.0, 20),
            rate_global=True,
            token_auth=False,
            plugin_check_live=True,
            docker_updates_live=True,
            root_shares=False,
            normal_importance=False,
        ),
        Profile(name="current", agent_version="2026.08.01", named_events=True),
    )
}
#: The profile ``legacy=True`` stands for: the last agents that said "update".
LEGACY = "2026.02"
CURRENT = "current"


def distort(profile: Profile, topic: str, payload: Any) -> Any:
    """Apply the generation's value bugs to a collected payload (a fresh copy)."""
    if topic == "system_update" and isinstance(payload, dict):
        if not profile.versioned:
            payload.pop("agent_version", None)
    elif topic == "gpu_metrics_update" and isinstance(payload, list):
        if not profile.gpu_vendor:
            for gpu in payload:
                gpu.pop("vendor", None)
    elif topic == "disk_list_update" and isinstance(payload, list):
        for disk in payload:
            if profile.lacks(DISK_THRESHOLDS):
                # Not in DiskInfo before the global thresholds came.
                disk.pop("temp_warning_celsius", None)
                disk.pop("temp_critical_celsius", None)
            if profile.disk_size_halved and isinstance(disk.get("size_bytes"), int):
                disk["size_bytes"] //= 2
            if profile.io_ticks and "io_utilization_percent" in disk:
                # The agent divided the kernel's cumulative I/O ticks (ms) by
                # 10: a counter that only grows, not a percentage. About a
                # millisecond of I/O per operation here.
                ticks = disk.get("read_ops", 0) + disk.get("write_ops", 0)
                disk["io_utilization_percent"] = ticks / 10.0
    elif topic == "share_list_update" and isinstance(payload, list):
        if profile.share_sizes_kib:
            for share in payload:
                for key in ("used_bytes", "free_bytes", "total_bytes"):
                    if isinstance(share.get(key), int):
                        share[key] //= 1024
    return payload
