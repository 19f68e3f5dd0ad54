"""Builders for containers, VMs, Docker networks, plugins and user scripts."""

from __future__ import annotations

from datetime import datetime, timedelta
import hashlib
from random import Random
from typing import Any

from .dto import make
from .spec import GIB, ScenarioSpec
from .wire import go_time

#: (name, image, state, ports) of the home scenario's containers
HOME_CONTAINERS: tuple[tuple[str, str, str, tuple[int, ...]], ...] = (
    ("plex", "plexinc/pms-docker:latest", "running", (32400,)),
    ("sonarr", "lscr.io/linuxserver/sonarr:4.0.9", "running", (8989,)),
    ("radarr", "lscr.io/linuxserver/radarr:latest", "running", (7878,)),
    ("prowlarr", "lscr.io/linuxserver/prowlarr:latest", "running", (9696,)),
    ("qbittorrent", "lscr.io/linuxserver/qbittorrent:4.6.7", "running", (8080, 6881)),
    (
        "nginx-proxy-manager",
        "jc21/nginx-proxy-manager:latest",
        "running",
        (80, 443, 81),
    ),
    ("mariadb", "lscr.io/linuxserver/mariadb:10.11", "running", (3306,)),
    ("homeassistant", "ghcr.io/home-assistant/home-assistant:stable", "running", ()),
    ("nextcloud", "lscr.io/linuxserver/nextcloud:latest", "exited", (443,)),
    ("tautulli", "lscr.io/linuxserver/tautulli:latest", "exited", (8181,)),
    ("duplicati", "lscr.io/linuxserver/duplicati:latest", "exited", (8200,)),
    ("syncthing", "lscr.io/linuxserver/syncthing:latest", "paused", (8384,)),
)
HOME_UPDATE_AVAILABLE = ("sonarr",)
#: Containers whose registry check fails: ghcr.io refuses the anonymous
#: manifest request (a rate limit), as for a private or locally built image.
HOME_REGISTRY_UNREACHABLE = ("homeassistant",)


def full_container_id(short_id: str) -> str:
    """Return the 64-hex Docker ID whose first 12 characters are ``short_id``."""
    return short_id + hashlib.sha256(short_id.encode()).hexdigest()[:52]


def new_container_id(rng: Random) -> str:
    """Return a fresh 12-hex short container ID."""
    return f"{rng.getrandbits(48):012x}"


def format_uptime(seconds: float) -> str:
    """Format a duration like the agent's ``dockerFormatUptime``."""
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 1440)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def human_duration(seconds: float) -> str:
    """Approximate Docker's ``HumanDuration`` used in ``Up 2 hours``."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(s / 3600)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    return f"{hours // 24 // 30} months"


def container_status(state: str, since: float) -> str:
    """Return Docker's status text for a container in ``state`` for ``since`` seconds."""
    if state == "running":
        return f"Up {human_duration(since)}"
    if state == "paused":
        return f"Up {human_duration(since)} (Paused)"
    if state == "created":
        return "Created"
    return f"Exited (0) {human_duration(since)} ago"


def memory_display(used: int, limit: int) -> str:
    """Format memory like the agent's ``dockerFormatMemoryDisplay``."""
    if limit == 0:
        return "0 / 0"
    used_mb, limit_mb = used / 1024**2, limit / 1024**2
    if limit_mb >= 1024:
        return f"{used_mb / 1024:.2f} GB / {limit_mb / 1024:.2f} GB"
    return f"{used_mb:.2f} MB / {limit_mb:.2f} MB"


def vm_memory_display(used: int, allocated: int) -> str:
    """Format VM memory as the libvirt collector does."""
    if allocated == 0:
        return "0 B / 0 B"
    return memory_display(used, allocated)


def build_container(
    name: str,
    image: str,
    state: str,
    ports: tuple[int, ...],
    index: int,
    rng: Random,
    ts: str,
) -> dict[str, Any]:
    """Build a ``ContainerInfo`` as the docker collector emits it (no update merge)."""
    running = state == "running"
    version = (
        image.rsplit(":", 1)[1]
        if ":" in image.rsplit("/", maxsplit=1)[-1]
        else "latest"
    )
    values: dict[str, Any] = {
        "id": new_container_id(rng),
        "name": name,
        "image": image,
        "version": version,
        "state": state,
        "status": "",
        "ports": [
            make(
                "PortMapping",
                private_port=p,
                public_port=p if running else 0,
                type="tcp",
            )
            for p in ports
        ]
        if running
        else [],
        "update_status": "",
        "timestamp": ts,
    }
    if running:
        limit = 32 * GIB
        used = rng.randrange(64, 2048) * 1024**2
        values.update(
            network_mode="host" if not ports else "bridge",
            ip_address="" if not ports else f"172.17.0.{index % 250 + 2}",
            mac_address="" if not ports else f"02:42:ac:11:00:{index % 250 + 2:02x}",
            cpu_percent=round(rng.uniform(0.1, 8.0), 2),
            memory_usage_bytes=used,
            memory_usage_mb=round(used / 1024**2, 2),
            memory_limit_bytes=limit,
            memory_percent=round(used / limit * 100, 2),
            memory_display=memory_display(used, limit),
            network_rx_bytes=rng.randrange(10**7, 10**11),
            network_tx_bytes=rng.randrange(10**7, 10**10),
            port_mappings=[f"{p}:{p}/tcp" for p in ports],
            volume_mappings=[
                make(
                    "VolumeMapping",
                    container_path="/config",
                    host_path=f"/mnt/user/appdata/{name}",
                    mode="rw",
                )
            ],
            restart_policy="unless-stopped",
        )
    else:
        values["memory_display"] = "0 / 0"
    return make("ContainerInfo", values)


def container_config(name: str, ports: tuple[int, ...], index: int) -> dict[str, Any]:
    """Return the inspect-only settings of a container (used while it runs)."""
    return {
        "ports": ports,
        "network_mode": "bridge" if ports else "host",
        "ip_address": f"172.17.0.{index % 250 + 2}" if ports else "",
        "mac_address": f"02:42:ac:11:00:{index % 250 + 2:02x}" if ports else "",
        "memory_limit_bytes": 32 * GIB,
        "volume_mappings": [
            make(
                "VolumeMapping",
                container_path="/config",
                host_path=f"/mnt/user/appdata/{name}",
                mode="rw",
            )
        ],
        "restart_policy": "unless-stopped",
    }


def build_containers(
    spec: ScenarioSpec, rng: Random, ts: str
) -> tuple[list[dict[str, Any]], dict[str, bool], dict[str, dict[str, Any]]]:
    """Build the container list and the registry's update availability per name."""
    if spec.name == "home":
        rows = list(HOME_CONTAINERS)
        updates = {name: name in HOME_UPDATE_AVAILABLE for name, *_ in rows}
    else:
        rows = []
        for i in range(spec.containers):
            state = "running" if i % 5 else ("exited" if i % 10 else "paused")
            rows.append(
                (f"app-{i:03d}", f"example/app{i % 17}:1.{i % 9}", state, (9000 + i,))
            )
        updates = {row[0]: i % 7 == 3 for i, row in enumerate(rows)}
    containers = [
        build_container(name, image, state, ports, i, rng, ts)
        for i, (name, image, state, ports) in enumerate(rows)
    ]
    configs = {
        name: container_config(name, ports, i)
        for i, (name, _, _, ports) in enumerate(rows)
    }
    return containers, updates, configs


def registry_unreachable(spec: ScenarioSpec) -> set[str]:
    """Return the containers whose registry check fails in ``spec``."""
    return set(HOME_REGISTRY_UNREACHABLE) if spec.name == "home" else set()


_VM_NAMES = ("Windows 11", "Ubuntu Server", "Home Assistant OS", "pfSense", "Debian 12")


def build_vms(spec: ScenarioSpec, rng: Random, ts: str) -> list[dict[str, Any]]:
    """Build the libvirt VM list (``id`` is the 32-hex UUID without dashes)."""
    vms = []
    for i in range(spec.vms):
        name = _VM_NAMES[i] if i < len(_VM_NAMES) else f"vm-{i:02d}"
        running = i % 2 == 0
        allocated = (8 if i == 0 else 4) * GIB
        used = allocated if running else 0
        values: dict[str, Any] = {
            "id": f"{rng.getrandbits(128):032x}",
            "name": name,
            "state": "running" if running else "shut off",
            "cpu_count": 4 if i == 0 else 2,
            "memory_allocated_bytes": allocated,
            "memory_used_bytes": used,
            "memory_display": vm_memory_display(used, allocated),
            "autostart": running,
            "persistent": True,
            "timestamp": ts,
        }
        if running:
            values.update(
                guest_cpu_percent=round(rng.uniform(1, 30), 2),
                disk_read_bytes=rng.randrange(10**9, 10**11),
                disk_write_bytes=rng.randrange(10**8, 10**10),
                network_rx_bytes=rng.randrange(10**8, 10**10),
                network_tx_bytes=rng.randrange(10**7, 10**9),
            )
        vms.append(make("VMInfo", values))
    return vms


def build_docker_networks(
    containers: list[dict[str, Any]], rng: Random, ts: str
) -> list[dict[str, Any]]:
    """Build ``DockerNetworkInfo`` entries for the default and custom networks."""
    bridge = [c["name"] for c in containers if c["network_mode"] == "bridge"]
    host = [c["name"] for c in containers if c["network_mode"] == "host"]
    rows: tuple[tuple[str, str, str, str, list[str]], ...] = (
        ("bridge", "bridge", "172.17.0.0/16", "172.17.0.1", bridge),
        ("host", "host", "", "", host),
        ("none", "null", "", "", []),
        ("br0", "ipvlan", "192.168.1.0/24", "192.168.1.1", []),
        ("proxynet", "bridge", "172.18.0.0/16", "172.18.0.1", []),
    )
    return [
        make(
            "DockerNetworkInfo",
            id=f"{rng.getrandbits(256):064x}",
            name=name,
            driver=driver,
            scope="local",
            attachable=name == "proxynet",
            subnet=subnet,
            gateway=gateway,
            container_names=names or None,
            created="2026-01-04T10:12:45.118934021+10:00",
            timestamp=ts,
        )
        for name, driver, subnet, gateway, names in rows
    ]


_PLUGINS = (
    ("community.applications", "2026.08.10", "Squid", "2026.09.01"),
    ("unassigned.devices", "2026.07.30", "dlandon", ""),
    ("unraid-management-agent", "2026.08.01", "ruaan-deysel", ""),
    ("user.scripts", "2025.12.02", "Squid", ""),
    ("dynamix.system.temp", "2025.09.03", "Bergware", ""),
    ("fix.common.problems", "2026.06.14", "Squid", ""),
)


def build_plugins(spec: ScenarioSpec) -> list[dict[str, Any]]:
    """Build ``PluginInfo`` rows; the first plugin has an update available."""
    rows = list(_PLUGINS)
    rows += [
        (f"extra.plugin{i:02d}", "2025.01.01", "someone", "")
        for i in range(spec.plugins - len(rows))
    ]
    return [
        make(
            "PluginInfo",
            name=name,
            version=version,
            author=author,
            enabled=True,
            url=f"https://plugins.example/{name}.plg",
            icon="puzzle-piece",
            update_available=bool(latest),
            latest_version=latest,
        )
        for name, version, author, latest in rows[: spec.plugins]
    ]


def build_user_scripts(now: datetime) -> list[dict[str, Any]]:
    """Build ``UserScriptInfo`` rows for the User Scripts plugin."""
    rows = (
        ("backup_appdata", "Back up appdata to the array", True),
        ("clear_cache", "Drop page cache", True),
        ("disabled.script", "", False),
    )
    return [
        make(
            "UserScriptInfo",
            name=name,
            description=desc,
            path=f"/boot/config/plugins/user.scripts/scripts/{name}/script",
            executable=executable,
            last_modified=go_time(now - timedelta(days=40 + i)),
        )
        for i, (name, desc, executable) in enumerate(rows)
    ]
