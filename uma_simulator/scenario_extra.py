"""Builders for ZFS, Unassigned Devices, flash health, settings, OS update and mover."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .dto import ZERO_TIME, make
from .spec import GIB, TB, ScenarioSpec
from .wire import go_time, go_time_seconds

#: a 10 PB pool: byte counts above 2**53 reach the wire in the large scenario
HUGE_POOL_BYTES = 10_008_500_000_000_000


def _vdev(name: str, kind: str, devices: list[str]) -> dict[str, Any]:
    """Build one ``ZFSVdev`` with its member devices."""
    return make(
        "ZFSVdev",
        name=name,
        type=kind,
        state="ONLINE",
        devices=[
            make(
                "ZFSDevice",
                name=d,
                state="ONLINE",
                physical_path=f"/dev/disk/by-id/ata-{d}",
            )
            for d in devices
        ],
    )


def build_zfs(
    now: datetime, ts: str
) -> tuple[
    list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]
]:
    """Build ZFS pools, datasets, snapshots and ARC statistics."""
    scrub_end = now - timedelta(days=6, hours=3)
    pools = [
        make(
            "ZFSPool",
            name="vault",
            guid="12793034870914312345",
            version="5000",
            health="ONLINE",
            state="ACTIVE",
            size_bytes=HUGE_POOL_BYTES,
            allocated_bytes=HUGE_POOL_BYTES // 5 * 3,
            free_bytes=HUGE_POOL_BYTES // 5 * 2,
            fragmentation_percent=7.0,
            capacity_percent=60.0,
            dedup_ratio=1.0,
            compress_ratio=1.31,
            altroot="-",
            autoexpand=True,
            autotrim="off",
            vdevs=[_vdev("raidz2-0", "raidz2", [f"sd{c}1" for c in "ghijkl"])],
            scan_status="scrub completed",
            scan_state="finished",
            scan_start_time=go_time(scrub_end - timedelta(hours=30)),
            scan_end_time=go_time(scrub_end),
            scan_progress_percent=100.0,
            timestamp=ts,
        ),
        make(
            "ZFSPool",
            name="fast",
            guid="9120377718390021844",
            version="5000",
            health="ONLINE",
            state="ACTIVE",
            size_bytes=4 * TB,
            allocated_bytes=TB,
            free_bytes=3 * TB,
            fragmentation_percent=2.0,
            capacity_percent=25.0,
            dedup_ratio=1.0,
            compress_ratio=1.05,
            autotrim="on",
            vdevs=[_vdev("mirror-0", "mirror", ["nvme4n1p1", "nvme5n1p1"])],
            scan_start_time=ZERO_TIME,
            scan_end_time=ZERO_TIME,
            timestamp=ts,
        ),
    ]
    datasets = []
    for pool, names in (
        ("vault", ("media", "backups", "archive")),
        ("fast", ("appdata", "vms")),
    ):
        datasets.append(
            make(
                "ZFSDataset",
                name=pool,
                type="filesystem",
                used_bytes=3 * TB,
                available_bytes=2 * TB,
                referenced_bytes=GIB,
                compress_ratio=1.2,
                mountpoint=f"/mnt/{pool}",
                compression="lz4",
                timestamp=ts,
            )
        )
        datasets += [
            make(
                "ZFSDataset",
                name=f"{pool}/{n}",
                type="filesystem",
                used_bytes=TB // (i + 1),
                available_bytes=2 * TB,
                referenced_bytes=TB // (i + 1),
                compress_ratio=1.1 + i / 10,
                mountpoint=f"/mnt/{pool}/{n}",
                quota_bytes=0 if i else 8 * TB,
                compression="lz4",
                timestamp=ts,
            )
            for i, n in enumerate(names)
        ]
    snapshots = [
        make(
            "ZFSSnapshot",
            name=f"{d['name']}@daily-{(now - timedelta(days=k)).date().isoformat()}",
            dataset=d["name"],
            used_bytes=(k + 1) * 50 * 1024**2,
            referenced_bytes=d["referenced_bytes"],
            creation_time=go_time_seconds(now - timedelta(days=k, hours=now.hour)),
            timestamp=ts,
        )
        for d in datasets
        if "/" in d["name"]
        for k in range(3)
    ]
    arc = make(
        "ZFSARCStats",
        size_bytes=48 * GIB,
        size_mb=48 * 1024.0,
        target_size_bytes=64 * GIB,
        min_size_bytes=8 * GIB,
        max_size_bytes=64 * GIB,
        usage_percent=75.0,
        hit_ratio_percent=97.2,
        mru_hit_ratio_percent=95.1,
        mfu_hit_ratio_percent=98.4,
        hits=812_334_190,
        misses=23_401_877,
        l2_size_bytes=512 * GIB,
        l2_hits=1_203_442,
        l2_misses=88_120,
        timestamp=ts,
    )
    return pools, datasets, snapshots, arc


def build_unassigned(ts: str) -> dict[str, Any]:
    """Build ``UnassignedDeviceList`` with one USB disk and one SMB remote share."""
    partition = make(
        "UnassignedPartition",
        partition_number=1,
        label="EXT_BACKUP",
        filesystem="exfat",
        mount_point="/mnt/disks/EXT_BACKUP",
        size_bytes=2 * TB,
        used_bytes=TB,
        free_bytes=TB,
        usage_percent=50.0,
        status="mounted",
    )
    return make(
        "UnassignedDeviceList",
        devices=[
            make(
                "UnassignedDevice",
                device="sdz",
                serial_number="NA8TF4JX",
                model="Expansion HDD",
                identification="Seagate_Expansion_HDD_NA8TF4JX",
                partitions=[partition],
                status="mounted",
                spin_state="active",
                temperature_celsius=33.0,
                timestamp=ts,
            )
        ],
        remote_shares=[
            make(
                "UnassignedRemoteShare",
                type="smb",
                source="//backup-nas/archive",
                mount_point="/mnt/remotes/backup-nas_archive",
                status="mounted",
                size_bytes=8 * TB,
                used_bytes=5 * TB,
                free_bytes=3 * TB,
                usage_percent=62.5,
                auto_mount=True,
                smb_server="backup-nas",
                smb_share="archive",
                smb_user="unraid",
                timestamp=ts,
            ),
            make(
                "UnassignedRemoteShare",
                type="nfs",
                source="backup-nas:/export/media",
                mount_point="/mnt/remotes/backup-nas_media",
                status="unmounted",
                nfs_server="backup-nas",
                nfs_export="/export/media",
                nfs_options="soft",
                timestamp=ts,
            ),
        ],
        timestamp=ts,
    )


#: Where Unassigned Devices mounts root shares (``collectors/unassigned.go:237``).
ROOT_SHARE_PREFIX = "/mnt/rootshare/"


def build_root_shares(hostname: str) -> list[dict[str, Any]]:
    """Build the configured UD root shares (one, mounted) of ``hostname``.

    A root share gathers a local Unraid share for export; ``samba_mount.cfg``
    holds it as ``["//server/share"]`` with ``protocol="ROOT"`` and, here, a
    ``mountpoint`` naming the directory under ``/mnt/rootshare/``.
    """
    return [
        {
            "source": f"//{hostname.upper()}/scratch",
            "mountpoint": "scratch",
            "automount": True,
            "read_only": False,
            "mounted": True,
            "size_bytes": 4 * TB,
            "used_bytes": TB,
            "free_bytes": 3 * TB,
        }
    ]


def root_share(config: dict[str, Any], ts: str) -> dict[str, Any]:
    """Return the ``UnassignedRemoteShare`` the agent reports for a root share.

    Mounted, it is the entry parsed from ``/proc/mounts``: its ``source`` is
    the bare name after ``/mnt/rootshare/`` (``unassigned.go:324-333``), which
    mount and unmount refuse; merged with its configuration by mount point,
    it keeps only ``automount`` from it (``unassigned.go:199-215``).
    Unmounted, it is the configured entry: ``source`` is ``//server/share``
    (``unassigned.go:607-635``) and the mount point the expected one
    (``unassigned.go:645-655``).
    """
    name = config["mountpoint"]
    common = {
        "type": "root",
        "mount_point": ROOT_SHARE_PREFIX + name,
        "auto_mount": config["automount"],
        "read_only": config["read_only"],
        "timestamp": ts,
    }
    if config["mounted"]:
        size, used = config["size_bytes"], config["used_bytes"]
        return make(
            "UnassignedRemoteShare",
            common,
            source=name,
            status="mounted",
            size_bytes=size,
            used_bytes=used,
            free_bytes=config["free_bytes"],
            usage_percent=used / size * 100.0 if size else 0.0,
        )
    server, _, share = config["source"].removeprefix("//").partition("/")
    return make(
        "UnassignedRemoteShare",
        common,
        source=config["source"],
        status="unmounted",
        smb_server=server,
        smb_share=share,
    )


def build_flash(ts: str, guid: str) -> dict[str, Any]:
    """Build ``FlashDriveHealth``."""
    return make(
        "FlashDriveHealth",
        device="/dev/sda",
        model="Cruzer Fit",
        vendor="SanDisk",
        guid=guid,
        size_bytes=32_008_830_976,
        used_bytes=1_425_014_784,
        free_bytes=30_583_816_192,
        usage_percent=4.45,
        smart_available=False,
        timestamp=ts,
    )


def build_disk_thresholds(ts: str) -> dict[str, Any]:
    """Build ``DiskSettingsExtended`` (global temperature and utilisation thresholds)."""
    return make(
        "DiskSettingsExtended",
        spindown_delay_minutes=30,
        start_array=True,
        spinup_groups=False,
        shutdown_timeout_seconds=90,
        default_filesystem="xfs",
        hdd_temp_warning_celsius=45,
        hdd_temp_critical_celsius=55,
        ssd_temp_warning_celsius=60,
        ssd_temp_critical_celsius=70,
        warning_utilization_percent=70,
        critical_utilization_percent=90,
        nvme_power_monitoring=False,
        timestamp=ts,
    )


def build_os_update(spec: ScenarioSpec, version: str, ts: str) -> dict[str, Any]:
    """Build ``OSUpdateStatus`` from local files (an update is staged in ``large``)."""
    if spec.name == "large":
        return make(
            "OSUpdateStatus",
            current_version=version,
            latest_version="7.3.2",
            update_available=True,
            status="update_available",
            timestamp=ts,
        )
    return make(
        "OSUpdateStatus",
        current_version=version,
        latest_version=version,
        status="up_to_date",
        timestamp=ts,
    )


def build_mover(now: datetime, ts: str) -> dict[str, Any]:
    """Build an idle ``MoverStatus`` whose last run was this morning."""
    start = (now - timedelta(days=1)).replace(
        hour=3, minute=40, second=0, microsecond=0
    )
    return make(
        "MoverStatus",
        active=False,
        schedule="40 3 * * *",
        last_run_start=go_time_seconds(start, utc=True),
        last_run_finish=go_time_seconds(start + timedelta(minutes=12), utc=True),
        last_run_duration_seconds=720,
        last_run_files_moved=1024,
        last_run_bytes_moved=5 * GIB,
        timestamp=ts,
    )
