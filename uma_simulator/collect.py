"""Collectors: turn the simulated state into the payloads the agent publishes.

Every collection first evolves the live metrics (deterministically, from the
simulator's seeded RNG), then returns fresh JSON-ready copies for the cache and the
WebSocket broadcast, rebuilt through :func:`~uma_simulator.dto.make` so that key
order and ``omitempty`` always match the agent's encoder.
"""

from __future__ import annotations

import copy
import hashlib
from random import Random
from typing import TYPE_CHECKING, Any

from .dto import make
from .scenario_apps import (
    container_status,
    format_uptime,
    memory_display,
    vm_memory_display,
)
from .wire import go_time

if TYPE_CHECKING:
    from .simulator import Simulator

PSEUDO_ROLES = ("docker_vdisk", "log")


def _jitter(rng: Random, value: float, spread: float, low: float, high: float) -> float:
    """Random-walk ``value`` by up to ``spread`` within ``[low, high]``, 2 decimals."""
    return round(min(high, max(low, value + rng.uniform(-spread, spread))), 2)


def digest(*parts: str) -> str:
    """Return a deterministic ``sha256:`` image digest for ``parts``."""
    return "sha256:" + hashlib.sha256("/".join(parts).encode()).hexdigest()


def collect_system(sim: Simulator, ts: str) -> dict[str, Any]:
    """Evolve CPU, memory and temperatures; return ``SystemInfo``."""
    info, rng = sim.state.system, sim.rng
    info["uptime_seconds"] = int(sim.uptime)
    info["cpu_usage_percent"] = _jitter(
        rng, info["cpu_usage_percent"] or 12.0, 6, 1, 95
    )
    threads = info["cpu_threads"]
    info["cpu_per_core_usage"] = {
        f"cpu{i}": _jitter(rng, info["cpu_usage_percent"], 10, 0, 100)
        for i in range(threads)
    }
    info["cpu_temp_celsius"] = _jitter(
        rng, info["cpu_temp_celsius"] or 42.0, 1.5, 30, 80
    )
    total = info["ram_total_bytes"]
    used = int(
        total
        * _jitter(
            rng,
            (info["ram_used_bytes"] / total * 100) if info["ram_used_bytes"] else 38.0,
            1,
            10,
            90,
        )
        / 100
    )
    buffers, cached = total // 64, total // 5
    info.update(
        ram_used_bytes=used,
        ram_free_bytes=total - used - buffers - cached,
        ram_buffers_bytes=buffers,
        ram_cached_bytes=cached,
        ram_usage_percent=round(used / total * 100, 2),
        ram_used_mb=round(used / 1024**2, 2),
        timestamp=ts,
    )
    for reading in info.get("temperatures") or []:
        reading["value_celsius"] = _jitter(rng, reading["value_celsius"], 1, 25, 90)
    for fan in info.get("fans") or []:
        fan["rpm"] = int(_jitter(rng, fan["rpm"], 20, 400, 2500))
    if sim.state.array.get("parity_check_status") == "running":
        info["parity_check_speed"] = "185.3 MB/s"
    else:
        info.pop("parity_check_speed", None)
    return make("SystemInfo", copy.deepcopy(info))


def collect_array(sim: Simulator, ts: str) -> dict[str, Any]:
    """Return ``ArrayStatus`` including the running parity operation."""
    state = sim.state
    array, parity = state.array, state.parity
    data = [d for d in state.disks if d.get("role") == "data"]
    total = sum(d["size_bytes"] for d in data)
    free = sum(d["free_bytes"] for d in data)
    started = array.get("state") == "STARTED"
    array.update(
        total_bytes=total if started else 0,
        free_bytes=free if started else 0,
        used_percent=round((total - free) / total * 100, 2)
        if total and started
        else 0.0,
        parity_check_status=parity["status"],
        parity_check_progress=round(parity["progress"], 2) if parity["status"] else 0.0,
        timestamp=ts,
    )
    return make("ArrayStatus", copy.deepcopy(array))


def collect_disks(sim: Simulator, ts: str) -> list[dict[str, Any]]:
    """Evolve temperatures and I/O of spinning disks; return ``[]DiskInfo``."""
    state, rng = sim.state, sim.rng
    for disk in state.disks:
        disk["timestamp"] = ts
        if disk.get("role") in PSEUDO_ROLES:
            continue
        if disk["id"] in state.spun_down:
            disk["temperature_celsius"] = 0.0
            disk.pop("io_utilization_percent", None)
        elif disk["id"] in state.disk_base_temps:
            base = state.disk_base_temps[disk["id"]]
            disk["temperature_celsius"] = float(
                round(_jitter(rng, base, 1.0, base - 2, base + 2))
            )
            for key, step in (
                ("read_bytes", 10**8),
                ("write_bytes", 10**7),
                ("read_ops", 5000),
                ("write_ops", 800),
            ):
                if key in disk:
                    disk[key] += rng.randrange(step)
            disk["io_utilization_percent"] = round(rng.uniform(0.1, 6.0), 2)
        disk["spin_state"] = "active" if disk["temperature_celsius"] > 0 else "standby"
    return [make("DiskInfo", copy.deepcopy(d)) for d in state.disks]


def collect_containers(sim: Simulator, ts: str) -> list[dict[str, Any]]:
    """Evolve running containers; return raw ``[]ContainerInfo`` (no update merge)."""
    state, rng, now = sim.state, sim.rng, sim.now.timestamp()
    out = []
    for c in state.containers:
        name = c["name"]
        config = state.container_config.setdefault(name, _config_from(c))
        since = now - state.container_since.get(name, now)
        c.update(
            status=container_status(c["state"], since), update_status="", timestamp=ts
        )
        c.pop("update_available", None)
        c.pop("update_checked", None)
        if c["state"] == "running":
            limit = config["memory_limit_bytes"]
            used = int(
                _jitter(
                    rng,
                    c.get("memory_usage_bytes") or limit / 40,
                    limit / 400,
                    16 * 1024**2,
                    limit * 0.9,
                )
            )
            rx_rate, tx_rate = (
                round(rng.uniform(0, 4e6), 2),
                round(rng.uniform(0, 1e6), 2),
            )
            c.update(
                network_mode=config["network_mode"],
                ip_address=config["ip_address"],
                mac_address=config["mac_address"],
                cpu_percent=_jitter(rng, c.get("cpu_percent") or 1.0, 1.5, 0.01, 100),
                memory_usage_bytes=used,
                memory_usage_mb=round(used / 1024**2, 2),
                memory_limit_bytes=limit,
                memory_percent=round(used / limit * 100, 2),
                memory_display=memory_display(used, limit),
                network_rx_bytes=c.get("network_rx_bytes", 0) + int(rx_rate * 30),
                network_tx_bytes=c.get("network_tx_bytes", 0) + int(tx_rate * 30),
                network_rx_bytes_per_sec=rx_rate,
                network_tx_bytes_per_sec=tx_rate,
                ports=[
                    make("PortMapping", private_port=p, public_port=p, type="tcp")
                    for p in config["ports"]
                ],
                port_mappings=[f"{p}:{p}/tcp" for p in config["ports"]],
                volume_mappings=copy.deepcopy(config["volume_mappings"]),
                restart_policy=config["restart_policy"],
                uptime=format_uptime(since),
            )
        else:
            for key in (
                "cpu_percent",
                "memory_usage_bytes",
                "memory_usage_mb",
                "memory_limit_bytes",
                "memory_percent",
                "network_rx_bytes",
                "network_tx_bytes",
                "network_rx_bytes_per_sec",
                "network_tx_bytes_per_sec",
                "restart_count",
            ):
                c[key] = 0
            c.update(
                network_mode="",
                ip_address="",
                mac_address="",
                memory_display="0 / 0",
                ports=[],
                port_mappings=None,
                volume_mappings=None,
                restart_policy="",
                uptime="",
            )
        out.append(make("ContainerInfo", copy.deepcopy(c)))
    return out


def _config_from(c: dict[str, Any]) -> dict[str, Any]:
    """Derive the inspect-only settings of a container added without a config."""
    return {
        "ports": tuple(p["private_port"] for p in c.get("ports") or []),
        "network_mode": c.get("network_mode") or "bridge",
        "ip_address": c.get("ip_address") or "172.17.0.250",
        "mac_address": c.get("mac_address") or "",
        "memory_limit_bytes": c.get("memory_limit_bytes") or 32 * 1024**3,
        "volume_mappings": copy.deepcopy(c.get("volume_mappings") or []),
        "restart_policy": c.get("restart_policy") or "unless-stopped",
    }


def collect_vms(sim: Simulator, ts: str) -> list[dict[str, Any]]:
    """Evolve running VMs; return ``[]VMInfo``."""
    rng = sim.rng
    for vm in sim.state.vms:
        vm["timestamp"] = ts
        if vm["state"] in ("running", "paused", "blocked"):
            vm["memory_used_bytes"] = vm["memory_allocated_bytes"]
            if vm["state"] == "running":
                vm["guest_cpu_percent"] = _jitter(
                    rng, vm.get("guest_cpu_percent") or 5.0, 4, 0.1, 100
                )
                for key, step in (
                    ("disk_read_bytes", 10**7),
                    ("disk_write_bytes", 10**6),
                    ("network_rx_bytes", 10**7),
                    ("network_tx_bytes", 10**6),
                ):
                    vm[key] = vm.get(key, 0) + rng.randrange(step)
            else:
                vm["guest_cpu_percent"] = 0.0
        else:
            for key in (
                "guest_cpu_percent",
                "memory_used_bytes",
                "disk_read_bytes",
                "disk_write_bytes",
                "network_rx_bytes",
                "network_tx_bytes",
            ):
                vm[key] = 0
        vm["memory_display"] = vm_memory_display(
            vm["memory_used_bytes"], vm["memory_allocated_bytes"]
        )
    return [make("VMInfo", copy.deepcopy(v)) for v in sim.state.vms]


def collect_ups(sim: Simulator, ts: str) -> dict[str, Any] | None:
    """Return ``UPSStatus`` or ``None`` when no UPS answers (nothing is published)."""
    ups = sim.state.ups
    if ups is None or not sim.state.ups_connected:
        return None
    ups["load_percent"] = _jitter(sim.rng, ups["load_percent"], 1.5, 5, 95)
    ups["power_watts"] = round(
        ups["nominal_power_watts"] * ups["load_percent"] / 100, 1
    )
    ups["timestamp"] = ts
    return make("UPSStatus", copy.deepcopy(ups))


def collect_gpus(sim: Simulator, ts: str) -> list[dict[str, Any]] | None:
    """Return ``[]GPUMetrics`` or ``None`` when no GPU exists (nothing is published)."""
    if not sim.state.gpus:
        return None
    for gpu in sim.state.gpus:
        gpu["utilization_gpu_percent"] = _jitter(
            sim.rng, gpu["utilization_gpu_percent"], 3, 0, 100
        )
        gpu["timestamp"] = ts
    return [make("GPUMetrics", copy.deepcopy(g)) for g in sim.state.gpus]


def collect_network(sim: Simulator, ts: str) -> list[dict[str, Any]]:
    """Advance interface counters; return ``[]NetworkInfo`` in random (map) order."""
    rng, elapsed = sim.rng, sim.elapsed
    first = sim.last_network_sample is None
    span = max(elapsed - (sim.last_network_sample or elapsed), 1.0)
    sim.last_network_sample = elapsed
    for nic in sim.state.network:
        nic["timestamp"] = ts
        if nic["state"] != "up":
            nic["rx_bytes_per_sec"] = nic["tx_bytes_per_sec"] = 0.0
            continue
        rx, tx = rng.randrange(10**6), rng.randrange(10**5)
        nic["bytes_received"] += int(rx * span)
        nic["bytes_sent"] += int(tx * span)
        nic["packets_received"] += int(rx * span) // 900
        nic["packets_sent"] += int(tx * span) // 900
        nic["rx_bytes_per_sec"] = 0.0 if first else float(rx)
        nic["tx_bytes_per_sec"] = 0.0 if first else float(tx)
    out = [make("NetworkInfo", copy.deepcopy(n)) for n in sim.state.network]
    rng.shuffle(out)
    return out


def collect_notifications(sim: Simulator, ts: str) -> dict[str, Any]:
    """Return ``NotificationList``: unread then archived, each newest first."""
    notes = sim.state.notifications
    unread = sorted(
        (n for n in notes if n["type"] == "unread"),
        key=lambda n: n["timestamp"],
        reverse=True,
    )
    archived = sorted(
        (n for n in notes if n["type"] == "archive"),
        key=lambda n: n["timestamp"],
        reverse=True,
    )

    def counts(items: list[dict[str, Any]]) -> dict[str, Any]:
        alert = sum(n["importance"] == "alert" for n in items)
        warning = sum(n["importance"] == "warning" for n in items)
        info = sum(n["importance"] in ("info", "normal") for n in items)
        return make(
            "NotificationCounts",
            info=info,
            warning=warning,
            alert=alert,
            total=info + warning + alert,
        )

    return make(
        "NotificationList",
        overview=make(
            "NotificationOverview", unread=counts(unread), archive=counts(archived)
        ),
        notifications=[
            make("Notification", copy.deepcopy(n)) for n in unread + archived
        ]
        or None,
        timestamp=ts,
    )


def collect_docker_updates(sim: Simulator, ts: str) -> dict[str, Any]:
    """Compare image digests; return ``ContainerUpdatesResult``.

    A container in ``registry_unreachable`` (a locally built image, a private
    registry, a rate limit) fails its registry call: the agent reports it
    without a latest digest and with ``update_available:false``
    (``controllers/docker.go:490-503``), which its own ``Status()`` calls
    unknown (``dto/docker.go:76-84``).
    """
    results = []
    for c in sim.state.containers:
        current = digest(c["image"], "current")
        if c["name"] in sim.state.registry_unreachable:
            latest = ""
        elif sim.state.image_updates.get(c["name"]):
            latest = digest(c["image"], "latest")
        else:
            latest = current
        results.append(
            make(
                "ContainerUpdateInfo",
                container_id=c["id"],
                container_name=c["name"],
                image=c["image"],
                current_digest=current,
                latest_digest=latest,
                update_available=bool(latest) and latest != current,
                timestamp=ts,
            )
        )
    return make(
        "ContainerUpdatesResult",
        containers=results,
        total_count=len(results),
        updates_available=sum(r["update_available"] for r in results),
        timestamp=ts,
    )


def collect_fans(sim: Simulator, ts: str) -> dict[str, Any]:
    """Jitter fan speeds; return ``FanControlStatus``."""
    fans = sim.state.fans
    for fan in fans["fans"] or []:
        fan["rpm"] = int(_jitter(sim.rng, fan["rpm"], 25, 300, 3000))
    fans["timestamp"] = ts
    return make("FanControlStatus", copy.deepcopy(fans))


def stamped(dto: str, value: dict[str, Any], ts: str) -> dict[str, Any]:
    """Return a re-encoded copy of ``value`` with a fresh ``timestamp``."""
    value["timestamp"] = ts
    return make(dto, copy.deepcopy(value))


def stamped_list(
    dto: str, values: list[dict[str, Any]], ts: str
) -> list[dict[str, Any]]:
    """Return re-encoded copies of ``values`` with fresh timestamps."""
    return [stamped(dto, v, ts) for v in values]


def now_ts(sim: Simulator) -> str:
    """Return the simulated clock as an RFC3339Nano string."""
    return go_time(sim.now)
