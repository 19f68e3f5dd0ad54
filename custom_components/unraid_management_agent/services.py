"""Actions: parity checks, notifications, user scripts and update checks.

Each action names its server by config entry or by one of its devices,
never "the first entry". Errors the agent answers become translated
``ServiceValidationError`` (bad input) or ``HomeAssistantError`` through
``actions.async_agent_call``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import homeassistant.helpers.config_validation as cv
import homeassistant.helpers.device_registry as dr
import voluptuous as vol

from .actions import async_agent_call, async_agent_command
from .api import Topic, UnraidServerError
from .api.generations import IMPORTANCES, accepts_importance
from .const import DOMAIN
from .coordinator import UnraidConfigEntry, UnraidCoordinator

SERVICE_START_PARITY_CHECK: Final = "start_parity_check"
SERVICE_CREATE_NOTIFICATION: Final = "create_notification"
SERVICE_ARCHIVE_NOTIFICATION: Final = "archive_notification"
SERVICE_RUN_USER_SCRIPT: Final = "run_user_script"
SERVICE_REFRESH_CONTAINER_UPDATES: Final = "refresh_container_updates"
SERVICE_REFRESH_PLUGIN_UPDATES: Final = "refresh_plugin_updates"

ATTR_CORRECTING: Final = "correcting"
ATTR_TITLE: Final = "title"
ATTR_SUBJECT: Final = "subject"
ATTR_DESCRIPTION: Final = "description"
ATTR_IMPORTANCE: Final = "importance"
ATTR_LINK: Final = "link"
ATTR_NOTIFICATION_ID: Final = "notification_id"
ATTR_SCRIPT: Final = "script"
ATTR_WAIT: Final = "wait"

#: What the agent's ``POST /notifications`` defaults to.
DEFAULT_IMPORTANCE: Final = "info"
#: How the agent starts a script "not found" (a 500 like every other failure):
#: ``ExecuteUserScript``, ``controllers/userscripts.go:94``.
_SCRIPT_NOT_FOUND: Final = "Script not found"

#: Which server: a config entry, or any device of one (the server or a child).
_TARGET: Final[dict[vol.Marker, Any]] = {
    vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string,
    vol.Optional(ATTR_DEVICE_ID): cv.string,
}

type Handler = Callable[[UnraidCoordinator, ServiceCall], Awaitable[ServiceResponse]]


def _error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@callback
def _entry_id_of_device(hass: HomeAssistant, device_id: str) -> str:
    """Return the config entry of one of our devices."""
    device = dr.async_get(hass).async_get(device_id)
    if device is not None:
        for entry_id in device.config_entries:
            entry = hass.config_entries.async_get_entry(entry_id)
            if entry is not None and entry.domain == DOMAIN:
                return entry_id
    raise _error("device_not_found", device_id=device_id)


@callback
def async_coordinator_for(hass: HomeAssistant, call: ServiceCall) -> UnraidCoordinator:
    """Return the coordinator of the server an action names; raise if there is none."""
    entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
    device_id: str | None = call.data.get(ATTR_DEVICE_ID)
    if device_id is not None and entry_id is not None:
        raise _error("server_twice")
    if device_id is not None:
        entry_id = _entry_id_of_device(hass, device_id)
    if entry_id is None:
        raise _error("server_required")
    entry: UnraidConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise _error("entry_not_found", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise _error("entry_not_loaded", server=entry.title)
    return entry.runtime_data


def _target(coordinator: UnraidCoordinator) -> str:
    """Name the server in messages."""
    return coordinator.config_entry.title


async def _start_parity_check(
    coordinator: UnraidCoordinator, call: ServiceCall
) -> ServiceResponse:
    await async_agent_call(
        _target(coordinator),
        coordinator.client.start_parity_check(correcting=call.data[ATTR_CORRECTING]),
    )
    return None


async def _create_notification(
    coordinator: UnraidCoordinator, call: ServiceCall
) -> ServiceResponse:
    target = _target(coordinator)
    importance: str = call.data[ATTR_IMPORTANCE]
    system = coordinator.data.system
    # An importance the agent does not take is a 500, not a 400: check first.
    if system is not None and not accepts_importance(system.agent_version, importance):
        raise _error(
            "importance_not_supported",
            importance=importance,
            target=target,
            version=system.agent_version or "?",
        )
    message = await async_agent_call(
        target,
        coordinator.client.create_notification(
            call.data[ATTR_TITLE],
            subject=call.data[ATTR_SUBJECT],
            description=call.data[ATTR_DESCRIPTION],
            importance=importance,
            link=call.data[ATTR_LINK],
        ),
    )
    return {"message": message}


def _is_unread(coordinator: UnraidCoordinator, notification_id: str) -> bool | None:
    """Tell whether the agent lists ``notification_id`` as unread (None: no list)."""
    listing = coordinator.data.notifications
    if listing is None:
        return None
    return any(note.id == notification_id for note in listing.notifications or ())


async def _archive_notification(
    coordinator: UnraidCoordinator, call: ServiceCall
) -> ServiceResponse:
    target = _target(coordinator)
    notification_id: str = call.data[ATTR_NOTIFICATION_ID]

    async def archive() -> str:
        try:
            return await coordinator.client.archive_notification(notification_id)
        except UnraidServerError:
            # Every failure is a 500, "not found" included: tell them apart
            # by the agent's own list.
            if _is_unread(coordinator, notification_id) is False:
                raise _error(
                    "notification_not_found",
                    notification_id=notification_id,
                    target=target,
                ) from None
            raise

    await async_agent_call(target, archive())
    return None


async def _run_user_script(
    coordinator: UnraidCoordinator, call: ServiceCall
) -> ServiceResponse:
    target = _target(coordinator)
    script: str = call.data[ATTR_SCRIPT]
    wait: bool = call.data[ATTR_WAIT]

    async def run() -> Any:
        try:
            return await coordinator.client.execute_user_script(
                script, background=not wait, wait=wait
            )
        except UnraidServerError as err:
            # Every failure is a 500: "not found" is the user's to fix.
            if err.message.startswith(_SCRIPT_NOT_FOUND):
                raise _error("script_not_found", script=script, target=target) from None
            raise

    result = await async_agent_command(target, run())
    if result is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="script_unanswered",
            translation_placeholders={"script": script, "target": target},
        )
    return {"message": result.message, "output": result.output}


async def _refresh_updates(
    coordinator: UnraidCoordinator, topic: Topic, check: Awaitable[Any]
) -> ServiceResponse:
    """Run an update check; its result is what the agent publishes for ``topic``.

    A check past the agent's 30 s answer limit loses its answer, but the
    agent publishes (and caches) it all the same.
    """
    result = await async_agent_command(_target(coordinator), check)
    if result is not None:
        coordinator.apply(topic, result)
    return None


async def _refresh_container_updates(
    coordinator: UnraidCoordinator, call: ServiceCall
) -> ServiceResponse:
    return await _refresh_updates(
        coordinator, Topic.DOCKER_UPDATES, coordinator.client.refresh_docker_updates()
    )


async def _refresh_plugin_updates(
    coordinator: UnraidCoordinator, call: ServiceCall
) -> ServiceResponse:
    return await _refresh_updates(
        coordinator, Topic.PLUGIN_UPDATES, coordinator.client.refresh_plugin_updates()
    )


#: service -> (handler, schema fields, supports response)
_SERVICES: Final[dict[str, tuple[Handler, dict[vol.Marker, Any], SupportsResponse]]] = {
    SERVICE_START_PARITY_CHECK: (
        _start_parity_check,
        {vol.Optional(ATTR_CORRECTING, default=False): cv.boolean},
        SupportsResponse.NONE,
    ),
    SERVICE_CREATE_NOTIFICATION: (
        _create_notification,
        {
            vol.Required(ATTR_TITLE): cv.string,
            vol.Optional(ATTR_SUBJECT, default=""): cv.string,
            vol.Optional(ATTR_DESCRIPTION, default=""): cv.string,
            vol.Optional(ATTR_IMPORTANCE, default=DEFAULT_IMPORTANCE): vol.In(
                IMPORTANCES
            ),
            vol.Optional(ATTR_LINK, default=""): cv.string,
        },
        SupportsResponse.OPTIONAL,
    ),
    SERVICE_ARCHIVE_NOTIFICATION: (
        _archive_notification,
        {vol.Required(ATTR_NOTIFICATION_ID): cv.string},
        SupportsResponse.NONE,
    ),
    SERVICE_RUN_USER_SCRIPT: (
        _run_user_script,
        {
            vol.Required(ATTR_SCRIPT): cv.string,
            vol.Optional(ATTR_WAIT, default=False): cv.boolean,
        },
        SupportsResponse.OPTIONAL,
    ),
    SERVICE_REFRESH_CONTAINER_UPDATES: (
        _refresh_container_updates,
        {},
        SupportsResponse.NONE,
    ),
    SERVICE_REFRESH_PLUGIN_UPDATES: (
        _refresh_plugin_updates,
        {},
        SupportsResponse.NONE,
    ),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, for every server)."""
    for service, (handler, fields, supports_response) in _SERVICES.items():

        async def handle(
            call: ServiceCall, handler: Handler = handler
        ) -> ServiceResponse:
            return await handler(async_coordinator_for(hass, call), call)

        hass.services.async_register(
            DOMAIN,
            service,
            handle,
            schema=vol.Schema({**_TARGET, **fields}),
            supports_response=supports_response,
        )
