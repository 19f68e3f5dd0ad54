"""Assemble a complete :class:`~uma_simulator.state.State` from a scenario spec."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from random import Random

from .dto import make
from .scenario_apps import (
    build_containers,
    build_docker_networks,
    build_plugins,
    build_user_scripts,
    build_vms,
    registry_unreachable,
)
from .scenario_extra import (
    build_disk_thresholds,
    build_flash,
    build_mover,
    build_os_update,
    build_root_shares,
    build_unassigned,
    build_zfs,
)
from .scenario_storage import build_array, build_disks, build_parity, build_shares
from .scenario_system import (
    build_fans,
    build_gpus,
    build_hardware,
    build_network,
    build_notifications,
    build_registration,
    build_system,
    build_tuning,
    build_ups,
    server_guid,
)
from .spec import SCENARIOS, ScenarioSpec
from .state import State
from .wire import go_time

UNRAID_VERSION = "7.3.1"
AGENT_VERSION = "2026.08.01"


def resolve_spec(
    scenario: str, *, ups: bool | None = None, gpu: bool | None = None
) -> ScenarioSpec:
    """Return the named scenario, optionally without UPS and/or GPUs."""
    try:
        spec = SCENARIOS[scenario]
    except KeyError:
        raise ValueError(
            f"unknown scenario {scenario!r}; choose from {sorted(SCENARIOS)}"
        ) from None
    if ups is not None:
        spec = replace(spec, ups=ups)
    if gpu is not None and not gpu:
        spec = replace(spec, gpus=())
    return spec


def build_state(spec: ScenarioSpec, seed: int, now: datetime) -> State:
    """Build the initial state of ``spec``; identical for identical ``seed`` and ``now``."""
    rng = Random(f"{spec.name}:{seed}")
    ts = go_time(now)
    disks, base_temps = build_disks(spec, rng, ts)
    array = build_array(spec, disks, ts)
    schedule, history = build_parity(spec, now, ts)
    containers, updates, configs = build_containers(spec, rng, ts)
    if spec.zfs:
        pools, datasets, snapshots, arc = build_zfs(now, ts)
    else:
        pools, datasets, snapshots, arc = [], [], [], None
    state = State(
        hostname=spec.hostname,
        unraid_version=UNRAID_VERSION,
        agent_version=AGENT_VERSION,
        system=build_system(spec, UNRAID_VERSION, AGENT_VERSION, ts),
        array=array,
        disks=disks,
        shares=build_shares(spec, array, disks, ts),
        containers=containers,
        vms=build_vms(spec, rng, ts),
        ups=build_ups(ts) if spec.ups else None,
        nut=make("NUTResponse", installed=False, running=False, timestamp=ts),
        gpus=build_gpus(spec, ts),
        network=build_network(spec, rng, ts),
        hardware=build_hardware(spec, ts),
        registration=build_registration(spec, now, ts, server_guid(seed)),
        notifications=build_notifications(spec, now),
        unassigned=build_unassigned(ts),
        zfs_pools=pools,
        zfs_datasets=datasets,
        zfs_snapshots=snapshots,
        zfs_arc=arc,
        fans=build_fans(ts),
        tuning=build_tuning(ts),
        docker_networks=build_docker_networks(containers, rng, ts),
        plugins=build_plugins(spec),
        os_update=build_os_update(spec, UNRAID_VERSION, ts),
        mover=build_mover(now, ts),
        parity_schedule=schedule,
        parity_history=history,
        flash=build_flash(ts, server_guid(seed)),
        user_scripts=build_user_scripts(now),
        disk_thresholds=build_disk_thresholds(ts),
        image_updates=updates,
        registry_unreachable=registry_unreachable(spec),
        root_shares=build_root_shares(spec.hostname),
        container_config=configs,
        disk_base_temps=base_temps,
        ups_connected=spec.ups,
        boot_uptime=float(rng.randint(2, 40) * 86400 + rng.randint(0, 86399)),
    )
    start = now.timestamp()
    for i, container in enumerate(containers):
        state.container_since[container["name"]] = start - 3600 * (3 + 7 * i)
        state.autostart[container["name"]] = container["state"] == "running"
    for disk in disks:
        if disk["name"] in spec.spun_down:
            state.spun_down.add(disk["id"])
    return state
