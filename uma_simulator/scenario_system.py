"""Builders for system, hardware, network, GPU, UPS, fans, tuning and notifications."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from typing import Any

from .dto import make
from .spec import GIB, ScenarioSpec
from .wire import go_time, go_time_seconds

CPU_MODEL = "13th Gen Intel(R) Core(TM) i5-13500"


def build_system(
    spec: ScenarioSpec, version: str, agent: str, ts: str
) -> dict[str, Any]:
    """Build the static part of ``SystemInfo``; the collector fills in live metrics."""
    cores = max(spec.cpu_threads // 2, 1)
    return make(
        "SystemInfo",
        hostname=spec.hostname,
        version=version,
        agent_version=agent,
        cpu_model=CPU_MODEL
        if spec.cpu_threads <= 20
        else "AMD EPYC 9354P 32-Core Processor",
        cpu_cores=cores,
        cpu_threads=spec.cpu_threads,
        cpu_mhz=2500.0,
        cpu_temp_celsius=42.0,
        cpu_power_watts=35.5 if spec.cpu_threads <= 20 else None,
        dram_power_watts=4.2 if spec.cpu_threads <= 20 else None,
        ram_total_bytes=spec.ram_bytes,
        swap_total_bytes=0,
        swappiness=60,
        server_model="ASUSTeK COMPUTER INC. PRIME B760M-A",
        bios_version="1820",
        bios_date="03/15/2025",
        motherboard_temp_celsius=36.0,
        hvm_enabled=True,
        iommu_enabled=True,
        openssl_version="3.5.2",
        kernel_version="6.12.24-Unraid",
        cpu_power_state=make(
            "CPUPowerState",
            governor="powersave",
            available_governors=["performance", "powersave"],
            driver="intel_pstate",
            min_freq_mhz=800,
            max_freq_mhz=4800,
            current_freq_mhz=2500,
        ),
        temperatures=[
            make(
                "TemperatureReading",
                name="coretemp_Package_id_0",
                value_celsius=42.0,
                sensor_type="cpu",
                source="coretemp",
            ),
            make(
                "TemperatureReading",
                name="nct6798_SYSTIN",
                value_celsius=36.0,
                sensor_type="motherboard",
                source="nct6798",
            ),
            make(
                "TemperatureReading",
                name="nct6798_PCH_CHIP_TEMP",
                value_celsius=48.0,
                sensor_type="chipset",
                source="nct6798",
            ),
        ],
        ram_total_mb=float(spec.ram_bytes // 1024**2),
        fans=[
            make("FanInfo", name="CPU Fan", rpm=980),
            make("FanInfo", name="Chassis Fan 1", rpm=720),
        ]
        if spec.system_fans
        else None,
        timestamp=ts,
    )


def build_hardware(spec: ScenarioSpec, ts: str) -> dict[str, Any]:
    """Build ``HardwareInfo`` (dmidecode view)."""
    dimms = 2 if spec.ram_bytes <= 64 * GIB else 8
    size_gb = spec.ram_bytes // GIB // dimms
    return make(
        "HardwareInfo",
        bios=make(
            "BIOSInfo",
            vendor="American Megatrends Inc.",
            version="1820",
            release_date="03/15/2025",
            address="0xF0000",
            runtime_size="64 kB",
            rom_size="32 MB",
            characteristics=["PCI is supported", "UEFI is supported"],
            revision="5.27",
        ),
        baseboard=make(
            "BaseboardInfo",
            manufacturer="ASUSTeK COMPUTER INC.",
            product_name="PRIME B760M-A",
            version="Rev 1.xx",
            serial_number="230412345678901",
            asset_tag="Default string",
            features=["Board is a hosting board", "Board is replaceable"],
            location_in_chassis="Default string",
            type="Motherboard",
        ),
        chassis=make(
            "ChassisInfo",
            manufacturer="Default string",
            type="Desktop",
            version="Default string",
            serial_number="Default string",
            asset_tag="Default string",
        ),
        cpu=make(
            "CPUHardwareInfo",
            socket_designation="LGA1700",
            family="Core i5",
            manufacturer="Intel(R) Corporation",
            signature="Type 0, Family 6, Model 191, Stepping 2",
            flags=["FPU", "VME", "PSE"],
            voltage="1.1 V",
            external_clock_mhz=100,
            max_speed_mhz=4800,
            current_speed_mhz=2500,
            status="Populated, Enabled",
            upgrade="Socket LGA1700",
            core_enabled=max(spec.cpu_threads // 2, 1),
            thread_count=spec.cpu_threads,
        ),
        cache=[
            make(
                "CPUCacheInfo",
                level=1,
                socket_designation="L1 Cache",
                configuration="Enabled, Not Socketed, Level 1",
                operational_mode="Write Back",
                location="Internal",
                installed_size="1 MB",
                maximum_size="1 MB",
                error_correction_type="Parity",
                system_type="Unified",
                associativity="12-way Set-associative",
            ),
            make(
                "CPUCacheInfo",
                level=2,
                socket_designation="L2 Cache",
                installed_size="11.5 MB",
                maximum_size="11.5 MB",
            ),
            make(
                "CPUCacheInfo",
                level=3,
                socket_designation="L3 Cache",
                installed_size="24 MB",
                maximum_size="24 MB",
            ),
        ],
        memory_array=make(
            "MemoryArrayInfo",
            location="System Board Or Motherboard",
            use="System Memory",
            error_correction_type="None",
            maximum_capacity="192 GB",
            number_of_devices=dimms,
        ),
        memory_devices=[
            make(
                "MemoryDeviceInfo",
                locator=f"DIMM_{i}",
                bank_locator=f"BANK {i}",
                size=f"{size_gb} GB",
                form_factor="DIMM",
                type="DDR5",
                type_detail="Synchronous",
                speed="4800 MT/s",
                manufacturer="Kingston",
                serial_number=f"{0x1A2B3C00 + i:08X}",
                part_number="KF548C38-16",
                rank=1,
                configured_speed="4800 MT/s",
                minimum_voltage="1.1 V",
                maximum_voltage="1.1 V",
                configured_voltage="1.1 V",
                data_width=64,
                total_width=64,
            )
            for i in range(dimms)
        ],
        tpm=make("TPMInfo", present=True, version="2.0", manufacturer="INTC"),
        boot=make("BootInfo", device_type="usb", device="sda1", filesystem="vfat"),
        timestamp=ts,
    )


_ETHTOOL = {
    "supported_ports": ["TP"],
    "supported_link_modes": [
        "10baseT/Full",
        "100baseT/Full",
        "1000baseT/Full",
        "2500baseT/Full",
    ],
    "supported_pause_frame": "Symmetric",
    "supports_auto_negotiation": True,
    "advertised_link_modes": [
        "10baseT/Full",
        "100baseT/Full",
        "1000baseT/Full",
        "2500baseT/Full",
    ],
    "advertised_pause_frame": "Symmetric",
    "advertised_auto_negotiation": True,
    "auto_negotiation": "on",
    "port": "Twisted Pair",
    "transceiver": "internal",
    "mdix": "auto",
    "supports_wake_on": ["p", "u", "m", "g"],
    "wake_on": "g",
    "message_level": "0x00000007",
}


def build_network(spec: ScenarioSpec, rng: Random, ts: str) -> list[dict[str, Any]]:
    """Build every interface of ``/proc/net/dev`` except ``lo``."""
    out = []

    def add(
        name: str, state: str, speed: int, ip: str, physical: bool, huge: bool = False
    ) -> None:
        received = rng.randrange(10**9, 10**13) + (2**53 if huge else 0)
        values: dict[str, Any] = {
            "name": name,
            "mac_address": ":".join(f"{rng.randrange(256):02x}" for _ in range(6)),
            "ip_address": ip,
            "speed_mbps": speed,
            "state": state,
            "bytes_received": received if state == "up" else 0,
            "bytes_sent": received // 3 if state == "up" else 0,
            "packets_received": received // 900 if state == "up" else 0,
            "packets_sent": received // 2700 if state == "up" else 0,
            "timestamp": ts,
        }
        if physical:
            values.update(_ETHTOOL)
            values.update(
                duplex="Full" if state == "up" else "Unknown! (255)",
                link_detected=state == "up",
                mtu=1500,
            )
        out.append(make("NetworkInfo", values))

    for i, (name, state, speed) in enumerate(spec.physical_nics):
        add(name, state, speed, "", True, huge=spec.name == "large" and i == 2)
    add("br0", "up", 0, "192.168.1.20", False)
    add("docker0", "up", 0, "172.17.0.1", False)
    add("virbr0", "down", 0, "192.168.122.1", False)
    for _ in range(spec.veth):
        add(f"veth{rng.getrandbits(28):07x}", "up", 10000, "", False)
    for i in range(spec.extra_interfaces):
        add(f"br0.{10 + i}", "up", 0, f"10.{i}.0.20", False)
    while spec.name == "large" and len(out) < 48:
        add(f"tap{len(out)}", "up", 10, "", False)
    return out


def build_gpus(spec: ScenarioSpec, ts: str) -> list[dict[str, Any]]:
    """Build ``GPUMetrics`` in the agent's Intel → NVIDIA → AMD order."""
    gpus = []
    for index, vendor in enumerate(spec.gpus):
        if vendor == "intel":
            gpus.append(
                make(
                    "GPUMetrics",
                    available=True,
                    index=index,
                    pci_id="0000:00:02.0",
                    vendor="intel",
                    name="Intel UHD Graphics 770",
                    driver_version="i915",
                    cpu_temperature_celsius=42.0,
                    utilization_gpu_percent=3.2,
                    power_draw_watts=1.8,
                    timestamp=ts,
                )
            )
        else:
            gpus.append(
                make(
                    "GPUMetrics",
                    available=True,
                    index=index,
                    pci_id="0000:01:00.0",
                    vendor="nvidia",
                    uuid="GPU-5f2e9a7c-1b3d-4e8f-9a0b-c1d2e3f4a5b6",
                    name="NVIDIA GeForce RTX 4060",
                    driver_version="570.172.08",
                    temperature_celsius=41.0,
                    utilization_gpu_percent=12.0,
                    utilization_memory_percent=8.0,
                    memory_total_bytes=8 * GIB,
                    memory_used_bytes=GIB,
                    power_draw_watts=24.5,
                    fan_speed_percent=30.0,
                    timestamp=ts,
                )
            )
    return gpus


def build_ups(ts: str) -> dict[str, Any]:
    """Build an APC UPS as ``apcaccess`` reports it."""
    return make(
        "UPSStatus",
        connected=True,
        status="ONLINE",
        load_percent=18.0,
        battery_charge_percent=100.0,
        runtime_left_seconds=2880,
        power_watts=162.0,
        nominal_power_watts=900.0,
        model="Back-UPS XS 1500G",
        timestamp=ts,
    )


def build_fans(ts: str) -> dict[str, Any]:
    """Build ``FanControlStatus`` with two hwmon fans and the built-in profiles."""
    curves = {
        "quiet": ((30, 20), (50, 35), (70, 70)),
        "balanced": ((30, 30), (50, 50), (70, 90)),
        "performance": ((30, 50), (50, 75), (70, 100)),
    }
    return make(
        "FanControlStatus",
        fans=[
            make(
                "FanDevice",
                id="hwmon2_fan1",
                name="CPU Fan",
                rpm=980,
                pwm_value=110,
                pwm_percent=43,
                mode="automatic",
                controllable=True,
                hwmon_path="/sys/class/hwmon/hwmon2",
                hwmon_index=1,
            ),
            make(
                "FanDevice",
                id="hwmon2_fan2",
                name="Chassis Fan 1",
                rpm=720,
                pwm_value=90,
                pwm_percent=35,
                mode="automatic",
                controllable=True,
                hwmon_path="/sys/class/hwmon/hwmon2",
                hwmon_index=2,
            ),
        ],
        profiles=[
            make(
                "FanProfile",
                name=name,
                description=f"{name.title()} built-in curve",
                curve_points=[
                    make("FanCurvePoint", temp_celsius=float(t), speed_percent=s)
                    for t, s in points
                ],
                built_in=True,
            )
            for name, points in curves.items()
        ],
        config=make(
            "FanControlConfig",
            enabled=True,
            control_enabled=False,
            control_method="hwmon",
            poll_interval_seconds=5,
            safety=make(
                "FanSafetyConfig",
                min_speed_percent=20,
                critical_temp_celsius=90.0,
                failure_rpm_threshold=100,
            ),
        ),
        summary=make("FanControlSummary", total_fans=2, controllable_fans=2),
        timestamp=ts,
    )


def build_tuning(ts: str) -> dict[str, Any]:
    """Build ``TuningInfo``."""
    offload = make(
        "NICOffloadInfo",
        rx_checksumming="on",
        tx_checksumming="on",
        scatter_gather="on",
        tcp_segmentation_offload="on",
        generic_segmentation_offload="on",
        generic_receive_offload="on",
        large_receive_offload="off",
        rx_vlan_offload="on",
        tx_vlan_offload="on",
    )
    return make(
        "TuningInfo",
        turbo_boost=make(
            "TurboBoostInfo", available=True, enabled=True, vendor="intel"
        ),
        disk_cache=make(
            "DiskCacheInfo",
            dirty_background_ratio=10,
            dirty_ratio=20,
            dirty_writeback_centisecs=500,
            dirty_expire_centisecs=3000,
        ),
        inotify=make(
            "InotifyInfo",
            max_user_watches=524288,
            max_user_instances=128,
            max_queued_events=16384,
        ),
        nic_offloads={"eth0": offload},
        nic_ring_buffers={
            "eth0": make(
                "NICRingBufferInfo",
                rx_max=4096,
                rx_current=256,
                tx_max=4096,
                tx_current=256,
            )
        },
        timestamp=ts,
    )


def server_guid(seed: int) -> str:
    """Return the GUID of the simulated server: one USB flash drive per seed."""
    return f"0781-5583-8355-{0x81071A2B3C4D + seed - 1:012X}"


def build_registration(
    spec: ScenarioSpec, now: datetime, ts: str, guid: str
) -> dict[str, Any]:
    """Build ``Registration``; ``regTm`` (a past registration time) yields ``expired``."""
    registered = go_time(now - timedelta(days=900, hours=3, minutes=17))
    return make(
        "Registration",
        type="pro" if spec.name != "minimal" else "basic",
        state="expired",
        expiration=registered,
        update_expiration=registered,
        server_name=spec.hostname,
        guid=guid,
        timestamp=ts,
    )


_NOTES = (
    (
        "Unraid Status",
        "Parity check finished (0 errors)",
        "Duration: 23 hours, 59 minutes",
        "normal",
    ),
    ("Docker Update", "Container update available", "sonarr has an update", "info"),
    ("Unraid array alert", "Disk 3 temperature", "Disk 3 is hot (52 C)", "warning"),
    ("UPS Alert", "Power failure", "Running on battery", "alert"),
    ("Unraid Status", "Array started", "", "normal"),
    (
        "Community Applications",
        "Plugin update",
        "community.applications 2026.09.01",
        "info",
    ),
    ("Fix Common Problems", "Warnings found", "1 warning", "warning"),
    ("Unraid Status", "Mover finished", "", "normal"),
)


def build_notifications(spec: ScenarioSpec, now: datetime) -> list[dict[str, Any]]:
    """Build notifications: unread first then archived, each group newest first."""
    items = []
    for i in range(spec.notifications):
        title, subject, desc, importance = _NOTES[i % len(_NOTES)]
        moment = (now - timedelta(hours=5 * i + 1)).replace(microsecond=0)
        file_title = title.replace(" ", "_")
        unread = i % 3 != 2
        items.append(
            make(
                "Notification",
                id=f"{file_title}_{int(moment.timestamp())}.notify",
                title=title,
                subject=subject,
                description=desc,
                importance=importance,
                link="/Dashboard" if unread and i % 2 == 0 else "",
                timestamp=go_time(moment, utc=True),
                formatted_timestamp=go_time_seconds(moment, utc=True),
                type="unread" if unread else "archive",
            )
        )
    return [n for n in items if n["type"] == "unread"] + [
        n for n in items if n["type"] == "archive"
    ]
