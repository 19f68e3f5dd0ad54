"""Scenario specifications: the knobs that shape a simulated server."""

from __future__ import annotations

from dataclasses import dataclass, field

TB = 1_000_000_000_000
GIB = 1024**3


@dataclass(frozen=True)
class ScenarioSpec:
    """Shape of one scenario; :func:`uma_simulator.scenarios.build_state` expands it."""

    name: str
    hostname: str = "tower"
    parity_disks: int = 1
    data_disks: int = 4
    disk_size: int = 12 * TB
    #: slots (``disk3``) that start spun down
    spun_down: tuple[str, ...] = ()
    #: a disk's own temperature thresholds: (slot, warning, critical) in °C
    temp_limits: tuple[tuple[str, int, int], ...] = ()
    #: (pool name, number of devices)
    pools: tuple[tuple[str, int], ...] = (("cache", 2),)
    containers: int = 12
    vms: int = 2
    #: (name, operstate, speed in Mb/s)
    physical_nics: tuple[tuple[str, str, int], ...] = (
        ("eth0", "up", 1000),
        ("eth1", "up", 2500),
        ("eth2", "down", 0),
    )
    veth: int = 2
    #: extra VLAN / bond sub-interfaces to reach a large interface count
    extra_interfaces: int = 0
    gpus: tuple[str, ...] = ("intel",)
    ups: bool = True
    zfs: bool = False
    notifications: int = 8
    plugins: int = 6
    cpu_threads: int = 16
    ram_bytes: int = 32 * GIB
    #: SystemInfo.fans is nil on boards whose hwmon exposes no fan inputs
    system_fans: bool = False
    extra: dict[str, str] = field(default_factory=dict)


HOME = ScenarioSpec(name="home", spun_down=("disk3",), temp_limits=(("disk4", 40, 50),))
LARGE = ScenarioSpec(
    name="large",
    hostname="bigtower",
    parity_disks=2,
    data_disks=26,
    disk_size=24 * TB,
    spun_down=("disk7", "disk12", "disk19", "disk25"),
    pools=(("cache", 2), ("fastpool", 4), ("vmstore", 2)),
    containers=150,
    vms=20,
    physical_nics=(
        ("eth0", "up", 10000),
        ("eth1", "up", 10000),
        ("eth2", "up", 25000),
        ("eth3", "down", 0),
    ),
    veth=30,
    extra_interfaces=10,
    gpus=("intel", "nvidia"),
    zfs=True,
    notifications=200,
    plugins=24,
    cpu_threads=64,
    ram_bytes=512 * GIB,
    system_fans=True,
)
MINIMAL = ScenarioSpec(
    name="minimal",
    hostname="mini",
    data_disks=2,
    disk_size=4 * TB,
    pools=(("cache", 1),),
    containers=3,
    vms=0,
    physical_nics=(("eth0", "up", 1000),),
    veth=1,
    gpus=(),
    ups=False,
    notifications=2,
    plugins=2,
    cpu_threads=4,
    ram_bytes=8 * GIB,
)

SCENARIOS: dict[str, ScenarioSpec] = {s.name: s for s in (HOME, LARGE, MINIMAL)}
