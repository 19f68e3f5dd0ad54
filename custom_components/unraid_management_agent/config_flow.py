"""Config flow: user setup, zeroconf discovery, re-authentication, reconfigure.

There are no options: data is pushed, and the REST cadences follow the agent.
"""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import voluptuous as vol

from . import build_client
from .api import UnraidAuthenticationError, UnraidError, UnraidNotFoundError
from .const import CONF_TOKEN, CONF_USE_SSL, CONF_VERIFY_SSL, DEFAULT_PORT, DOMAIN
from .identity import ServerIdentity, identity_of

_LOGGER = logging.getLogger(__name__)

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def _connection_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(
                CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)
            ): str,
            vol.Required(
                CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)
            ): vol.All(vol.Coerce(int), vol.Range(min=1, max=65535)),
            vol.Optional(CONF_USE_SSL, default=defaults.get(CONF_USE_SSL, False)): bool,
            vol.Optional(
                CONF_VERIFY_SSL, default=defaults.get(CONF_VERIFY_SSL, True)
            ): bool,
            vol.Optional(CONF_TOKEN): _PASSWORD,
        }
    )


class InvalidHost(ValueError):
    """The host field holds something other than a host name or an address."""


class AgentStarting(UnraidError):
    """The agent answers but has not collected anything yet (just restarted)."""


async def validate_connection(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[ServerIdentity, str]:
    """Check that the agent answers and accepts us; return (identity, title).

    Raises ``InvalidHost`` for a host that is not a name or an address (a
    URL, ``host:port``), ``UnraidAuthenticationError`` when a token is needed
    or wrong, ``AgentStarting`` while the agent only serves its placeholders
    (the server cannot be identified yet) and ``UnraidError`` when the agent
    cannot be reached.
    """
    try:
        client = build_client(hass, dict(data))
    except ValueError as err:
        raise InvalidHost(str(err)) from err
    system = await client.get_system()
    if system.is_placeholder:
        raise AgentStarting("the agent has not collected any data yet")
    # The GUID is in /registration (agents from 2025.11.15) and in
    # /system/flash (from 2026.01.01); older agents go by their host name.
    try:
        guid = (await client.get_registration()).guid
    except UnraidNotFoundError:
        guid = None
    if not guid:
        try:
            guid = (await client.get_flash()).guid
        except UnraidAuthenticationError:
            raise
        except UnraidError as err:
            # Absent (404) or failing to read the USB drive (500): no GUID.
            _LOGGER.debug("No GUID from /system/flash: %s", err)
    hostname = system.hostname or None
    identity = identity_of(guid, hostname, str(data[CONF_HOST]), int(data[CONF_PORT]))
    return identity, hostname or str(data[CONF_HOST])


async def _check(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> tuple[dict[str, str], tuple[ServerIdentity, str] | None]:
    """Validate, mapping failures to form errors."""
    try:
        return {}, await validate_connection(hass, data)
    except InvalidHost:
        return {CONF_HOST: "invalid_host"}, None
    except UnraidAuthenticationError:
        return {"base": "invalid_auth"}, None
    except AgentStarting:
        return {"base": "agent_starting"}, None
    except UnraidError as err:
        _LOGGER.debug("Could not reach the agent at %s: %s", data.get(CONF_HOST), err)
        return {"base": "cannot_connect"}, None
    except Exception:
        _LOGGER.exception("Unexpected error while checking the agent")
        return {"base": "unknown"}, None


def _clean(user_input: Mapping[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in user_input.items() if value not in (None, "")}
    data[CONF_HOST] = str(user_input.get(CONF_HOST, "")).strip()
    return data


class UnraidConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add an Unraid server running the Unraid Management Agent."""

    VERSION = 1
    # 1.2: entries of the other integration for this agent (same domain,
    # also 1.1) are told apart and taken over in async_migrate_entry.
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start a flow."""
        self._discovered: dict[str, Any] = {}

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the agent's address (and a token if the agent needs one)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            errors, found = await _check(self.hass, data)
            if found is not None:
                identity, title = found
                await self.async_set_unique_id(identity.unique_id)
                # Changing a configured server is for reconfigure, not here.
                self._abort_if_unique_id_configured()
                if (known := self._known_by_fallback(identity)) is not None:
                    return known
                return self.async_create_entry(title=title, data=data)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                _connection_schema(user_input or {}), user_input or {}
            ),
            errors=errors,
        )

    async def async_step_zeroconf(
        self, discovery_info: ZeroconfServiceInfo
    ) -> ConfigFlowResult:
        """Handle an agent announcing itself with mDNS (``_unraid-mgmt-agent._tcp``)."""
        properties = discovery_info.properties
        data: dict[str, Any] = {
            CONF_HOST: str(discovery_info.ip_address),
            CONF_PORT: discovery_info.port or DEFAULT_PORT,
            CONF_USE_SSL: properties.get("scheme") == "https",
            CONF_VERIFY_SSL: True,
        }
        name = str(properties.get("name") or discovery_info.hostname.split(".")[0])
        identity: ServerIdentity | None = None
        try:
            identity, title = await validate_connection(self.hass, data)
            unique_id = identity.unique_id
        except (UnraidAuthenticationError, AgentStarting) as err:
            # The server cannot be identified before the user gives a token
            # (or before the agent's first collection): go by its mDNS name
            # for now; the confirm step sets the real unique id.
            self._async_abort_entries_match(
                {CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}
            )
            if isinstance(err, UnraidAuthenticationError):
                # A configured server that moved: its own token identifies it.
                if (moved := await self._moved_server(data)) is not None:
                    return moved
            unique_id, title = name.lower(), name
        except UnraidError:
            return self.async_abort(reason="cannot_connect")
        except Exception:
            _LOGGER.exception("Unexpected error while checking a discovered agent")
            return self.async_abort(reason="unknown")
        await self.async_set_unique_id(unique_id)
        address = {CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}
        self._abort_if_unique_id_configured(updates=address)
        if identity is not None and (
            known := self._known_by_fallback(identity, address)
        ):
            return known
        self._discovered = {**data, "title": title}
        self.context["title_placeholders"] = {"name": title}
        return await self.async_step_zeroconf_confirm()

    async def async_step_zeroconf_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm a discovered agent (with a token, if it needs one)."""
        errors: dict[str, str] = {}
        title = self._discovered["title"]
        if user_input is not None:
            data = {k: v for k, v in self._discovered.items() if k != "title"}
            if user_input.get(CONF_TOKEN):
                data[CONF_TOKEN] = user_input[CONF_TOKEN]
            errors, found = await _check(self.hass, data)
            if found is not None:
                identity, title = found
                await self.async_set_unique_id(
                    identity.unique_id, raise_on_progress=False
                )
                address = {CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}
                self._abort_if_unique_id_configured(updates=address)
                if (known := self._known_by_fallback(identity, address)) is not None:
                    return known
                return self.async_create_entry(title=title, data=data)
        return self.async_show_form(
            step_id="zeroconf_confirm",
            data_schema=vol.Schema({vol.Optional(CONF_TOKEN): _PASSWORD}),
            description_placeholders={
                "name": title,
                "host": self._discovered[CONF_HOST],
            },
            errors=errors,
        )

    async def _moved_server(self, data: Mapping[str, Any]) -> ConfigFlowResult | None:
        """Find the entry whose token opens the agent at this new address."""
        for entry in self._async_current_entries(include_ignore=False):
            token = entry.data.get(CONF_TOKEN)
            if not token:
                continue
            try:
                identity, _ = await validate_connection(
                    self.hass, {**data, CONF_TOKEN: token}
                )
            except UnraidError:
                continue
            if identity.matches(entry.unique_id):
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_HOST: data[CONF_HOST],
                        CONF_PORT: data[CONF_PORT],
                    },
                    reason="already_configured",
                    reload_even_if_entry_is_unchanged=False,
                )
        return None

    def _known_by_fallback(
        self, identity: ServerIdentity, updates: Mapping[str, Any] | None = None
    ) -> ConfigFlowResult | None:
        """Abort for a server already set up under its host name (old agent).

        That entry moves to the GUID itself at its next start; it gets the
        new address now, as an entry found by its unique id would.
        """
        for entry in self._async_current_entries(include_ignore=False):
            if entry.unique_id != identity.unique_id and identity.matches(
                entry.unique_id
            ):
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates=updates or {},
                    reason="already_configured",
                    reload_even_if_entry_is_unchanged=False,
                )
        return None

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication: the agent refused the token (or now needs one)."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new access token."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, CONF_TOKEN: user_input.get(CONF_TOKEN, "")}
            if not data[CONF_TOKEN]:
                data.pop(CONF_TOKEN)
            errors, found = await _check(self.hass, data)
            if found is not None:
                if not found[0].matches(entry.unique_id):
                    return self.async_abort(reason="wrong_server")
                return self.async_update_reload_and_abort(entry, data=data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Optional(CONF_TOKEN): _PASSWORD}),
            description_placeholders={"host": entry.data[CONF_HOST]},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address, TLS settings or token of a configured server."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = _clean(user_input)
            if CONF_TOKEN not in data and entry.data.get(CONF_TOKEN):
                # The token is never shown; leaving the field empty keeps it.
                data[CONF_TOKEN] = entry.data[CONF_TOKEN]
            errors, found = await _check(self.hass, data)
            if found is not None:
                if not found[0].matches(entry.unique_id):
                    return self.async_abort(reason="wrong_server")
                return self.async_update_reload_and_abort(entry, data=data)
        defaults = {k: v for k, v in entry.data.items() if k != CONF_TOKEN}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _connection_schema(defaults), user_input or defaults
            ),
            errors=errors,
        )
