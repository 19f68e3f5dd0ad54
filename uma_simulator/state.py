"""The simulated server state: plain JSON-ready dicts and lists, keyed as the agent's DTOs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

type JSONDict = dict[str, Any]


@dataclass
class State:
    """Everything the simulated Unraid server knows.

    Entity lists hold DTO dicts (``ContainerInfo``, ``DiskInfo``, ...) exactly as the
    agent's collectors produce them, so a test may edit them in place (for example
    ``sim.state.containers[0]["state"] = "exited"``); the change is picked up by the
    next collection of that topic, as on a real server. A few fields are hidden
    inputs that no DTO carries (``image_updates``, ``spun_down``, ``parity``, ...).
    """

    hostname: str
    unraid_version: str
    agent_version: str
    system: JSONDict
    array: JSONDict
    disks: list[JSONDict]
    shares: list[JSONDict]
    containers: list[JSONDict]
    vms: list[JSONDict]
    ups: JSONDict | None
    nut: JSONDict
    gpus: list[JSONDict]
    network: list[JSONDict]
    hardware: JSONDict
    registration: JSONDict
    notifications: list[JSONDict]
    unassigned: JSONDict
    zfs_pools: list[JSONDict]
    zfs_datasets: list[JSONDict]
    zfs_snapshots: list[JSONDict]
    zfs_arc: JSONDict | None
    fans: JSONDict
    tuning: JSONDict
    docker_networks: list[JSONDict]
    plugins: list[JSONDict]
    os_update: JSONDict
    mover: JSONDict
    parity_schedule: JSONDict
    parity_history: list[JSONDict]
    flash: JSONDict
    user_scripts: list[JSONDict]
    disk_thresholds: JSONDict
    #: container name -> True when the registry has a newer image (docker_update input)
    image_updates: dict[str, bool] = field(default_factory=dict)
    #: container names whose registry check fails (local image, private registry)
    registry_unreachable: set[str] = field(default_factory=set)
    #: Unassigned Devices root shares as configured in ``samba_mount.cfg``
    #: (``source``, ``mountpoint``, ``automount``, ``read_only``) and whether
    #: each is mounted (with its sizes); see ``scenario_extra.root_share``
    root_shares: list[JSONDict] = field(default_factory=list)
    #: ids of spun-down disks (their temperature reads 0, hence ``spin_state`` standby)
    spun_down: set[str] = field(default_factory=set)
    #: disk id -> temperature the disk settles at while spinning
    disk_base_temps: dict[str, float] = field(default_factory=dict)
    #: whether the UPS answers ``apcaccess`` (no event is published while it does not)
    ups_connected: bool = True
    #: running parity operation: status ("" idle, running, paused), position, correcting
    parity: JSONDict = field(
        default_factory=lambda: {"status": "", "progress": 0.0, "correcting": False}
    )
    #: container name -> autostart flag (``/docker/{id}/autostart`` input)
    autostart: dict[str, bool] = field(default_factory=dict)
    #: container name -> POSIX time of its last state change (drives ``status``/``uptime``)
    container_since: dict[str, float] = field(default_factory=dict)
    #: container name -> settings only ``docker inspect`` shows (ports, network, volumes)
    container_config: dict[str, JSONDict] = field(default_factory=dict)
    #: seconds since the last boot when the simulation started
    boot_uptime: float = 0.0
