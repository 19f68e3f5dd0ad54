"""Every typed read against the simulator over loopback, compared with its state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from custom_components.unraid_management_agent.api import (
    TOPIC_ENDPOINTS,
    Topic,
    UnraidClient,
    UnraidInvalidResponseError,
)
from custom_components.unraid_management_agent.api.models import (
    ArrayStatus,
    CollectorsStatus,
    ContainerInfo,
    ContainerUpdatesResult,
    DiskInfo,
    DiskSettingsExtended,
    FlashDriveHealth,
    GPUMetrics,
    HardwareInfo,
    MoverStatus,
    NetworkInfo,
    NotificationList,
    NotificationOverview,
    NUTResponse,
    OSUpdateStatus,
    ParityCheckHistory,
    ParitySchedule,
    PluginList,
    Registration,
    ShareInfo,
    SystemInfo,
    UnassignedDeviceList,
    UPSStatus,
    UserScriptInfo,
    VMInfo,
    ZFSARCStats,
    ZFSDataset,
    ZFSPool,
    ZFSSnapshot,
)
from uma_simulator.routes_read import merged_containers

from .conftest import Agent, StartAgent, assert_matches, wire

#: typed read -> (REST path, model, is a list)
READS: dict[str, tuple[str, type, bool]] = {
    "get_system": ("/system", SystemInfo, False),
    "get_array": ("/array", ArrayStatus, False),
    "get_disks": ("/disks", DiskInfo, True),
    "get_shares": ("/shares", ShareInfo, True),
    "get_containers": ("/docker", ContainerInfo, True),
    "get_vms": ("/vm", VMInfo, True),
    "get_ups": ("/ups", UPSStatus, False),
    "get_nut": ("/nut", NUTResponse, False),
    "get_gpus": ("/gpu", GPUMetrics, True),
    "get_network": ("/network", NetworkInfo, True),
    "get_hardware": ("/hardware/full", HardwareInfo, False),
    "get_registration": ("/registration", Registration, False),
    "get_notifications": ("/notifications", NotificationList, False),
    "get_notification_overview": (
        "/notifications/overview",
        NotificationOverview,
        False,
    ),
    "get_unassigned": ("/unassigned", UnassignedDeviceList, False),
    "get_zfs_pools": ("/zfs/pools", ZFSPool, True),
    "get_zfs_datasets": ("/zfs/datasets", ZFSDataset, True),
    "get_zfs_snapshots": ("/zfs/snapshots", ZFSSnapshot, True),
    "get_zfs_arc": ("/zfs/arc", ZFSARCStats, False),
    "get_docker_updates": ("/docker/updates", ContainerUpdatesResult, False),
    "get_plugin_updates": ("/plugins/check-updates", PluginList, False),
    "get_os_update": ("/os/update", OSUpdateStatus, False),
    "get_mover": ("/mover", MoverStatus, False),
    "get_parity_schedule": ("/array/parity-check/schedule", ParitySchedule, False),
    "get_parity_history": ("/array/parity-check/history", ParityCheckHistory, False),
    "get_flash": ("/system/flash", FlashDriveHealth, False),
    "get_collectors": ("/collectors/status", CollectorsStatus, False),
    "get_disk_thresholds": ("/settings/disk-thresholds", DiskSettingsExtended, False),
    "get_user_scripts": ("/user-scripts", UserScriptInfo, True),
}


def test_every_read_is_listed() -> None:
    """The table covers every ``get_*`` method and every topic endpoint."""
    methods = {name for name in dir(UnraidClient) if name.startswith("get_")}
    composite = {"get_unread_notifications"}  # two reads: tested on its own
    assert methods - {"get_topic", "get_health"} - composite == set(READS)
    assert set(TOPIC_ENDPOINTS.values()) <= {path for path, _, _ in READS.values()}


async def test_unread_notifications(start_agent: StartAgent) -> None:
    """The counts and the unread notifications, without the archive (two requests)."""
    agent = await _fully_collected(start_agent, "home")
    agent.sim.add_notification("Old", archived=True)
    result = await agent.client().get_unread_notifications()
    unread = await agent.raw("/notifications/unread")
    overview = await agent.raw("/notifications/overview")
    assert [n.id for n in result.notifications] == [
        n["id"] for n in unread["notifications"]
    ]
    assert all(n.type == "unread" for n in result.notifications)
    assert_matches(result.overview, overview, "overview")


async def _fully_collected(start_agent: StartAgent, scenario: str) -> Agent:
    """Start a simulator where every collector ran once (staggered ones too)."""
    agent = await start_agent(scenario=scenario)
    agent.sim.advance(61)
    agent.sim.publish("nut_status_update")
    agent.sim.add_notification("Disk 3 is hot", "Temperature", "52 C", "warning")
    return agent


@pytest.mark.parametrize("scenario", ["home", "large"])
async def test_every_read_matches_the_wire(
    start_agent: StartAgent, scenario: str
) -> None:
    """Each typed read returns its model, field for field equal to the agent's JSON."""
    agent = await _fully_collected(start_agent, scenario)
    client = agent.client()
    for method, (path, model, is_list) in READS.items():
        result = await getattr(client, method)()
        raw = await agent.raw(path)
        if is_list:
            assert isinstance(result, tuple), method
            assert all(isinstance(item, model) for item in result), method
        else:
            assert isinstance(result, model), method
        assert_matches(result, raw, method)
    # one typed read per method, one raw read for comparison
    assert len(agent.rest_paths()) == 2 * len(READS)


async def test_home_values(start_agent: StartAgent) -> None:
    """Meaningful values of ``home``: ids, names, nulls, merged update status."""
    agent = await _fully_collected(start_agent, "home")
    sim, client = agent.sim, agent.client()
    state = sim.state

    system = await client.get_system()
    assert system.hostname == "tower" == state.hostname
    assert system.agent_version == state.agent_version
    assert not system.is_placeholder
    assert system.fans is None  # the agent sends "fans": null
    assert system.cpu_per_core_usage is not None
    assert len(system.cpu_per_core_usage) == system.cpu_threads
    assert isinstance(system.timestamp, datetime) and system.timestamp.tzinfo

    containers = await client.get_containers()
    assert [c.id for c in containers] == [c["id"] for c in state.containers]
    assert [c.name for c in containers] == [c["name"] for c in state.containers]
    merged = {c["name"]: c for c in merged_containers(sim)}
    for container in containers:
        assert container.update_status == merged[container.name]["update_status"]
        if container.state != "running":
            # stopped containers are never inspected: null slices
            assert container.port_mappings is None
            assert container.volume_mappings is None
    assert any(c.state != "running" for c in containers)

    disks = await client.get_disks()
    assert {d.id for d in disks} == {d["id"] for d in state.disks}
    with_smart = [d for d in disks if d.smart_attributes]
    assert with_smart
    for disk in with_smart:
        assert disk.smart_attributes is not None
        for key, attribute in disk.smart_attributes.items():
            assert attribute.name == key

    vms = await client.get_vms()
    assert [(v.id, v.name) for v in vms] == [(v["id"], v["name"]) for v in state.vms]

    ups = await client.get_ups()
    assert ups.connected is True and ups.model == state.ups["model"]  # type: ignore[index]

    notifications = await client.get_notifications()
    assert notifications.notifications is not None
    assert "Disk 3 is hot" in {n.title for n in notifications.notifications}
    overview = await client.get_notification_overview()
    assert overview == notifications.overview

    history = await client.get_parity_history()
    assert history.records is not None
    assert len(history.records) == len(state.parity_history)
    assert history.latest is not None
    assert history.latest.date == max(r.date for r in history.records if r.date)

    scripts = await client.get_user_scripts()
    assert [s.name for s in scripts] == [s["name"] for s in state.user_scripts]

    collectors = await client.get_collectors()
    assert collectors.collectors is not None
    assert [c.name for c in collectors.collectors] == list(sim.collectors)

    # Home has no ZFS: the lists are empty, the ARC is the zeroed placeholder.
    assert await client.get_zfs_pools() == ()
    arc = await client.get_zfs_arc()
    assert arc.timestamp is None and arc.size_bytes == 0


async def test_large_values(start_agent: StartAgent) -> None:
    """``large``: 150 containers, byte counts above 2**53 kept exactly, zero times."""
    agent = await _fully_collected(start_agent, "large")
    sim, client = agent.sim, agent.client()

    containers = await client.get_containers()
    assert len(containers) == 150 == len(sim.state.containers)

    pools = await client.get_zfs_pools()
    raw_pools = wire(sim.caches["zfs_pools_update"])
    assert [p.name for p in pools] == [p["name"] for p in raw_pools]
    big = [p for p in pools if p.size_bytes and p.size_bytes > 2**53]
    assert big, "large has a pool above 2**53 bytes"
    zero_times = 0
    for pool, raw in zip(pools, raw_pools, strict=True):
        assert pool.size_bytes == raw["size_bytes"]  # exact, not a float
        assert isinstance(pool.size_bytes, int)
        if raw["scan_start_time"].startswith("0001-01-01"):  # no scrub ran
            assert pool.scan_start_time is None and pool.scan_end_time is None
            zero_times += 1
        else:
            assert pool.scan_start_time == datetime.fromisoformat(
                raw["scan_start_time"]
            )
        assert pool.vdevs and all(v.devices for v in pool.vdevs)
    assert zero_times, "large has a pool that never scrubbed"

    nics = await client.get_network()
    assert len(nics) == 48
    assert any(n.bytes_received and n.bytes_received > 2**53 for n in nics)
    raw_nics = {n["name"]: n for n in wire(sim.caches["network_list_update"])}
    for nic in nics:
        assert nic.bytes_received == raw_nics[nic.name]["bytes_received"]

    assert len(await client.get_vms()) == 20
    assert len(await client.get_gpus()) == 2
    assert len(await client.get_zfs_datasets()) == len(sim.state.zfs_datasets)
    assert len(await client.get_zfs_snapshots()) == len(sim.state.zfs_snapshots)
    arc = await client.get_zfs_arc()
    assert arc.size_bytes == sim.state.zfs_arc["size_bytes"]  # type: ignore[index]


async def test_minimal_has_no_ups_gpu_vm(start_agent: StartAgent) -> None:
    """Sources that never report keep their placeholders or empty lists."""
    agent = await start_agent(scenario="minimal")
    client = agent.client()
    assert await client.get_gpus() == ()
    assert await client.get_vms() == ()
    ups = await client.get_ups()
    assert ups.connected is False and ups.model == ""  # Go zero values


async def test_placeholders_before_first_collection(start_agent: StartAgent) -> None:
    """Before the first collection REST answers the agent's placeholders."""
    agent = await start_agent(scenario="home", collect=False)
    client = agent.client()
    system = await client.get_system()
    assert system.is_placeholder
    assert system.hostname == "unknown" and system.agent_version == ""
    assert system.version == agent.sim.state.agent_version  # quirk: agent version
    assert (await client.get_array()).state == "unknown"
    registration = await client.get_registration()
    assert (registration.type, registration.state) == ("unknown", "invalid")
    assert registration.expiration is None
    assert await client.get_disks() == ()
    assert await client.get_containers() == ()
    updates = await client.get_docker_updates()
    assert updates.containers is None  # "containers": null
    assert updates.timestamp is None  # zero time
    assert updates.total_count == 0
    assert (await client.get_plugin_updates()).timestamp is None
    assert (await client.get_os_update()).status == "unknown"
    unassigned = await client.get_unassigned()
    assert unassigned.devices == () and unassigned.remote_shares == ()
    notes = await client.get_notifications()
    assert notes.notifications == ()
    nut = await client.get_nut()
    assert nut.installed is False and nut.running is False

    agent.sim.advance(0)
    system = await client.get_system()
    assert not system.is_placeholder and system.hostname == "tower"


async def test_plugin_list_holds_only_updates(start_agent: StartAgent) -> None:
    """The agent's plugin check lists only plugins with an update, undated (S3)."""
    agent = await start_agent(scenario="large")
    agent.sim.advance(61)
    listing = await agent.client().get_plugin_updates()
    offered = [p["name"] for p in agent.sim.state.plugins if p["update_available"]]
    assert len(agent.sim.state.plugins) > len(offered) > 0
    assert [p.name for p in listing.plugins or ()] == offered
    assert all(p.update_available for p in listing.plugins or ())
    assert listing.total_count == listing.updates_available == len(offered)
    assert listing.timestamp is None  # Go's zero time
    for plugin in agent.sim.state.plugins:
        plugin["update_available"] = False
    agent.sim.publish("plugin_updates_update")
    empty = await agent.raw("/plugins/check-updates")
    assert empty["plugins"] is None  # a nil slice
    assert (await agent.client().get_plugin_updates()).plugins is None


async def test_disk_thresholds(start_agent: StartAgent) -> None:
    """The global thresholds, and a disk's own (``home``: disk4)."""
    agent = await start_agent(scenario="home")
    client = agent.client()
    thresholds = await client.get_disk_thresholds()
    assert (
        thresholds.hdd_temp_warning_celsius,
        thresholds.hdd_temp_critical_celsius,
        thresholds.ssd_temp_warning_celsius,
        thresholds.ssd_temp_critical_celsius,
    ) == (45, 55, 60, 70)
    disks = {disk.name: disk for disk in await client.get_disks()}
    assert (
        disks["disk4"].temp_warning_celsius,
        disks["disk4"].temp_critical_celsius,
    ) == (
        40,
        50,
    )
    assert disks["disk1"].temp_warning_celsius is None


async def test_health_and_get_topic(agent: Agent) -> None:
    """``get_health`` and ``get_topic`` for every endpoint, parsed like the typed reads."""
    client = agent.client()
    assert await client.get_health() is True
    for topic, path in TOPIC_ENDPOINTS.items():
        parsed: Any = await client.get_topic(topic)
        assert parsed is not None, topic
        assert_matches(parsed, await agent.raw(path), str(topic))
    assert isinstance(await client.get_topic(Topic.SYSTEM), SystemInfo)


async def test_read_of_unexpected_shape(agent: Agent) -> None:
    """A JSON array where an object is expected is an invalid response, not a crash."""
    client = agent.client()
    agent.sim.caches["system_update"] = []
    with pytest.raises(UnraidInvalidResponseError, match="/system"):
        await client.get_system()
    agent.sim.state.user_scripts = {"not": "a list"}  # type: ignore[assignment]
    assert await client.get_user_scripts() == ()


async def test_rest_containers_differ_from_stream(agent: Agent) -> None:
    """REST ``/docker`` carries the update merge; the cache the stream sends does not."""
    agent.sim.advance(61)  # docker_update collector ran
    agent.sim.set_image_update("plex")
    agent.sim.trigger("docker_update")  # its next 6-hourly run, without 6 h of others
    agent.sim.advance(0)
    client = agent.client()
    containers = {c.name: c for c in await client.get_containers()}
    assert containers["plex"].update_status == "update_available"
    assert containers["plex"].update_available is True
    assert containers["plex"].update_checked is not None
    streamed = {c["name"]: c for c in wire(agent.sim.caches["container_list_update"])}
    assert streamed["plex"]["update_status"] == ""
    assert "update_available" not in streamed["plex"]
