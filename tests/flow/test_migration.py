"""Switching from the other integration for this agent (same domain).

The registry below is what ``ruaan-deysel/ha-unraid-management-agent``
(v2026.6.x, with a few keys of its releases before 2026.2) creates for the
simulator's ``home`` server: entry version 1.1 keyed by ``host:port``, data
with ``enable_websocket``, options of its own, unique ids ``{entry_id}_{key}``,
entity ids from its English names, every entity on one server device
identified by the entry id.
"""

from __future__ import annotations

from collections import Counter
import hashlib
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import homeassistant.helpers.device_registry as dr
import homeassistant.helpers.entity_registry as er
import homeassistant.helpers.issue_registry as ir
from homeassistant.util import slugify
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.unraid_management_agent.api import Topic
from custom_components.unraid_management_agent.api.models import (
    ContainerInfo,
    FanInfo,
    SystemInfo,
    VMInfo,
    ZFSPool,
)
from custom_components.unraid_management_agent.config_flow import UnraidConfigFlow
from custom_components.unraid_management_agent.const import DOMAIN
from custom_components.unraid_management_agent.data import UnraidData
from custom_components.unraid_management_agent.migration import (
    ISSUE,
    MINOR_VERSION,
    issue_id,
    translate,
)
from tests.conftest import Agent, setup_entry
from tests.helpers import START
from uma_simulator import Simulator

from .common import GUID, HOSTNAME, STRINGS

THEIR_ENTRY = "01JX3M5T0ZQ8V7K2R4B6N9C1DA"

DISK1 = "ST12000VN0008-2YS101_ZJV6425204"
DISK2 = "TOSHIBA_MG07ACA12TE_JEK5139613"
PARITY = "WDC_WD120EFBX-68B0EN0_JEK5541440"
FLASH = "SanDisk_Cruzer_Fit_4C530001231115116382-0:0"
GPU = "0000:00:02.0"
#: The libvirt id of the ``home`` scenario's Windows 11 VM, and the part of
#: that integration's VM button keys derived from it (md5, first 8 hex).
VM_ID = next(
    vm["id"]
    for vm in Simulator(scenario="home", seed=1, start_time=START).state.vms
    if vm["name"] == "Windows 11"
)
VM_TAG = hashlib.md5(VM_ID.encode()).hexdigest()[:8]
ARCHIVE = "//backup-nas/archive"

#: (platform, their key, their English name, our unique id after the GUID, or
#: None when nothing of ours means the same or we give this server none).
REGISTRY: tuple[tuple[str, str, str, str | None], ...] = (
    ("sensor", "cpu_usage", "CPU Usage", "cpu_usage"),
    ("sensor", "ram_usage", "RAM Usage", "ram_usage"),
    ("sensor", "cpu_temperature", "CPU Temperature", "cpu_temperature"),
    ("sensor", "motherboard_temperature", "Motherboard Temperature", "motherboard_temperature"),
    ("sensor", "cpu_power", "CPU Power", "cpu_power"),
    ("sensor", "dram_power", "DRAM Power", "dram_power"),
    ("sensor", "uptime", "Uptime", "boot_time"),
    ("sensor", "chipset_temperature", "Chipset Temperature", None),
    ("sensor", "cpu_governor", "CPU Governor", None),
    ("sensor", "cpu_frequency", "CPU Frequency", None),
    ("sensor", "swap_usage", "Swap Usage", None),  # ours: only with swap
    ("sensor", "swappiness", "Swappiness", None),
    ("sensor", "system_status", "System Status", None),
    ("sensor", "array_usage", "Array Usage", "array_usage"),
    ("sensor", "parity_progress", "Parity Check Progress", "parity_check_progress"),
    ("sensor", "ups_battery", "UPS Battery", "ups_ups_battery"),
    ("sensor", "ups_load", "UPS Load", "ups_ups_load"),
    ("sensor", "ups_runtime", "UPS Runtime", "ups_ups_runtime"),
    ("sensor", "ups_power", "UPS Power", "ups_ups_power"),
    ("sensor", "ups_energy", "UPS Energy", "ups_ups_energy"),
    ("sensor", "flash_usage", "Flash Usage", "flash_usage"),
    ("sensor", "flash_free_space", "Flash Free Space", None),
    ("sensor", "plugins", "Installed Plugins", None),
    ("sensor", "latest_version", "Unraid Version", None),
    ("sensor", "plugins_with_updates", "Plugins With Updates", None),
    ("sensor", "next_parity_check", "Next Parity Check", "next_parity_check"),
    ("sensor", "last_parity_check", "Last Parity Check", "last_parity_check"),
    ("sensor", "notifications", "Notifications", None),
    ("sensor", "docker_vdisk_usage", "Docker vDisk Usage", "docker_vdisk_usage"),
    ("sensor", "log_filesystem_usage", "Log Filesystem Usage", "log_usage"),
    ("sensor", "docker_cpu_usage", "Docker CPU Usage", None),
    ("sensor", "docker_memory_usage", "Docker Memory Usage", None),
    ("sensor", "registration_type", "Registration Type", "registration"),
    ("sensor", "registration_state", "Registration State", None),
    ("sensor", "notifications_unread_info", "Notifications Unread Info", "unread_info"),
    ("sensor", "notifications_unread_warning", "Notifications Unread Warning", "unread_warning"),
    ("sensor", "notifications_unread_alert", "Notifications Unread Alert", "unread_alert"),
    ("sensor", "diagnostics_degraded_subsystems", "Diagnostics Degraded Subsystems", None),
    ("sensor", "docker_port_conflicts", "Docker Port Conflicts", None),
    ("sensor", "network_eth0_rx", "Network ETH0 RX", "nic_eth0_rx"),
    ("sensor", "network_eth0_tx", "Network ETH0 TX", "nic_eth0_tx"),
    ("sensor", f"disk_{DISK1}_usage", "Disk disk1 Usage", f"disk_{DISK1}_usage"),
    ("sensor", f"disk_{DISK1}_health", "Disk disk1 Health", None),
    ("sensor", f"disk_{DISK1}_temperature", "Disk disk1 Temperature", f"disk_{DISK1}_temperature"),
    ("sensor", f"disk_{DISK1}_smart_errors", "Disk disk1 SMART Errors", None),
    ("sensor", f"disk_{DISK1}_read_bytes", "Disk disk1 Read", f"disk_{DISK1}_read"),
    ("sensor", f"disk_{DISK1}_write_bytes", "Disk disk1 Write", f"disk_{DISK1}_written"),
    ("sensor", f"disk_{PARITY}_temperature", "Disk parity Temperature", f"disk_{PARITY}_temperature"),
    ("sensor", f"disk_{FLASH}_usage", "Disk flash Usage", None),  # no disk of ours
    # Before 2026.2 disk ids were lower-cased.
    ("sensor", f"disk_{DISK2.lower()}_usage", "Disk disk2 Usage", f"disk_{DISK2}_usage"),
    ("sensor", "share_appdata_usage", "Share appdata Usage", "share_appdata_usage"),
    ("sensor", "gpu_0_utilization", "GPU Intel UHD Graphics 770 Utilization", f"gpu_{GPU}_utilization"),
    ("sensor", "gpu_0_temperature", "GPU Intel UHD Graphics 770 Temperature", None),
    ("sensor", "gpu_0_power", "GPU Intel UHD Graphics 770 Power", f"gpu_{GPU}_power"),
    ("sensor", "gpu_0_energy", "GPU Intel UHD Graphics 770 Energy", None),
    ("sensor", "container_plex_cpu", "plex CPU", "container_plex_cpu"),
    ("sensor", "container_plex_memory", "plex Memory", "container_plex_memory"),
    ("sensor", "container_plex_memory_percent", "plex Memory %", "container_plex_memory_percent"),
    ("sensor", "container_plex_restart_count", "plex Restart Count", None),
    ("sensor", "container_plex_network_rx_rate", "plex Network RX", "container_plex_network_rx"),
    ("sensor", "container_plex_network_tx_rate", "plex Network TX", "container_plex_network_tx"),
    ("sensor", "container_nginx_proxy_manager_cpu", "nginx-proxy-manager CPU", "container_nginx-proxy-manager_cpu"),
    ("sensor", "unassigned_device_sdz_size", "Unassigned Device sdz Size", None),
    ("sensor", "remote_share_backup_nas_archive_usage", "Remote Share archive Usage", f"remote_{ARCHIVE}_usage"),
    ("binary_sensor", "array_started", "Array Started", None),
    ("binary_sensor", "parity_check_running", "Parity Check Running", None),
    ("binary_sensor", "parity_valid", "Parity Valid", "parity"),
    ("binary_sensor", "ups_connected", "UPS Connected", None),
    ("binary_sensor", "update_available", "Update Available", None),
    ("binary_sensor", "flash_healthy", "Flash Healthy", None),
    ("binary_sensor", "mover_running", "Mover Running", "mover"),
    ("binary_sensor", "parity_check_scheduled", "Parity Check Scheduled", None),
    ("binary_sensor", "container_updates_available", "Container Updates Available", None),
    ("binary_sensor", "network_eth0", "Network eth0", "nic_eth0_link"),
    ("binary_sensor", "network_eth2", "Network eth2", "nic_eth2_link"),
    ("binary_sensor", "network_service_smb", "SMB Service", None),
    ("binary_sensor", "unassigned_device_sdz_mounted", "Unassigned Device sdz Mounted", "ud_NA8TF4JX_mounted"),
    ("binary_sensor", "remote_share_backup_nas_archive_mounted", "Remote Share archive Mounted", f"remote_{ARCHIVE}_mounted"),
    ("binary_sensor", "remote_share_scratch_mounted", "Remote Share scratch Mounted", "remote_/mnt/rootshare/scratch_mounted"),
    ("switch", "container_plex_d5e070", "Container plex", "container_plex_running"),
    ("switch", "container_plex_d5e070_autostart", "Container plex Autostart", None),
    ("switch", "container_nginx_proxy_manager_176b6d", "Container nginx-proxy-manager", "container_nginx-proxy-manager_running"),
    ("switch", f"vm_{VM_ID}", "VM Windows 11", "vm_Windows 11_running"),
    ("switch", "disk_disk1_spin", "Disk disk1 Spin", None),
    ("switch", "remote_share_backup_nas_archive_mount", "Remote Share archive", f"remote_{ARCHIVE}_mount"),
    ("switch", "remote_share_scratch_mount", "Remote Share scratch", None),  # ours: not mountable
    ("button", "array_start", "Start Array", "array_start"),
    # The same button of a release before 2026.2, left in the registry.
    ("button", "array_start_button", "Array Start Button", None),
    ("button", "array_stop", "Stop Array", "array_stop"),
    ("button", "array_clear_disk_stats", "Clear Array Disk Stats", None),
    ("button", "parity_check_start", "Start Parity Check", "parity_check_start"),
    ("button", "parity_check_stop_button", "Stop Parity Check", "parity_check_stop"),
    ("button", "parity_check_pause", "Pause Parity Check", "parity_check_pause"),
    ("button", "parity_check_resume", "Resume Parity Check", "parity_check_resume"),
    ("button", "archive_all_notifications", "Archive All Notifications", None),
    ("button", "system_shutdown", "Shutdown System", "shutdown"),
    ("button", "system_reboot", "Reboot System", "reboot"),
    ("button", "user_script_backup_appdata", "User Script backup_appdata", None),
    ("button", "container_plex_restart", "Restart plex", "container_plex_restart"),
    ("button", f"vm_windows_11_{VM_TAG}_force_stop", "Force Stop Windows 11", "vm_Windows 11_force_stop"),
    ("button", f"vm_windows_11_{VM_TAG}_pause", "Pause Windows 11", "vm_Windows 11_pause"),
    ("button", f"vm_windows_11_{VM_TAG}_reset", "Reset Windows 11", None),
    ("number", "fan_speed_hwmon4_fan1", "Fan fan1 Speed", None),
    ("event", "notification_event", "Notification", "notification"),
)  # fmt: skip

#: Units their sensors had where ours report another (HA converts to these).
THEIR_UNITS = {"ups_runtime": "min", "network_eth0_rx": "kbit/s"}


def _entity_id(platform: str, name: str) -> str:
    return f"{platform}.{slugify(f'{HOSTNAME} {name}')}"


async def _their_entry(
    hass: HomeAssistant, agent: Agent
) -> tuple[MockConfigEntry, dict[str, str]]:
    """Add their entry, device and entities (their key → entity id)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=THEIR_ENTRY,
        version=1,
        minor_version=1,
        title=f"Unraid ({HOSTNAME})",
        unique_id=f"127.0.0.1:{agent.port}",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: agent.port, "enable_websocket": True},
        options={"enable_websocket": True, "enable_fan_control": True},
    )
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=HOSTNAME,
        manufacturer="Lime Technology",
        model="Unraid 7.3.1",
    )
    dr.async_get(hass).async_update_device(device.id, name_by_user="Basement NAS")
    registry = er.async_get(hass)
    entity_ids: dict[str, str] = {}
    for platform, key, name, _ours in REGISTRY:
        made = registry.async_get_or_create(
            platform,
            DOMAIN,
            f"{entry.entry_id}_{key}",
            config_entry=entry,
            device_id=device.id,
            suggested_object_id=_entity_id(platform, name).partition(".")[2],
            unit_of_measurement=THEIR_UNITS.get(key),
        )
        entity_ids[key] = made.entity_id
    return entry, entity_ids


async def test_their_entry_is_taken_over(hass: HomeAssistant, agent: Agent) -> None:
    """Their entry loads as ours: same entity ids, our unique ids, the rest listed."""
    entry, entity_ids = await _their_entry(hass, agent)
    devices = dr.async_get(hass)
    device = devices.async_get_device(identifiers={(DOMAIN, THEIR_ENTRY)})
    assert device is not None
    await setup_entry(hass, entry)

    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (1, MINOR_VERSION)
    assert entry.unique_id == GUID
    assert entry.data == {
        CONF_HOST: "127.0.0.1",
        CONF_PORT: agent.port,
        "use_ssl": False,
        "verify_ssl": True,
    }
    assert entry.options == {}

    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, entry.entry_id)
    # Nothing of theirs is left, nothing is doubled.
    assert all(item.unique_id.startswith(f"{GUID}_") for item in entries)
    # (Their "Memory %" was already ``…_memory_2``: HA drops the "%".)
    new = {item.entity_id for item in entries} - set(entity_ids.values())
    assert not [entity_id for entity_id in new if entity_id.endswith("_2")]
    counts = Counter((item.domain, item.unique_id) for item in entries)
    assert set(counts.values()) == {1}

    removed = []
    for _platform, key, _name, ours in REGISTRY:
        entity_id = entity_ids[key]
        item = registry.async_get(entity_id)
        if ours is None:
            assert item is None, entity_id
            removed.append(entity_id)
            continue
        assert item is not None, entity_id
        assert item.unique_id == f"{GUID}_{ours}", entity_id
        state = hass.states.get(entity_id)
        assert state is not None, entity_id
        assert not state.attributes.get("restored"), entity_id  # ours, live
    # Ours report seconds and bytes/s; the entities keep showing their units.
    for key, unit in THEIR_UNITS.items():
        state = hass.states.get(entity_ids[key])
        assert state is not None
        assert state.attributes["unit_of_measurement"] == unit, key
    cpu = hass.states.get(entity_ids["cpu_usage"])
    assert cpu is not None
    assert float(cpu.state) >= 0

    # Their server device is ours now, with the user's name.
    moved = devices.async_get(device.id)
    assert moved is not None
    assert moved.identifiers == {(DOMAIN, GUID)}
    assert moved.name_by_user == "Basement NAS"
    assert devices.async_get_device(identifiers={(DOMAIN, THEIR_ENTRY)}) is None

    # One issue lists what was removed.
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry.entry_id))
    assert issue is not None
    assert issue.translation_key == ISSUE
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_placeholders is not None
    listed = issue.translation_placeholders["entities"].splitlines()
    assert listed == sorted(f"- `{entity_id}`" for entity_id in removed)
    assert issue.translation_placeholders["server"] == entry.title
    strings = STRINGS["issues"][ISSUE]
    assert "{entities}" in strings["description"]
    assert "{server}" in strings["title"]

    # A restart changes nothing more.
    before = {item.entity_id: item.unique_id for item in entries}
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    after = er.async_entries_for_config_entry(registry, entry.entry_id)
    assert {item.entity_id: item.unique_id for item in after} == before

    # Removing the entry takes the issue with it.
    await hass.config_entries.async_remove(entry.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry.entry_id)) is None


async def test_collector_off_still_matches(hass: HomeAssistant, agent: Agent) -> None:
    """With the docker collector off, the agent's last container list still counts."""
    agent.sim.set_collector_enabled("docker", False)
    entry, entity_ids = await _their_entry(hass, agent)
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    switch = registry.async_get(entity_ids["container_plex_d5e070"])
    assert switch is not None
    assert switch.unique_id == f"{GUID}_container_plex_running"
    assert registry.async_get(entity_ids["container_plex_d5e070_autostart"]) is None
    entries = er.async_entries_for_config_entry(registry, entry.entry_id)
    new = {item.entity_id for item in entries} - set(entity_ids.values())
    assert not [entity_id for entity_id in new if entity_id.endswith("_2")]


async def test_our_old_entry_is_only_bumped(
    hass: HomeAssistant, agent: Agent, server_entry: MockConfigEntry
) -> None:
    """An entry of ours from before 1.2 keeps its data; nothing is removed."""
    assert server_entry.minor_version == 1
    data = dict(server_entry.data)
    await setup_entry(hass, server_entry)
    assert server_entry.state is ConfigEntryState.LOADED
    assert server_entry.minor_version == MINOR_VERSION
    assert dict(server_entry.data) == data
    assert not ir.async_get(hass).async_get_issue(
        DOMAIN, issue_id(server_entry.entry_id)
    )
    assert UnraidConfigFlow.MINOR_VERSION == MINOR_VERSION


async def test_entry_of_a_newer_version_is_refused(
    hass: HomeAssistant, agent: Agent
) -> None:
    """An entry written by a later major version is not loaded (no downgrade)."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=GUID, version=2, data=agent.entry_data()
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


def _data(**lists: dict[str, Any]) -> UnraidData:
    data = UnraidData()
    data.objects[Topic.SYSTEM] = SystemInfo(
        fans=(
            FanInfo(name="hwmon4_fan1", rpm=900),
            FanInfo(name="it8688/fan3", rpm=700),
            FanInfo(name="CPU Fan", rpm=1000),
        )
    )
    for topic, items in lists.items():
        data.lists[Topic(topic)] = items
    return data


@pytest.mark.parametrize(
    ("platform", "key", "expected"),
    [
        ("sensor", "fan_fan1", ("fan_hwmon4_fan1_speed", 0)),
        ("sensor", "fan_fan3", ("fan_it8688/fan3_speed", 0)),
        ("sensor", "fan_cpu_fan", ("fan_CPU Fan_speed", 0)),
        ("sensor", "zfs_tank pool_usage", ("zfs_tank pool_usage", 0)),
        ("sensor", "zfs_tank pool_health", ("zfs_tank pool_health", 0)),
        ("sensor", "zfs_pool_tank_pool_usage", ("zfs_tank pool_usage", 1)),
        ("sensor", "zfs_tank pool_corrupted_files", None),
        ("sensor", "zfs_arc_hit_ratio", None),
        # A VM whose id is its name; and the key of releases before 2026.2.
        ("switch", "vm_ubuntu_3d9454", ("vm_Ubuntu_running", 0)),
        ("switch", "vm_switch_Ubuntu", ("vm_Ubuntu_running", 1)),
        ("switch", "container_switch_c0ffee", ("container_db_running", 1)),
        ("button", f"vm_windows_11_{VM_TAG}_restart", None),  # no such VM
    ],
)
def test_translate(platform: str, key: str, expected: tuple[str, int] | None) -> None:
    """Fans by their name without chip, pools by name, old keys with rank 1."""
    data = _data(
        zfs_pools_update={"tank pool": ZFSPool(name="tank pool", health="ONLINE")},
        vm_list_update={"Ubuntu": VMInfo(id="Ubuntu", name="Ubuntu")},
        container_list_update={"db": ContainerInfo(id="c0ffee", name="db")},
    )
    assert translate(platform, key, data, lambda _channel: True) == expected


def test_translate_when_reads_failed() -> None:
    """Server keys stay when their topic failed; unreported items are not matched."""
    data = _data()
    assert translate("sensor", "cpu_usage", data, lambda _c: False) == ("cpu_usage", 0)
    assert translate("sensor", "swap_usage", data, lambda _c: False) == (
        "swap_usage",
        0,
    )
    assert translate("sensor", "swap_usage", data, lambda _c: True) is None
    assert translate("sensor", "container_plex_cpu", data, lambda _c: False) is None
    assert translate("sensor", "chipset_temperature", data, lambda _c: True) is None
