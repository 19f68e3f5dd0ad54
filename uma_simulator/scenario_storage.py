"""Builders for the storage side of a scenario: disks, array, shares, parity, ZFS, flash."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from typing import Any

from .dto import make
from .spec import GIB, TB, ScenarioSpec
from .wire import go_time

_HDD_MODELS = ("WDC_WD120EFBX-68B0EN0", "ST12000VN0008-2YS101", "TOSHIBA_MG07ACA12TE")
_NVME_MODEL = "Samsung_SSD_980_PRO_2TB"


def disk_role(name: str, disk_id: str) -> str:
    """Reproduce the agent's substring heuristic for ``DiskInfo.role``."""
    text = f"{name} {disk_id}".lower()
    for needle, role in (
        ("parity2", "parity2"),
        ("parity", "parity"),
        ("cache", "cache"),
        ("pool", "pool"),
        ("disk", "data"),
    ):
        if needle in text:
            return role
    return "unknown"


def _smart(rng: Random, hours: int) -> dict[str, Any]:
    """Return a small SMART attribute map keyed by attribute name."""
    rows = (
        (5, "Reallocated_Sector_Ct", 100, 100, 5, "0"),
        (9, "Power_On_Hours", 97, 97, 0, str(hours)),
        (194, "Temperature_Celsius", 65, 52, 0, str(rng.randint(30, 38))),
        (197, "Current_Pending_Sector", 100, 100, 0, "0"),
    )
    return {
        name: make(
            "SMARTAttribute",
            id=i,
            name=name,
            value=v,
            worst=w,
            threshold=t,
            raw_value=raw,
        )
        for i, name, v, w, t, raw in rows
    }


def _hdd(
    spec_slot: str, index: int, spec: ScenarioSpec, rng: Random, ts: str
) -> dict[str, Any]:
    """Build one array hard disk (parity or data slot)."""
    model = _HDD_MODELS[index % len(_HDD_MODELS)]
    serial = f"{'ZJV' if 'ST' in model else 'JEK'}{rng.randrange(10**6, 10**7)}"
    size = spec.disk_size
    is_parity = spec_slot.startswith("parity")
    used = 0 if is_parity else int(size * rng.uniform(0.35, 0.85))
    hours = rng.randint(8_000, 40_000)
    values: dict[str, Any] = {
        "id": f"{model}_{serial}",
        "device": _device_name(index + 1),
        "name": spec_slot,
        "status": "DISK_OK",
        "size_bytes": size,
        "used_bytes": used,
        "free_bytes": 0 if is_parity else size - used,
        "temperature_celsius": float(rng.randint(31, 38)),
        "smart_status": "PASSED",
        "spindown_delay": 30,
        "filesystem": "" if is_parity else "xfs",
        "serial_number": serial,
        "model": model.replace("_", " "),
        "spin_state": "active",
        "smart_attributes": _smart(rng, hours),
        "power_on_hours": hours,
        "power_cycle_count": rng.randint(20, 200),
        "read_bytes": rng.randrange(10**12, 10**14),
        "write_bytes": rng.randrange(10**11, 10**13),
        "read_ops": rng.randrange(10**6, 10**8),
        "write_ops": rng.randrange(10**5, 10**7),
        "timestamp": ts,
    }
    values["role"] = disk_role(spec_slot, values["id"])
    for slot, warning, critical in spec.temp_limits:
        if slot == spec_slot:
            values["temp_warning_celsius"] = warning
            values["temp_critical_celsius"] = critical
    if not is_parity:
        values["mount_point"] = f"/mnt/{spec_slot}"
        values["usage_percent"] = round(used / size * 100, 2)
    return make("DiskInfo", values)


def _device_name(index: int) -> str:
    """Return ``sda``, ``sdb``, … ``sdz``, ``sdaa``, … for a 0-based index."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return f"sd{letters}"


def build_disks(
    spec: ScenarioSpec, rng: Random, ts: str
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Build ``/disks``: flash, parity, data, pool devices and the two pseudo-disks."""
    disks: list[dict[str, Any]] = [
        make(
            "DiskInfo",
            id="SanDisk_Cruzer_Fit_4C530001231115116382-0:0",
            device="sda",
            name="flash",
            status="DISK_OK",
            size_bytes=32_008_830_976,
            used_bytes=1_425_014_784,
            free_bytes=30_583_816_192,
            smart_status="UNKNOWN",
            filesystem="vfat",
            serial_number="4C530001231115116382",
            model="SanDisk Cruzer Fit",
            role="unknown",
            spin_state="active",
            mount_point="/boot",
            usage_percent=4.45,
            timestamp=ts,
        )
    ]
    slots = [f"parity{i + 1}" if i else "parity" for i in range(spec.parity_disks)]
    slots += [f"disk{i + 1}" for i in range(spec.data_disks)]
    for index, slot in enumerate(slots):
        disks.append(_hdd(slot, index, spec, rng, ts))
    nvme = 0
    for pool, count in spec.pools:
        for member in range(count):
            size = 2 * TB
            used = int(size * rng.uniform(0.2, 0.6))
            serial = f"S6B0NL0T{rng.randrange(10**5, 10**6)}"
            slot = pool if member == 0 else f"{pool}{member + 1}"
            disk_id = f"{_NVME_MODEL}_{serial}"
            disks.append(
                make(
                    "DiskInfo",
                    id=disk_id,
                    device=f"nvme{nvme}n1",
                    name=slot,
                    status="DISK_OK",
                    size_bytes=size,
                    used_bytes=used,
                    free_bytes=size - used,
                    temperature_celsius=float(rng.randint(38, 48)),
                    smart_status="PASSED",
                    filesystem="btrfs",
                    serial_number=serial,
                    model=_NVME_MODEL.replace("_", " "),
                    role=disk_role(slot, disk_id),
                    spin_state="active",
                    power_on_hours=rng.randint(2_000, 20_000),
                    power_cycle_count=rng.randint(20, 200),
                    mount_point=f"/mnt/{pool}",
                    usage_percent=round(used / size * 100, 2),
                    timestamp=ts,
                )
            )
            nvme += 1
    disks.append(
        make(
            "DiskInfo",
            id="docker_vdisk",
            device="/mnt/cache/system/docker/docker.img",
            name="Docker vDisk",
            status="DISK_OK",
            size_bytes=64 * GIB,
            used_bytes=23 * GIB,
            free_bytes=41 * GIB,
            filesystem="btrfs",
            role="docker_vdisk",
            mount_point="/var/lib/docker",
            usage_percent=35.94,
            timestamp=ts,
        )
    )
    disks.append(
        make(
            "DiskInfo",
            id="log_filesystem",
            device="tmpfs",
            name="Log",
            status="DISK_OK",
            size_bytes=128 * 1024**2,
            used_bytes=3_145_728,
            free_bytes=131_072_000,
            filesystem="tmpfs",
            role="log",
            mount_point="/var/log",
            usage_percent=2.34,
            timestamp=ts,
        )
    )
    base = {
        d["id"]: float(d["temperature_celsius"])
        for d in disks
        if d["temperature_celsius"]
    }
    return disks, base


def build_array(
    spec: ScenarioSpec, disks: list[dict[str, Any]], ts: str
) -> dict[str, Any]:
    """Build ``ArrayStatus`` for a started array with valid parity."""
    data = [d for d in disks if d.get("role") == "data"]
    total = sum(d["size_bytes"] for d in data)
    free = sum(d["free_bytes"] for d in data)
    return make(
        "ArrayStatus",
        state="STARTED",
        used_percent=round((total - free) / total * 100, 2) if total else 0.0,
        free_bytes=free,
        total_bytes=total,
        parity_valid=spec.parity_disks > 0,
        parity_check_status="",
        parity_check_progress=0.0,
        num_disks=spec.parity_disks + spec.data_disks,
        num_data_disks=spec.data_disks,
        num_parity_disks=spec.parity_disks,
        timestamp=ts,
    )


_SHARES = (
    ("appdata", "Application data", "only", "cache", "cache", "", ""),
    ("domains", "Saved VM instances", "prefer", "cache", "cache", "", ""),
    ("isos", "ISO images", "yes", "cache+array", "cache", "", "cache->array"),
    ("system", "System data", "prefer", "cache", "cache", "", ""),
    (
        "media",
        "Movies, TV and music",
        "yes",
        "cache+array",
        "cache",
        "",
        "cache->array",
    ),
    ("backups", "", "no", "array", "", "", ""),
)


#: How the data of the array (and of each pool) is spread over the shares
#: kept there: a share's weight among those on the same storage.
_SHARE_WEIGHTS = {
    "media": 70,
    "backups": 20,
    "isos": 4,
    "appdata": 60,
    "system": 25,
    "domains": 15,
}


def _pool_space(disks: list[dict[str, Any]], pool: str) -> tuple[int, int]:
    """Return (used, free) of a pool: its devices mirror each other (btrfs raid1)."""
    devices = [
        d
        for d in disks
        if d.get("role") == "cache"
        and str(d.get("name", "")).rstrip("0123456789") == pool
    ]
    if not devices:
        return 0, 0
    return (
        max(int(d.get("used_bytes", 0)) for d in devices),
        min(int(d.get("free_bytes", 0)) for d in devices),
    )


def build_shares(
    spec: ScenarioSpec,
    array: dict[str, Any],
    disks: list[dict[str, Any]],
    ts: str,
) -> list[dict[str, Any]]:
    """Build the user shares as Unraid's shares.ini has them (bytes: KiB × 1024).

    A share's free space is that of where it writes: its pool for a pool-only
    share, the array otherwise; its total is used + free (shares.ini has no
    size). The shares on the array hold what the array holds, those on a pool
    what the pool holds, so no share shows more than its storage.
    """
    rows = []
    count = len(_SHARES) + (12 if spec.name == "large" else 0)
    for i in range(count):
        if i < len(_SHARES):
            rows.append(_SHARES[i])
        else:
            rows.append(
                (
                    f"project_{i:02d}",
                    "",
                    "yes",
                    "cache+array",
                    "fastpool",
                    "",
                    "fastpool->array",
                )
            )
    array_free = int(array.get("free_bytes") or 0)
    array_used = max(0, int(array.get("total_bytes") or 0) - array_free)
    on_array = [row for row in rows if row[3] != "cache"]
    array_weight = sum(_SHARE_WEIGHTS.get(row[0], 1) for row in on_array)
    shares = []
    for name, comment, use_cache, storage, pool, pool2, mover in rows:
        weight = _SHARE_WEIGHTS.get(name, 1)
        if storage == "cache":
            pool_used, free = _pool_space(disks, pool)
            pool_rows = [r for r in rows if r[3] == "cache" and r[4] == pool]
            pool_weight = sum(_SHARE_WEIGHTS.get(r[0], 1) for r in pool_rows) or 1
            used = pool_used * weight // pool_weight
        else:
            free = array_free
            used = array_used * weight // (array_weight or 1)
        total = used + free
        shares.append(
            make(
                "ShareInfo",
                name=name,
                path=f"/mnt/user/{name}",
                used_bytes=used,
                free_bytes=free,
                total_bytes=total,
                usage_percent=round(used / total * 100, 2) if total else 0.0,
                comment=comment,
                smb_export=name not in ("system", "domains"),
                nfs_export=name == "media",
                storage=storage,
                use_cache=use_cache,
                security="private" if name != "isos" else "public",
                cache_pool=pool,
                cache_pool2=pool2,
                mover_action=mover,
                timestamp=ts,
            )
        )
    return shares


def build_parity(
    spec: ScenarioSpec, now: datetime, ts: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Build the parity schedule and a few past parity-check records."""
    schedule = make(
        "ParitySchedule",
        mode="monthly",
        day=0,
        hour=2,
        day_of_month=1,
        month=1,
        frequency=1,
        duration_hours=0,
        cumulative=True,
        correcting=False,
        cron="0 2 1 * *",
        check_cron="0 2 1 * *",
        timestamp=ts,
    )
    size = spec.disk_size
    action = "Dual Parity-Check" if spec.parity_disks > 1 else "Parity-Check"
    records = []
    for months, seconds, status, errors in (
        (3, 86_340, "OK", 0),
        (2, 3_604, "Canceled", 0),
        (1, 85_911, "OK", 0),
    ):
        records.append(
            make(
                "ParityCheckRecord",
                action=action,
                date=go_time(now - timedelta(days=30 * months, hours=-2)),
                duration_seconds=seconds,
                speed_mbps=round(size / seconds / 1e6, 1),
                status=status,
                errors=errors,
                size_bytes=size,
            )
        )
    return schedule, records
