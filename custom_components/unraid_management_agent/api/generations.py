"""What each agent generation pushes and serves: facts read from its source, tag by tag.

The integration reads these tables instead of comparing versions itself.
Versions are the agent's ``agent_version`` (``2026.08.01``); agents before
v2025.11.22 do not report one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import re
from typing import Final, Protocol

from .topics import Topic

type Version = tuple[int, int, int]

_VERSION = re.compile(r"^v?(\d{4})\.(\d{1,2})\.(\d{1,2})")

#: The collector (``/collectors/status`` name) that produces each topic.
COLLECTOR_TOPICS: Final[dict[str, Topic]] = {
    "system": Topic.SYSTEM,
    "array": Topic.ARRAY,
    "disk": Topic.DISKS,
    "shares": Topic.SHARES,
    "docker": Topic.CONTAINERS,
    "vm": Topic.VMS,
    "ups": Topic.UPS,
    "gpu": Topic.GPU,
    "network": Topic.NETWORK,
    "hardware": Topic.HARDWARE,
    "registration": Topic.REGISTRATION,
    "notification": Topic.NOTIFICATIONS,
    "unassigned": Topic.UNASSIGNED,
    "zfs": Topic.ZFS_POOLS,
    "docker_update": Topic.DOCKER_UPDATES,
    "plugin_update": Topic.PLUGIN_UPDATES,
    "os_update": Topic.OS_UPDATE,
    "mover": Topic.MOVER,
}

#: The agent's default collection interval of each topic, in seconds (the
#: plugin's defaults; low-power mode multiplies them by 4). ZFS is off by
#: default and collects every 30 s once enabled.
DEFAULT_INTERVALS: Final[dict[Topic, float]] = {
    Topic.SYSTEM: 15,
    Topic.ARRAY: 60,
    Topic.DISKS: 300,
    Topic.SHARES: 60,
    Topic.CONTAINERS: 30,
    Topic.VMS: 60,
    Topic.UPS: 60,
    Topic.GPU: 60,
    Topic.NETWORK: 60,
    Topic.HARDWARE: 600,
    Topic.REGISTRATION: 600,
    Topic.NOTIFICATIONS: 30,
    Topic.UNASSIGNED: 60,
    Topic.ZFS_POOLS: 30,
    Topic.DOCKER_UPDATES: 21600,
    Topic.PLUGIN_UPDATES: 3600,
    Topic.OS_UPDATE: 86400,
    Topic.MOVER: 30,
}

_CORE: Final = frozenset(
    {
        Topic.SYSTEM,
        Topic.ARRAY,
        Topic.DISKS,
        Topic.SHARES,
        Topic.CONTAINERS,
        Topic.VMS,
        Topic.UPS,
        Topic.GPU,
        Topic.NETWORK,
    }
)
_WITH_HARDWARE: Final = _CORE | {Topic.HARDWARE}
_WITH_NUT: Final = _WITH_HARDWARE | {Topic.NUT, Topic.COLLECTOR_STATE}
_NAMED: Final = _WITH_NUT | {
    Topic.REGISTRATION,
    Topic.NOTIFICATIONS,
    Topic.UNASSIGNED,
    Topic.ZFS_POOLS,
    Topic.ZFS_DATASETS,
    Topic.ZFS_SNAPSHOTS,
    Topic.ZFS_ARC,
}
_ALL: Final = _NAMED | {
    Topic.DOCKER_UPDATES,
    Topic.PLUGIN_UPDATES,
    Topic.OS_UPDATE,
    Topic.MOVER,
    Topic.SOURCE_STATUS,
}


@dataclass(frozen=True, slots=True)
class Generation:
    """One span of agent releases that behave alike."""

    since: Version
    """The first release of the span."""
    label: str
    pushed: frozenset[Topic]
    """Topics the agent broadcasts on the event stream."""
    named_events: bool
    """Frames name their topic; older agents send ``"update"`` for all."""
    live_endpoints: frozenset[Topic] = frozenset()
    """Topics whose REST read runs a slow live check: never read them."""


#: Oldest first. Evidence: the agent's ``broadcastEvents`` topic list and
#: ``event_bindings.go`` at each tag (see ``shared/reference/agent-versions.md``).
GENERATIONS: Final[tuple[Generation, ...]] = (
    Generation((2025, 11, 0), "2025.11.0–2025.11.11", _CORE, named_events=False),
    Generation(
        (2025, 11, 12), "2025.11.12–2025.12", _WITH_HARDWARE, named_events=False
    ),
    Generation((2026, 1, 0), "2026.01–2026.02", _WITH_NUT, named_events=False),
    Generation(
        (2026, 3, 0),
        "2026.03.00–2026.06.00",
        _NAMED,
        named_events=True,
        live_endpoints=frozenset({Topic.DOCKER_UPDATES, Topic.PLUGIN_UPDATES}),
    ),
    Generation((2026, 6, 1), "2026.06.01 and later", _ALL, named_events=True),
)
NEWEST: Final = GENERATIONS[-1]
#: Agents before v2025.11.22 send no ``agent_version``.
UNVERSIONED: Final = GENERATIONS[0]


def parse_version(text: str | None) -> Version | None:
    """Read ``2026.08.01`` (or ``v2025.11.0``) as numbers; None when it is not one."""
    if not text:
        return None
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    year, month, patch = (int(part) for part in match.groups())
    return (year, month, patch)


#: The importances ``POST /notifications`` takes; any other is a 500. The
#: stock ``normal`` from v2026.08.00 (``ValidateNotificationImportance``,
#: ``lib/validation.go``); before, ``CreateNotification`` took only alert,
#: warning and info (``controllers/notification.go``).
IMPORTANCES: Final = ("alert", "warning", "normal", "info")
_NORMAL_IMPORTANCE_SINCE: Final[Version] = (2026, 8, 0)


def accepts_importance(agent_version: str | None, importance: str) -> bool:
    """Tell whether an agent reporting ``agent_version`` takes ``importance``.

    Versions are read as in ``generation_for``.
    """
    if importance not in IMPORTANCES:
        return False
    if importance != "normal":
        return True
    if not agent_version:
        return False
    version = parse_version(agent_version)
    return version is None or version >= _NORMAL_IMPORTANCE_SINCE


class _Span(Protocol):
    @property
    def since(self) -> Version: ...


def _span_for[S: _Span](spans: Sequence[S], agent_version: str | None) -> S:
    """Return the span (oldest first) an agent reporting ``agent_version`` is in.

    No version at all means an agent older than v2025.11.22 (the oldest
    span); a version in another format (a development build) is taken for
    the newest.
    """
    if not agent_version:
        return spans[0]
    version = parse_version(agent_version)
    if version is None:
        return spans[-1]
    found = spans[0]
    for span in spans:
        if version >= span.since:
            found = span
    return found


def generation_for(agent_version: str | None) -> Generation:
    """Return the generation of an agent reporting ``agent_version``."""
    return _span_for(GENERATIONS, agent_version)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """The request limit of a span of agent releases, and the pace kept under it.

    The client's pace leaves a margin under the agent's limit for network
    jitter; under a bucket shared by every client it takes half, leaving
    the other half to the agent's web UI and other clients.
    """

    since: Version
    label: str
    agent: tuple[float, int] | None
    """Requests per second and burst the agent allows (None: no limit)."""
    shared: bool
    """One bucket for every client of the agent (its web UI too), not one per IP."""
    pace: tuple[float, int]
    """Requests per second and burst the client allows itself."""


#: Oldest first. Evidence: the agent's rate-limit middleware at each tag
#: (``daemon/services/api/middleware.go``; ``shared/reference/agent-versions.md``
#: section 4). A seed is about 23 requests: it fits the pace's burst except
#: under the shared bucket, where it takes about 2.5 s.
RATE_LIMITS: Final[tuple[RateLimit, ...]] = (
    RateLimit((0, 0, 0), "before 2026.04.01", None, shared=False, pace=(40.0, 80)),
    RateLimit(
        (2026, 4, 1),
        "2026.04.01–2026.06.03",
        (10.0, 20),
        shared=True,
        pace=(5.0, 10),
    ),
    RateLimit(
        (2026, 6, 4),
        "2026.06.04 and later",
        (50.0, 100),
        shared=False,
        pace=(40.0, 80),
    ),
)
#: The pace until the agent's version is known (the first requests of a
#: setup): the gentlest of all.
FIRST_PACE: Final = min(limit.pace for limit in RATE_LIMITS)


def rate_limit_for(agent_version: str | None) -> RateLimit:
    """Return the request limit of an agent reporting ``agent_version``."""
    return _span_for(RATE_LIMITS, agent_version)
