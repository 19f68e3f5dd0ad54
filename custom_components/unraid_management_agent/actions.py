"""Run a command on the agent and turn its failures into Home Assistant errors."""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .api import UnraidApiError, UnraidError, UnraidValidationError
from .const import DOMAIN


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
