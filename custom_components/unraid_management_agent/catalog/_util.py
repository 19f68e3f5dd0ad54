"""Small value helpers shared by the catalog modules."""

from __future__ import annotations

from datetime import datetime
import re
from typing import Any

from ..cron import next_run
from ..data import UnraidData

ARRAY_STATES = {
    "STARTED": "started",
    "STOPPED": "stopped",
    "STARTING": "starting",
    "STOPPING": "stopping",
    "NEW_ARRAY": "new_array",
    "RECON_DISK": "reconstructing",
    "DISABLE_DISK": "disabled_disk",
    "SWAP_DSBL": "swap_disabled",
}
ARRAY_STATE_OPTIONS = [*dict.fromkeys(ARRAY_STATES.values()), "error", "other"]

PARITY_STATES = {
    "": "idle",
    "running": "running",
    "paused": "paused",
    "clearing": "clearing",
    "reconstructing": "reconstructing",
}
PARITY_STATE_OPTIONS = [*PARITY_STATES.values(), "other"]

_PHYSICAL_NIC = re.compile(r"^(eth|en|wl|bond)")
_VIRTUAL_NIC = re.compile(
    r"^(docker|veth|virbr|vnet|br-|tun|tap|shim|vhost|macvtap|wg)"
)


def positive(value: float | None) -> float | None:
    """Return the value, or None where the agent's 0 means "no reading"."""
    return value or None


def array_state(raw: str | None) -> str | None:
    """Map the array's raw ``mdState`` to the sensor's options."""
    if raw is None or raw.lower() == "unknown":
        return None
    if raw.startswith("ERROR"):
        return "error"
    return ARRAY_STATES.get(raw.upper(), "other")


def parity_state(raw: str | None) -> str | None:
    """Map ``parity_check_status`` (idle is the empty string) to the options."""
    if raw is None:
        return None
    return PARITY_STATES.get(raw, "other")


def used_bytes(total: int | None, free: int | None) -> int | None:
    """Return used space from total and free (None if either is unknown)."""
    if total is None or free is None:
        return None
    return max(0, total - free)


def next_parity_check(data: UnraidData) -> datetime | None:
    """Return the next scheduled parity check, in the server's own offset."""
    schedule = data.parity_schedule
    if schedule is None or schedule.mode in (None, "manual", "disabled"):
        return None
    expression = schedule.check_cron or schedule.cron
    if not expression:
        return None
    system = data.system
    now = system.timestamp if system is not None and system.timestamp else None
    if now is None:
        return None
    return next_run(expression, now)


def nic_enabled_by_default(name: str, item: Any) -> bool:
    """Physical interfaces (and a bridge carrying the IP) on; virtual ones off."""
    if _PHYSICAL_NIC.match(name):
        return True
    return bool(getattr(item, "ip_address", None)) and not _VIRTUAL_NIC.match(name)


def slug(value: str) -> str:
    """Lower-case an agent's enum-like value for an enum sensor."""
    return value.strip().lower().replace(" ", "_")
