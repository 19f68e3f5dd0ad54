"""What the coordinator takes from the agent's version: its topics, its pace, its bugs."""

from __future__ import annotations

from typing import Any

from .api import RequestLimiter, Topic
from .api.corrections import Corrected, Correction, correct, corrections_for
from .api.generations import rate_limit_for
from .channels import LOGGER
from .freshness import Freshness

_UNSEEN = object()


class AgentFacts:
    """Follows one agent's version: what it pushes, how fast it may be asked, what it gets wrong.

    The facts depend on the version only (``api/generations.py`` and
    ``api/corrections.py`` tell them), so every system frame after the
    first costs one comparison.
    """

    def __init__(
        self, name: str, freshness: Freshness, limiter: RequestLimiter
    ) -> None:
        """Follow for the server ``name``; nothing is known before ``follow``."""
        self._name = name
        self._freshness = freshness
        self._limiter = limiter
        self._version: str | object | None = _UNSEEN
        #: The value bugs of this agent's version, undone on every payload.
        self.corrections: tuple[Correction, ...] = ()
        self._corrected: Corrected = {}

    def follow(self, version: str | None) -> tuple[Correction, ...] | None:
        """Take the facts of ``version``; return the corrections if they changed."""
        if version == self._version:
            return None
        self._version = version
        self._freshness.set_agent_version(version)
        limit = rate_limit_for(version)
        if self._limiter.pace != limit.pace:
            LOGGER.debug(
                "%s: agent %s allows %s; pacing requests at %s/s, burst %s",
                self._name,
                version,
                limit.label,
                *limit.pace,
            )
            self._limiter.set_pace(*limit.pace)
        corrections = corrections_for(version)
        if corrections == self.corrections:
            return None
        self.corrections = corrections
        self._corrected.clear()
        return corrections

    def correct(self, topic: Topic, payload: Any) -> Any:
        """Undo the known value bugs in a payload (unchanged items stay the same objects)."""
        if not self.corrections:
            return payload
        return correct(topic, payload, self.corrections, self._corrected)
