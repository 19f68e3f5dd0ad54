"""Fault injection, switchable at run time from tests."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
from typing import TYPE_CHECKING, Literal

from .dto import make
from .hub import OP_BINARY, OP_TEXT
from .wire import go_json, go_time, go_time_seconds

if TYPE_CHECKING:
    from .simulator import Simulator

type RestMode = (
    Literal["404", "429", "429-hour", "500", "error200", "empty200", "slow", "never"]
    | None
)
REST_MODES = ("404", "429", "429-hour", "500", "error200", "empty200", "slow", "never")
GARBAGE_KINDS = ("non_json", "not_envelope", "unknown_topic", "oversized", "binary")
#: size of the ``oversized`` garbage frame (over the usual 4 MiB client limit)
OVERSIZED_BYTES = 4 * 1024 * 1024 + 4096


class Faults:
    """Switches that make the simulated agent misbehave.

    * :meth:`drop_websockets` closes every WebSocket abruptly (TCP abort, no Close frame).
    * :attr:`stall`: while true, no event is sent (events published meanwhile are
      lost) while pings and pongs go on, as when a collector or the agent's hub stops
      while the connection lives.
    * :attr:`muted`: topics whose frames are not sent (a single collector stuck);
      their REST caches stay current.
    * :meth:`send_nonfinite` sends a frame with a number Go could never encode.
    * :meth:`send_garbage` writes one bad frame to every WebSocket client.
    * :attr:`rest_mode` (all REST routes) or :meth:`set_rest_mode` (a path prefix):
      ``None`` normal, ``"404"`` plain ``404 page not found`` (a route older agents
      lack), ``"429"`` plain ``Too Many Requests``, ``"429-hour"`` the same with
      ``Retry-After: 3600`` (a proxy), ``"500"`` plain ``Internal Server Error``,
      ``"error200"`` status 200 with ``{"error": …}``, ``"empty200"`` status 200 with
      no body (the agent's marshal failure), ``"slow"`` answer after
      :attr:`slow_seconds` of wall
      time, ``"never"`` accept and never answer until the fault is cleared (the
      request then proceeds) or the server shuts down (the connection is dropped).
    * :meth:`restart` behaves like an agent/server restart.
    * :attr:`refuse_websockets`: while true, WebSocket upgrades are dropped without an
      answer (REST keeps working), e.g. a proxy in front of the agent that breaks them.
    * :attr:`websocket_status`: when set (e.g. ``429``), WebSocket upgrades are answered
      with that status and the plain-text reason, as net/http would.
    * :attr:`failing_scripts`: user scripts that exit with status 1; run with
      ``wait`` they answer 500 with their output (in the background the agent
      only says they started).
    """

    def __init__(self, sim: Simulator) -> None:
        """Create the fault switches of ``sim`` (all off)."""
        self._sim = sim
        self.stall = False
        self.muted: set[str] = set()
        self.refuse_websockets = False
        self.websocket_status: int | None = None
        self.failing_scripts: set[str] = set()
        self.slow_seconds = 2.0
        self._modes: dict[str, RestMode] = {}
        self._release = asyncio.Event()
        #: set by ``POST /system/shutdown``: every connection is dropped until restart()
        self.offline = False

    # ------------------------------------------------------------------ REST
    @property
    def rest_mode(self) -> RestMode:
        """The fault applied to every REST route (``None`` when normal)."""
        return self._modes.get("", None)

    @rest_mode.setter
    def rest_mode(self, mode: RestMode) -> None:
        """Apply ``mode`` to every REST route."""
        self.set_rest_mode(mode)

    def set_rest_mode(self, mode: RestMode, prefix: str = "") -> None:
        """Apply ``mode`` to REST paths starting with ``prefix`` (``""`` = all).

        ``prefix`` is a full path such as ``/api/v1/docker``. Clearing a mode wakes
        up requests held by ``"never"``.
        """
        if mode is not None and mode not in REST_MODES:
            raise ValueError(f"unknown REST fault mode {mode!r}")
        if mode is None:
            self._modes.pop(prefix, None)
        else:
            self._modes[prefix] = mode
        self.wake()

    def clear(self) -> None:
        """Switch every fault off."""
        self._modes.clear()
        self.stall = False
        self.muted.clear()
        self.refuse_websockets = False
        self.websocket_status = None
        self.failing_scripts.clear()
        self.offline = False
        self.wake()

    def mode_for(self, path: str) -> RestMode:
        """Return the fault for ``path``: the longest matching prefix wins."""
        best: tuple[int, RestMode] = (-1, None)
        for prefix, mode in self._modes.items():
            if path.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), mode)
        return best[1]

    def wake(self) -> None:
        """Release every request waiting in ``"never"`` mode so it re-checks."""
        self._release.set()
        self._release = asyncio.Event()

    async def hold(self, path: str) -> None:
        """Wait while ``path`` is in ``"never"`` mode (or the server shuts down)."""
        while self.mode_for(path) == "never" and not self._sim.shutting_down:
            await self._release.wait()

    # ------------------------------------------------------------------ WebSocket
    def drop_websockets(self) -> None:
        """Abort every WebSocket connection without a Close handshake."""
        self._sim.hub.close_all(graceful=False)

    def send_garbage(self, kind: str) -> None:
        """Send one malformed frame of ``kind`` (see :data:`GARBAGE_KINDS`) to all clients."""
        sim = self._sim
        stamp = go_time(sim.now)
        if kind == "non_json":
            sim.hub.send_raw(OP_TEXT, b'{"event": "system_update", "data": {not json')
        elif kind == "not_envelope":
            sim.hub.send_raw(OP_TEXT, b'{"hello":"world","value":[1,2,3]}')
        elif kind == "unknown_topic":
            sim.hub.send_raw(
                OP_TEXT,
                go_json(
                    {
                        "event": "flux_capacitor_update",
                        "timestamp": stamp,
                        "data": {"gigawatts": 1.21},
                    }
                )[:-1],
            )
        elif kind == "oversized":
            padding = "x" * OVERSIZED_BYTES
            sim.hub.send_raw(
                OP_TEXT,
                json.dumps(
                    {
                        "event": "system_update",
                        "timestamp": stamp,
                        "data": {"padding": padding},
                    }
                ).encode(),
            )
        elif kind == "binary":
            sim.hub.send_raw(OP_BINARY, bytes(range(256)))
        else:
            raise ValueError(
                f"unknown garbage kind {kind!r}; choose from {GARBAGE_KINDS}"
            )

    def send_nonfinite(self, topic: str = "system_update", **fields: str) -> None:
        """Send a frame of ``topic`` whose fields hold raw JSON-ish text.

        ``fields`` maps a field name to its literal text, e.g.
        ``cpu_usage_percent="Infinity"`` or ``uptime_seconds="1e308"``; the other
        fields are the topic's current cache (for a list topic, the first item
        gets the fields), so the frame classifies normally.
        """
        sim = self._sim
        cache = sim.caches.get(topic)
        marker = {name: f"@@{name}@@" for name in fields}
        data: object
        if isinstance(cache, list) and cache:  # a list topic: its first item
            data = [cache[0] | marker, *cache[1:]]
        else:
            data = (dict(cache) if isinstance(cache, dict) else {}) | marker
        event = "update" if sim.legacy else topic  # as the generation names its frames
        text = json.dumps({"event": event, "timestamp": go_time(sim.now), "data": data})
        for name, literal in fields.items():
            text = text.replace(f'"@@{name}@@"', literal)
        sim.hub.send_raw(OP_TEXT, text.encode())

    def flood_archive(self, count: int) -> None:
        """Add ``count`` archived notifications, one a minute back in time.

        The agent sends the whole archive in every ``notifications_update``
        (about 350 bytes each, no cap): 12,000 of them pass 4 MiB.
        """
        sim = self._sim
        for number in range(count):
            moment = sim.now.replace(microsecond=0) - timedelta(minutes=number + 1)
            sim.state.notifications.append(
                make(
                    "Notification",
                    id=f"Flood_{number}_{int(moment.timestamp())}.notify",
                    title=f"Old notice {number}",
                    subject="Archived long ago",
                    description="Filling the archive like years of alerts do.",
                    importance=("normal", "warning", "alert")[number % 3],
                    timestamp=go_time(moment, utc=True),
                    formatted_timestamp=go_time_seconds(moment, utc=True),
                    type="archive",
                )
            )

    def restart(self) -> None:
        """Restart the simulated agent (see :meth:`Simulator.restart`)."""
        self._sim.restart()
