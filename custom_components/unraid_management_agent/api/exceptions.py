"""Exceptions raised by the Unraid Management Agent client."""

from __future__ import annotations


class UnraidError(Exception):
    """Base class for every error the client raises."""


class UnraidConnectionError(UnraidError):
    """The agent could not be reached, or the connection broke."""


class UnraidTimeoutError(UnraidConnectionError):
    """The agent did not answer in time."""


class UnraidNoAnswerError(UnraidConnectionError):
    """The request reached the agent, which closed the connection without answering.

    The outcome of a command is unknown: the agent closes the connection of
    a handler that outlasts its 30 s write timeout, after doing the work.
    """


class UnraidInvalidResponseError(UnraidError):
    """The agent answered with something the client cannot use."""


class UnraidApiError(UnraidError):
    """The agent answered with an HTTP error status.

    ``message`` is the agent's own text, taken from whichever of its error
    body shapes it used (``success:false`` response, ``error``, ``message``
    or plain text).
    """

    def __init__(self, status: int, message: str) -> None:
        """Store the status and the agent's message."""
        super().__init__(f"HTTP {status}: {message}" if message else f"HTTP {status}")
        self.status = status
        self.message = message


class UnraidAuthenticationError(UnraidApiError):
    """The agent requires a bearer token, or rejected the one sent (401).

    A 403 is the agent's cross-origin check, not authentication: it maps to
    ``UnraidRequestError``.
    """


class UnraidRateLimitedError(UnraidApiError):
    """The agent's rate limiter refused the request (429)."""

    def __init__(self, status: int, message: str, retry_after: float | None) -> None:
        """Store the retry hint in seconds, when the agent sent one."""
        super().__init__(status, message)
        self.retry_after = retry_after


class UnraidNotFoundError(UnraidApiError):
    """The resource or route does not exist (404)."""


class UnraidServerError(UnraidApiError):
    """The agent failed while handling the request (5xx)."""


class UnraidRequestError(UnraidApiError):
    """The agent rejected the request as invalid (400, 405 and other 4xx)."""


class UnraidValidationError(UnraidError, ValueError):
    """An argument was refused before sending (the agent would reject it too)."""


class UnraidConnectionClosedError(UnraidConnectionError):
    """The agent closed the WebSocket (restart, eviction, network loss)."""


class UnraidStreamRefusedError(UnraidConnectionError):
    """Something answered the WebSocket upgrade with an HTTP error status.

    The agent (or a proxy in front of it) is up: unlike a refused or timed
    out connection, retrying at once will not help.
    """

    def __init__(self, status: int) -> None:
        """Record the status of the refused upgrade."""
        super().__init__(f"WebSocket handshake failed: {status}")
        self.status = status
