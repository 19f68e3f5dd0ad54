"""Typed asyncio client for the Unraid Management Agent.

This package does not depend on Home Assistant; it only needs aiohttp,
orjson and yarl, and could be published on its own.
"""

from ._limiter import RequestLimiter
from .client import DEFAULT_PORT, TOPIC_ENDPOINTS, UnraidClient
from .events import (
    PARSERS,
    AgentEvent,
    Classification,
    FrameKind,
    classify,
    classify_payload,
)
from .exceptions import (
    UnraidApiError,
    UnraidAuthenticationError,
    UnraidConnectionClosedError,
    UnraidConnectionError,
    UnraidError,
    UnraidInvalidResponseError,
    UnraidNoAnswerError,
    UnraidNotFoundError,
    UnraidRateLimitedError,
    UnraidRequestError,
    UnraidServerError,
    UnraidStreamRefusedError,
    UnraidTimeoutError,
    UnraidValidationError,
)
from .payloads import MODELS, PayloadParser
from .topics import LIST_TOPICS, SIGNATURES, Topic
from .websocket import UnraidWebSocket, decode_frame

__all__ = [
    "DEFAULT_PORT",
    "LIST_TOPICS",
    "MODELS",
    "PARSERS",
    "SIGNATURES",
    "TOPIC_ENDPOINTS",
    "AgentEvent",
    "Classification",
    "FrameKind",
    "PayloadParser",
    "RequestLimiter",
    "Topic",
    "UnraidApiError",
    "UnraidAuthenticationError",
    "UnraidClient",
    "UnraidConnectionClosedError",
    "UnraidConnectionError",
    "UnraidError",
    "UnraidInvalidResponseError",
    "UnraidNoAnswerError",
    "UnraidNotFoundError",
    "UnraidRateLimitedError",
    "UnraidRequestError",
    "UnraidServerError",
    "UnraidStreamRefusedError",
    "UnraidTimeoutError",
    "UnraidValidationError",
    "UnraidWebSocket",
    "classify",
    "classify_payload",
    "decode_frame",
]
