"""Run a command on the agent and turn its failures into Home Assistant errors."""

from __future__ import annotations

from collections.abc import Awaitable
import logging

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import UnraidApiError, UnraidError, UnraidNoAnswerError, UnraidValidationError
from .const import DOMAIN

_LOGGER = logging.getLogger(__package__)


async def async_agent_call[T](target: str, call: Awaitable[T]) -> T:
    """Await a client call; raise translated errors carrying the agent's message.

    ``target`` names what the command is for (an entity id) in the message.
    """
    try:
        return await call
    except UnraidValidationError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_request",
            translation_placeholders={"target": target, "error": str(err)},
        ) from err
    except UnraidApiError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="action_rejected",
            translation_placeholders={
                "target": target,
                "message": err.message or f"HTTP {err.status}",
            },
        ) from err
    except UnraidError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="action_unreachable",
            translation_placeholders={"target": target, "error": str(err)},
        ) from err


async def async_agent_command[T](target: str, call: Awaitable[T]) -> T | None:
    """Like ``async_agent_call``, for a command whose answer the agent may drop.

    The agent closes the connection, unanswered, of a request that outlasts
    its 30 s write timeout, after doing the work. Such an outcome is unknown,
    not a failure: this returns None, and the caller looks at the agent's
    next reports. Errors the agent answers with still raise.
    """

    async def sent() -> T | None:
        try:
            return await call
        except UnraidNoAnswerError as err:
            _LOGGER.info(
                "%s: the agent closed the connection without answering (%s); "
                "its next report will tell whether it was done",
                target,
                err,
            )
            return None

    return await async_agent_call(target, sent())
