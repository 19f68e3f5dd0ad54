"""The agent's event stream (``/api/v1/ws``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import json
from typing import Self

import aiohttp
import orjson

from .events import AgentEvent, FrameKind, build_event
from .exceptions import (
    UnraidConnectionClosedError,
    UnraidConnectionError,
    UnraidTimeoutError,
)
from .payloads import PayloadParser

_CLOSING = frozenset(
    {aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED}
)


def decode_frame(raw: str | bytes, parser: PayloadParser | None = None) -> AgentEvent:
    """Decode and classify one text frame; garbage never raises.

    ``parser`` (one per server) reuses the models of unchanged JSON.
    """
    size = len(raw)
    try:
        envelope = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            envelope = json.loads(raw)
        except (ValueError, RecursionError):
            return AgentEvent(FrameKind.GARBAGE, None, "", size=size)
    return build_event(envelope, size, parser)


class UnraidWebSocket:
    """An open event stream: iterate it, or call ``receive`` with a timeout.

    The agent sends one JSON frame per event and no snapshot on connect;
    aiohttp answers the agent's pings. Iteration ends with
    ``UnraidConnectionClosedError`` when the agent closes the stream.
    """

    def __init__(
        self, ws: aiohttp.ClientWebSocketResponse, parser: PayloadParser | None = None
    ) -> None:
        """Wrap an open aiohttp WebSocket."""
        self._ws = ws
        #: Parses the frames' payloads; give it the server's, which outlives
        #: the stream, so models of unchanged JSON are reused across reconnects.
        self.parser = parser

    @property
    def closed(self) -> bool:
        """True once the stream is closed."""
        return self._ws.closed

    async def subscribe(self, topics: Iterable[str] | None) -> None:
        """Receive only these topics (agents from 2026.03; older ones ignore it).

        ``None`` or an empty list restores the default: every topic.
        """
        names = None if topics is None else [str(topic) for topic in topics]
        try:
            await self._ws.send_str(orjson.dumps({"subscribe": names}).decode())
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as err:
            raise UnraidConnectionError(
                f"could not send the subscription: {err}"
            ) from err

    async def receive(self, idle_limit: float | None = None) -> AgentEvent:
        """Wait for the next data frame; raise when the stream ends or stays silent.

        ``idle_limit`` is how many seconds without a data frame count as a
        stalled stream. Pings and pongs do not count: the agent keeps
        pinging while a stopped collector or hub sends nothing at all.
        """
        try:
            async with asyncio.timeout(idle_limit):
                return await self._next_data_frame()
        except TimeoutError as err:
            raise UnraidTimeoutError(
                f"no data frame for {idle_limit:g} seconds"
            ) from err

    async def _next_data_frame(self) -> AgentEvent:
        while True:
            try:
                msg = await self._ws.receive()
            except (aiohttp.ClientError, ConnectionError) as err:
                # e.g. a ping or pong written to a transport being closed
                raise UnraidConnectionError(f"stream error: {err!r}") from err
            if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                return decode_frame(msg.data, self.parser)
            if msg.type in _CLOSING:
                raise UnraidConnectionClosedError(
                    f"the agent closed the stream (code {self._ws.close_code})"
                )
            if msg.type is aiohttp.WSMsgType.ERROR:
                raise UnraidConnectionError(
                    f"stream error: {self._ws.exception()!r}"
                    f" (code {self._ws.close_code})"
                )
            # PING/PONG are handled by aiohttp; anything else is skipped.

    def __aiter__(self) -> Self:
        """Iterate over events until the stream ends."""
        return self

    async def __anext__(self) -> AgentEvent:
        """Return the next event."""
        return await self.receive()

    async def close(self) -> None:
        """Close the stream."""
        await self._ws.close()
