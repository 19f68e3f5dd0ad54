"""WebSocket hub: per-client topic filters, send buffers, pings and eviction.

Frames are written straight to each connection's transport so that a broadcast is a
synchronous operation (like the agent's non-blocking channel send): a client whose
socket accepts data gets the frame at once; a client whose socket is congested gets
it queued, and once 256 frames are queued the next broadcast evicts it (the queued
frames are still flushed, followed by an empty Close frame, as gorilla does).
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
import json
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .wire import go_json, go_time

if TYPE_CHECKING:
    from .simulator import Simulator

BUFFER_SIZE = 256
MAX_INBOUND = 64 * 1024
PING_INTERVAL = 30.0
READ_DEADLINE = 60.0
#: event-loop turns a client gets to answer a ping before it can be dropped:
#: a loopback round trip takes a few; counting turns, not wall time, keeps
#: a busy machine from dropping a client that had no chance to answer
PONG_GRACE_TURNS = 20
#: transport write-buffer size above which a connection counts as congested
CONGESTED = 64 * 1024

OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def ws_frame(opcode: int, payload: bytes = b"") -> bytes:
    """Encode one unmasked, final server-to-client WebSocket frame."""
    size = len(payload)
    head = bytes([0x80 | opcode])
    if size < 126:
        head += bytes([size])
    elif size < 65536:
        head += bytes([126]) + size.to_bytes(2, "big")
    else:
        head += bytes([127]) + size.to_bytes(8, "big")
    return head + payload


@dataclass(eq=False)
class WSClient:
    """One connected WebSocket client."""

    ws: web.WebSocketResponse
    transport: asyncio.Transport
    connected_at: float
    topics: set[str] | None = None
    pending: deque[bytes] = field(default_factory=deque)
    flusher: asyncio.Task[None] | None = None
    evicted: bool = False
    closed: bool = False
    deadline_base: float = 0.0
    next_ping: float = 0.0
    #: (advance call number, loop turn) of the oldest unanswered ping
    unanswered: tuple[int, int] | None = None
    #: text messages received (and handled) from the client
    texts: int = 0

    def wants(self, event: str) -> bool:
        """Tell whether the client's subscription filter lets ``event`` through."""
        return self.topics is None or event in self.topics


class Hub:
    """All WebSocket clients of one simulator."""

    def __init__(self, sim: Simulator) -> None:
        """Create an empty hub bound to ``sim``."""
        self._sim = sim
        self.clients: list[WSClient] = []
        self.advance_calls = 0
        #: data frames written or queued to clients, and clients ever accepted
        self.frames_sent = 0
        self.connections = 0
        #: event-loop turns counted while a ping is unanswered
        self.turns = 0
        self._counting = False
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ sending
    def broadcast(self, event: str, data: Any, *, forced: bool = False) -> None:
        """Send one event envelope to every client whose filter accepts it.

        Events the agent's generation does not push are dropped, unless
        ``forced`` (a test injecting an arbitrary frame).
        """
        sim = self._sim
        if sim.faults.stall or event in sim.faults.muted:
            return
        pushed = sim.profile.pushes(
            "collector_state_change" if event == "update" else event
        )
        if not (pushed or forced):
            return
        name = "update" if sim.legacy else event
        frame = ws_frame(
            OP_TEXT,
            go_json({"event": name, "timestamp": go_time(sim.now), "data": data})[:-1],
        )
        for client in list(self.clients):
            if sim.legacy or client.wants(name):
                self.frames_sent += 1
                self._send(client, frame)

    def send_raw(self, opcode: int, payload: bytes) -> None:
        """Write one frame to every client regardless of filters (fault injection)."""
        for client in list(self.clients):
            self._send(client, ws_frame(opcode, payload))

    def _send(self, client: WSClient, frame: bytes) -> None:
        """Write or queue ``frame`` for ``client``; evict it when its buffer is full."""
        if client.closed or client.evicted:
            return
        if not client.pending and not self._congested(client):
            client.transport.write(frame)
            return
        if len(client.pending) >= BUFFER_SIZE:
            self._evict(client)
            return
        client.pending.append(frame)
        self._ensure_flusher(client)

    @staticmethod
    def _congested(client: WSClient) -> bool:
        """Tell whether the client's socket is backed up."""
        return client.transport.get_write_buffer_size() > CONGESTED

    def _ensure_flusher(self, client: WSClient) -> None:
        """Start the task that drains ``client.pending`` as the socket frees up."""
        if client.flusher is None or client.flusher.done():
            client.flusher = asyncio.get_running_loop().create_task(self._flush(client))

    async def _flush(self, client: WSClient) -> None:
        """Write queued frames whenever the transport has room."""
        while client.pending and not client.closed:
            if self._congested(client):
                await asyncio.sleep(0.005)
                continue
            client.transport.write(client.pending.popleft())
        if client.evicted and not client.closed:
            self._close(client, graceful=True)

    def _evict(self, client: WSClient) -> None:
        """Drop a slow client: flush what is queued, then an empty Close frame."""
        client.evicted = True
        self._remove(client)
        self._ensure_flusher(client)

    # ------------------------------------------------------------------ closing
    def _remove(self, client: WSClient) -> None:
        """Forget ``client`` (it no longer counts or receives events)."""
        if client in self.clients:
            self.clients.remove(client)

    def _close(self, client: WSClient, *, graceful: bool) -> None:
        """Close the connection, with an empty Close frame or abruptly."""
        self._remove(client)
        if client.closed:
            return
        client.closed = True
        if graceful:
            client.transport.write(ws_frame(OP_CLOSE))
            client.transport.close()
        else:
            client.transport.abort()

    def close_all(self, *, graceful: bool) -> None:
        """Close every connection (restart: Close frame; network drop: abort)."""
        for client in list(self.clients):
            self._close(client, graceful=graceful)

    # ------------------------------------------------------------------ keepalive
    def tick(self) -> None:
        """Send due pings and drop clients whose read deadline passed."""
        sim = self._sim
        now = sim.elapsed
        for client in list(self.clients):
            expired = now >= client.deadline_base + READ_DEADLINE / 1
            if expired and client.unanswered is not None:
                call, turn = client.unanswered
                if call < self.advance_calls and self.turns - turn >= PONG_GRACE_TURNS:
                    self._close(client, graceful=False)
                    continue
            if now >= client.next_ping:
                client.transport.write(ws_frame(OP_PING))
                if client.unanswered is None:
                    client.unanswered = (self.advance_calls, self.turns)
                    self._count_turns()
                while client.next_ping <= now:
                    client.next_ping += PING_INTERVAL

    def _count_turns(self) -> None:
        """Count event-loop turns while some ping is unanswered (up to the grace)."""
        if self._counting:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # advance() outside a loop: nobody can answer anyway
            return
        self._counting = True

        def turn() -> None:
            self.turns += 1
            if any(
                client.unanswered is not None
                and self.turns - client.unanswered[1] < PONG_GRACE_TURNS
                for client in self.clients
            ):
                loop.call_soon(turn)
            else:
                self._counting = False

        loop.call_soon(turn)

    # ------------------------------------------------------------------ serving
    async def serve(self, request: web.Request) -> web.StreamResponse:
        """Run one WebSocket connection until it closes."""
        ws = web.WebSocketResponse(
            autoping=False, max_msg_size=MAX_INBOUND, compress=False
        )
        await ws.prepare(request)
        transport = request.transport
        assert transport is not None
        now = self._sim.elapsed
        client = WSClient(
            ws=ws,
            transport=transport,
            connected_at=now,
            deadline_base=now,
            next_ping=now + PING_INTERVAL,
        )
        self.clients.append(client)
        self.connections += 1
        try:
            while True:
                msg = await ws.receive()
                if msg.type == WSMsgType.TEXT:
                    self._on_text(client, msg.data)
                    client.texts += 1
                elif msg.type == WSMsgType.PING:
                    if not client.closed:
                        transport.write(ws_frame(OP_PONG, msg.data))
                elif msg.type == WSMsgType.PONG:
                    client.deadline_base = self._sim.elapsed
                    client.unanswered = None
                elif msg.type != WSMsgType.BINARY:
                    break
        finally:
            self._remove(client)
            client.closed = True
            if client.flusher is not None:
                client.flusher.cancel()
                with suppress(asyncio.CancelledError):
                    await client.flusher
            if not transport.is_closing():
                transport.close()
        return ws

    def _on_text(self, client: WSClient, text: str) -> None:
        """Apply a ``{"subscribe": [...]}`` message; ignore anything else."""
        if not self._sim.profile.named_events:
            return
        try:
            envelope = json.loads(text)
        except ValueError:
            return
        if not isinstance(envelope, dict) or "subscribe" not in envelope:
            return
        topics = envelope["subscribe"]
        if topics is None:
            client.topics = None
        elif isinstance(topics, list) and all(
            isinstance(t, str | None) for t in topics
        ):
            client.topics = {t or "" for t in topics} or None
