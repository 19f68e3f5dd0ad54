"""GET handlers: cached collector results with the agent's pre-collection placeholders."""

from __future__ import annotations

import asyncio
import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .dto import ZERO_TIME, make
from .responses import dto_reply, json_reply
from .wire import go_time

if TYPE_CHECKING:
    from .simulator import Simulator

type Params = dict[str, str]

#: path -> (cache topic, placeholder DTO or "list")
CACHED: dict[str, tuple[str, str]] = {
    "/system": ("system_update", "system"),
    "/array": ("array_status_update", "ArrayStatus"),
    "/disks": ("disk_list_update", "list"),
    "/shares": ("share_list_update", "list"),
    "/vm": ("vm_list_update", "list"),
    "/ups": ("ups_status_update", "UPSStatus"),
    "/nut": ("nut_status_update", "NUTResponse"),
    "/gpu": ("gpu_metrics_update", "list"),
    "/network": ("network_list_update", "list"),
    "/hardware/full": ("hardware_update", "HardwareInfo"),
    "/registration": ("registration_update", "Registration"),
    "/unassigned": ("unassigned_devices_update", "UnassignedDeviceList"),
    "/zfs/pools": ("zfs_pools_update", "list"),
    "/zfs/datasets": ("zfs_datasets_update", "list"),
    "/zfs/snapshots": ("zfs_snapshots_update", "list"),
    "/zfs/arc": ("zfs_arc_stats_update", "ZFSARCStats"),
    "/plugins/check-updates": ("plugin_updates_update", "PluginList"),
    "/os/update": ("os_update_update", "OSUpdateStatus"),
    "/mover": ("mover_update", "MoverStatus"),
    "/docker/networks": ("docker_networks_update", "DockerNetworkList"),
    "/fans": ("fan_control_update", "FanControlStatus"),
    "/tuning": ("tuning_update", "TuningInfo"),
}


def placeholder(sim: Simulator, kind: str) -> Any:
    """Return what the agent serves for a cache that has not been filled yet."""
    ts = go_time(sim.now)
    if kind == "list":
        return []
    if kind == "system":
        return make(
            "SystemInfo",
            hostname="unknown",
            version=sim.state.agent_version,
            timestamp=ts,
        )
    special: dict[str, dict[str, Any]] = {
        "ArrayStatus": {"state": "unknown"},
        "Registration": {"type": "unknown", "state": "invalid"},
        "UnassignedDeviceList": {"devices": [], "remote_shares": []},
        "OSUpdateStatus": {"status": "unknown"},
        "DockerNetworkList": {"networks": []},
        "FanControlStatus": {"fans": [], "profiles": []},
        "NotificationList": {"notifications": []},
        "PluginList": {"timestamp": ZERO_TIME},
        "MoverStatus": {"timestamp": ZERO_TIME},
        "ZFSARCStats": {"timestamp": ZERO_TIME},
    }
    values = {"timestamp": ts, **special.get(kind, {})}
    return make(kind, values)


def cached(sim: Simulator, path: str) -> Any:
    """Return the cache behind ``path`` or its placeholder."""
    topic, kind = CACHED[path]
    value = sim.caches.get(topic)
    return placeholder(sim, kind) if value is None else value


async def get_plugin_check(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /plugins/check-updates``: the cached check.

    Agents 2026.03.00–06.00 ran ``plugin check`` live and answered another shape.
    """
    if not sim.profile.plugin_check_live:
        return await get_cached(sim, request, params)
    await asyncio.sleep(LIVE_CHECK_SECONDS)
    updates = [p for p in sim.state.plugins if p.get("update_available")]
    return json_reply(
        200,
        {
            "plugins_with_updates": updates,
            "count": len(updates),
            "timestamp": go_time(sim.now),
        },
    )


async def get_cached(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """Serve one of the plain cached endpoints."""
    return json_reply(200, cached(sim, request.path.removeprefix("/api/v1")))


async def get_health(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /health``: liveness only."""
    return json_reply(200, {"status": "ok"})


def merged_containers(sim: Simulator) -> list[dict[str, Any]]:
    """Return the docker cache with the update status merged in (``GetDockerCache``)."""
    containers = sim.caches.get("container_list_update") or []
    updates = sim.caches.get("docker_updates_update")
    by_id: dict[str, dict[str, Any]] = {}
    checked = None
    if updates is not None:
        by_id = {u["container_id"]: u for u in updates["containers"] or []}
        checked = updates["timestamp"] if updates["timestamp"] != ZERO_TIME else None
    out = []
    for c in containers:
        c = copy.deepcopy(c)
        info = by_id.get(c["id"])
        if info is None:
            c.update(
                update_status="unknown", update_available=None, update_checked=None
            )
        else:
            status = (
                "unknown"
                if not info.get("latest_digest")
                else ("update_available" if info["update_available"] else "up_to_date")
            )
            c.update(
                update_status=status,
                update_available=None
                if status == "unknown"
                else info["update_available"],
                update_checked=checked,
            )
        out.append(make("ContainerInfo", c))
    return out


async def get_docker(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /docker``: containers with update status merged in."""
    return json_reply(200, merged_containers(sim))


async def get_docker_one(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /docker/{id}``: by short ID or name (``/docker/stats`` lands here too)."""
    ref = params["id"]
    for c in merged_containers(sim):
        if ref in (c["id"], c["name"]):
            return json_reply(200, c)
    return dto_reply(sim, 404, f"Container not found: {ref}")


#: Wall seconds a live check (a registry sweep, ``plugin check``) takes on the
#: agents that run one per request: minutes on a real server.
LIVE_CHECK_SECONDS = 120.0


async def get_docker_updates(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /docker/updates``: the cached check, or the zero result before the first.

    Agents 2026.03.00–06.00 ran a live registry check of every container here.
    """
    if sim.profile.docker_updates_live:
        await asyncio.sleep(LIVE_CHECK_SECONDS)
    value = sim.caches.get("docker_updates_update")
    return json_reply(
        200, value if value is not None else make("ContainerUpdatesResult")
    )


def _find(
    sim: Simulator, path: str, ref: str, keys: tuple[str, ...]
) -> dict[str, Any] | None:
    """Find the first cached item whose ``keys`` include ``ref``."""
    for item in cached(sim, path):
        if any(item.get(k) == ref for k in keys):
            return dict(item)
    return None


async def get_disk(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /disks/{id}``: by id, device or slot name."""
    found = _find(sim, "/disks", params["id"], ("id", "device", "name"))
    return (
        json_reply(200, found)
        if found
        else dto_reply(sim, 404, f"Disk not found: {params['id']}")
    )


async def get_vm(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /vm/{id}``: by 32-hex UUID or name."""
    found = _find(sim, "/vm", params["id"], ("id", "name"))
    return (
        json_reply(200, found)
        if found
        else dto_reply(sim, 404, f"VM not found: {params['id']}")
    )


async def get_zfs_pool(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /zfs/pools/{name}``."""
    found = _find(sim, "/zfs/pools", params["name"], ("name",))
    return (
        json_reply(200, found)
        if found
        else dto_reply(sim, 404, f"ZFS pool not found: {params['name']}")
    )


def _notifications(sim: Simulator) -> dict[str, Any]:
    """Return the cached ``NotificationList`` (the object itself: see the quirk)."""
    value = sim.caches.get("notifications_update")
    if value is None:
        value = placeholder(sim, "NotificationList")
    return value  # type: ignore[no-any-return]


async def get_notifications(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /notifications``; ``?importance=`` overwrites the cached list (agent quirk)."""
    value = _notifications(sim)
    importance = request.query.get("importance", "")
    if importance:
        value["notifications"] = [
            n for n in value["notifications"] or [] if n["importance"] == importance
        ]
    return json_reply(200, value)


async def get_notifications_by_type(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /notifications/unread`` and ``/notifications/archive``."""
    kind = "unread" if request.path.endswith("/unread") else "archive"
    value = sim.caches.get("notifications_update")
    items = [n for n in (value or {}).get("notifications") or [] if n["type"] == kind]
    return json_reply(200, {"count": len(items), "notifications": items})


async def get_notifications_overview(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /notifications/overview``."""
    value = sim.caches.get("notifications_update")
    if value is None:
        return json_reply(200, make("NotificationOverview"))
    return json_reply(200, value["overview"])


async def get_notification(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /notifications/{id}``."""
    value = sim.caches.get("notifications_update")
    for n in (value or {}).get("notifications") or []:
        if n["id"] == params["id"]:
            return json_reply(200, n)
    return dto_reply(sim, 404, "Notification not found")


async def get_parity_history(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /array/parity-check/history`` (live file parse)."""
    return json_reply(
        200,
        make(
            "ParityCheckHistory",
            records=copy.deepcopy(sim.state.parity_history),
            timestamp=go_time(sim.now),
        ),
    )


def _live(attr: str, dto: str) -> Any:
    """Return a handler serving state object ``attr`` live, stamped now."""

    async def handler(
        sim: Simulator, request: web.Request, params: Params
    ) -> web.StreamResponse:
        value = copy.deepcopy(getattr(sim.state, attr))
        value["timestamp"] = go_time(sim.now)
        return json_reply(200, make(dto, value))

    handler.__doc__ = f"Serve ``{dto}`` live."
    return handler


get_parity_schedule = _live("parity_schedule", "ParitySchedule")
get_flash = _live("flash", "FlashDriveHealth")
get_disk_thresholds = _live("disk_thresholds", "DiskSettingsExtended")


async def get_temperatures(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /temperatures``: ``SystemInfo.temperatures`` (``null`` when absent)."""
    return json_reply(200, cached(sim, "/system").get("temperatures"))


async def get_user_scripts(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /user-scripts``."""
    return json_reply(200, sim.state.user_scripts)


async def get_collectors(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /collectors/status``."""
    rows = [c.as_dto() for c in sim.collectors.values()]
    enabled = sum(
        1 for c in sim.collectors.values() if c.enabled or c.status == "running"
    )
    return json_reply(
        200,
        make(
            "CollectorsStatusResponse",
            collectors=rows,
            total=len(rows),
            enabled_count=enabled,
            disabled_count=len(rows) - enabled,
            timestamp=go_time(sim.now),
        ),
    )


async def get_collector(
    sim: Simulator, request: web.Request, params: Params
) -> web.StreamResponse:
    """``GET /collectors/{name}``."""
    name = params["name"]
    collector = sim.collectors.get(name)
    if collector is None:
        return dto_reply(sim, 404, f"unknown collector: {name}")
    return json_reply(
        200,
        make(
            "CollectorResponse",
            success=True,
            message=f"collector {name} status retrieved",
            collector=collector.as_dto(),
            timestamp=go_time(sim.now),
        ),
    )


def _hardware_part(key: str, label: str) -> Any:
    """Return a handler for ``/hardware/<part>`` (404 ``{"error":…}`` when absent)."""

    async def handler(
        sim: Simulator, request: web.Request, params: Params
    ) -> web.StreamResponse:
        hardware = sim.caches.get("hardware_update") or {}
        if hardware.get(key) is None:
            return json_reply(404, {"error": f"{label} information not available"})
        return json_reply(200, hardware[key])

    handler.__doc__ = f"Serve ``HardwareInfo.{key}``."
    return handler


HARDWARE_PARTS = {
    "bios": _hardware_part("bios", "BIOS"),
    "baseboard": _hardware_part("baseboard", "Baseboard"),
    "cpu": _hardware_part("cpu", "CPU"),
    "cache": _hardware_part("cache", "CPU cache"),
    "memory-array": _hardware_part("memory_array", "Memory array"),
    "memory-devices": _hardware_part("memory_devices", "Memory device"),
}
