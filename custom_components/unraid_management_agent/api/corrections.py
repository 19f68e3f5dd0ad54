"""Value bugs of older agents, and how to undo them: a table keyed by the fixing release.

Each correction names the topic, the release that fixed the bug, and what
to do to an item sent by an agent before it. Agents too old to report a
version (before v2025.11.22) get every correction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Final

from .generations import Version, parse_version
from .models import DiskInfo, ShareInfo
from .topics import Topic

_KIB: Final = 1024


@dataclass(frozen=True, slots=True)
class Correction:
    """One value bug of older agents."""

    topic: Topic
    fixed_in: Version
    fix: Callable[[Any], Any]
    """Returns the corrected item (a new model; models are frozen)."""
    note: str


def _disk_size(disk: DiskInfo) -> DiskInfo:
    if disk.size_bytes is None:
        return disk
    return replace(disk, size_bytes=disk.size_bytes * 2)


def _disk_io(disk: DiskInfo) -> DiskInfo:
    if disk.io_utilization_percent is None:
        return disk
    return replace(disk, io_utilization_percent=None)


def _share_sizes(share: ShareInfo) -> ShareInfo:
    def kib(value: int | None) -> int | None:
        return None if value is None else value * _KIB

    return replace(
        share,
        used_bytes=kib(share.used_bytes),
        free_bytes=kib(share.free_bytes),
        total_bytes=kib(share.total_bytes),
    )


#: Evidence: the agent's CHANGELOG and collectors at the tags named
#: (``shared/reference/agent-versions.md``, row B4).
CORRECTIONS: Final[tuple[Correction, ...]] = (
    Correction(
        Topic.DISKS,
        (2026, 3, 0),
        _disk_size,
        "disk size_bytes was half the real size (sectors x 512)",
    ),
    Correction(
        Topic.DISKS,
        (2026, 3, 1),
        _disk_io,
        "io_utilization_percent was I/O ticks / 10, not a percentage: dropped",
    ),
    Correction(
        Topic.SHARES,
        (2026, 3, 4),
        _share_sizes,
        "share sizes were KiB labelled as bytes",
    ),
)


def corrections_for(agent_version: str | None) -> tuple[Correction, ...]:
    """Return the corrections an agent reporting ``agent_version`` needs.

    No version: an agent older than v2025.11.22, which needs them all. A
    version in another format (a development build) needs none.
    """
    if not agent_version:
        return CORRECTIONS
    version = parse_version(agent_version)
    if version is None:
        return ()
    return tuple(fix for fix in CORRECTIONS if version < fix.fixed_in)


#: Per topic, the items last corrected: ``id(item) -> (item, corrected)``.
type Corrected = dict[Topic, dict[int, tuple[Any, Any]]]


def correct(
    topic: Topic,
    payload: Any,
    corrections: tuple[Correction, ...],
    done: Corrected | None = None,
) -> Any:
    """Apply the corrections of ``topic`` to a parsed payload (a tuple of items).

    With ``done`` (kept by the caller for one agent's corrections), an item
    that is the very model corrected last time gets the same corrected
    model again, so that unchanged items stay the same objects.
    """
    fixes = [fix.fix for fix in corrections if fix.topic is topic]
    if not fixes or not isinstance(payload, tuple):
        return payload
    last = done.get(topic, {}) if done is not None else {}
    now: dict[int, tuple[Any, Any]] = {}
    items = []
    for item in payload:
        seen = last.get(id(item))
        if seen is not None and seen[0] is item:
            fixed = seen[1]
        else:
            fixed = item
            for fix in fixes:
                fixed = fix(fixed)
        now[id(item)] = (item, fixed)
        items.append(fixed)
    if done is not None:
        done[topic] = now
    return tuple(items)
