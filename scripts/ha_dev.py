"""Check a development Home Assistant the way its web UI uses it.

``ready``  (run by scripts/develop): wait until Home Assistant answers, onboard a fresh
           instance through the REST onboarding API with the development user
           (``dev`` / ``dev``) or log in as that user, wait until Home Assistant runs, and
           call the WebSocket command ``get_services`` that the frontend needs before it
           leaves "Loading data". Prints one line; exit 0 = ready, 1 = broken,
           2 = answers but could not be checked (no dev user and no HA_TOKEN).
``smoke``  (run by scripts/smoke after ``ready``): log in, call ``get_services``, add the
           integration through the REST config-flow API against the simulator, wait for
           the entry to load and its sensors to have states, call ``get_services`` again.

Only the standard library and aiohttp (a Home Assistant dependency) are used.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
import contextlib
import os
import sys
import time
from typing import Any

import aiohttp

DOMAIN = "unraid_management_agent"
DEV_USER = "dev"
DEV_PASSWORD = "dev"
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=30)
ONBOARDING_ORDER = ("user", "core_config", "analytics", "integration")


class CheckError(Exception):
    """A check failed; the message is the one-line reason."""


class NoCredentialsError(CheckError):
    """Home Assistant answers, but there is no way to log in."""


def say(prefix: str, message: str) -> None:
    """Print one result line at once (the caller's log is read while we run)."""
    print(f"{prefix}: {message}", flush=True)


class HomeAssistant:
    """A Home Assistant instance reached over loopback HTTP and WebSocket."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Remember where Home Assistant is."""
        self.session = session
        self.url = url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.redirect_uri = f"{self.url}/?auth_callback=1"
        self.token: str | None = None
        self.refresh_token: str | None = None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[int, Any]:
        """Send one request; return status and decoded body."""
        async with self.session.request(
            method,
            f"{self.url}{path}",
            json=json,
            data=data,
            headers=self._headers(),
            timeout=REQUEST_TIMEOUT,
        ) as resp:
            text = await resp.text()
            if resp.status not in expect:
                raise CheckError(
                    f"{method} {path} answered HTTP {resp.status}: {text[:300]}"
                )
            body: Any = text
            if resp.content_type == "application/json":
                body = await resp.json()
            return resp.status, body

    async def onboarding_status(self) -> dict[str, bool] | None:
        """Return each step and whether it is done; None once onboarding is complete."""
        status, body = await self.request("GET", "/api/onboarding", expect=(200, 404))
        if status == 404:  # a start after onboarding no longer registers these views
            return None
        steps = {step["step"]: bool(step["done"]) for step in body}
        return None if all(steps.values()) else steps

    async def _tokens_from_code(self, code: str) -> None:
        _, body = await self.request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        )
        self.token = body["access_token"]
        self.refresh_token = body["refresh_token"]

    async def login(self, username: str, password: str) -> None:
        """Log in through the login flow, as the frontend does."""
        _, flow = await self.request(
            "POST",
            "/auth/login_flow",
            json={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.redirect_uri,
            },
        )
        _, result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json={
                "client_id": self.client_id,
                "username": username,
                "password": password,
            },
        )
        if result.get("type") != "create_entry":
            raise NoCredentialsError(
                f"logging in as {username!r} failed ({result.get('errors')})"
            )
        await self._tokens_from_code(result["result"])

    async def onboard(self, steps: dict[str, bool]) -> list[str]:
        """Finish every open onboarding step through the REST onboarding API."""
        done: list[str] = []
        if not steps.get("user"):
            _, body = await self.request(
                "POST",
                "/api/onboarding/users",
                json={
                    "client_id": self.client_id,
                    "name": "Developer",
                    "username": DEV_USER,
                    "password": DEV_PASSWORD,
                    "language": "en",
                },
            )
            await self._tokens_from_code(body["auth_code"])
            done.append("user")
        elif self.token is None:
            try:
                await self.login(DEV_USER, DEV_PASSWORD)
            except NoCredentialsError as err:
                raise NoCredentialsError(
                    "onboarding was started by hand with another user; finish it in "
                    "the browser, or set HA_TOKEN to a long-lived access token"
                ) from err
        if not steps.get("core_config"):
            await self.request("POST", "/api/onboarding/core_config", json={})
            done.append("core_config")
        if not steps.get("analytics"):
            await self.request("POST", "/api/onboarding/analytics", json={})
            done.append("analytics")
        if not steps.get("integration"):
            await self.request(
                "POST",
                "/api/onboarding/integration",
                json={"client_id": self.client_id, "redirect_uri": self.redirect_uri},
            )
            done.append("integration")
        return done

    async def revoke(self) -> None:
        """Drop the refresh token this check created, so none pile up."""
        if self.refresh_token:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                await self.request(
                    "POST", "/auth/revoke", data={"token": self.refresh_token}
                )
            self.refresh_token = None

    async def ws(self, *commands: dict[str, Any]) -> list[Any]:
        """Run WebSocket commands in order; return each result, raise on any error."""
        if self.token is None:
            raise CheckError("no access token for the WebSocket API")
        results: list[Any] = []
        async with self.session.ws_connect(
            f"{self.url}/api/websocket", timeout=aiohttp.ClientWSTimeout(ws_close=10)
        ) as sock:
            async with asyncio.timeout(30):
                hello = await sock.receive_json()
                if hello.get("type") != "auth_required":
                    raise CheckError(f"unexpected WebSocket greeting: {hello}")
                await sock.send_json({"type": "auth", "access_token": self.token})
                auth = await sock.receive_json()
                if auth.get("type") != "auth_ok":
                    raise NoCredentialsError(
                        f"the WebSocket API refused the access token: {auth}"
                    )
            for number, command in enumerate(commands, start=1):
                await sock.send_json({"id": number, **command})
                async with asyncio.timeout(60):
                    while True:  # skip anything that is not this command's answer
                        msg = await sock.receive_json()
                        if msg.get("id") == number and msg.get("type") == "result":
                            break
                if not msg.get("success"):
                    raise CheckError(
                        f"WebSocket {command['type']} failed: {msg.get('error')}"
                    )
                results.append(msg.get("result"))
        return results


async def wait_until[T](
    what: str,
    probe: Callable[[], Awaitable[T | None]],
    deadline: float,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 1.0,
) -> T:
    """Call probe until it returns something other than None, or fail at deadline."""
    last = "no answer yet"
    while True:
        if not alive():
            raise CheckError(f"Home Assistant exited while waiting for {what}")
        try:
            if (result := await probe()) is not None:
                return result
        except NoCredentialsError:
            raise  # waiting does not help
        except (aiohttp.ClientError, TimeoutError, CheckError) as err:
            last = str(err) or type(err).__name__
        if time.monotonic() > deadline:
            raise CheckError(f"timed out waiting for {what} (last: {last})")
        await asyncio.sleep(interval)


def pid_alive(pid: int | None) -> Callable[[], bool]:
    """Return a function telling whether process pid still runs (always True for None)."""

    def alive() -> bool:
        if pid is None:
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    return alive


async def authenticate(
    ha: HomeAssistant, deadline: float, alive: Callable[[], bool]
) -> str:
    """Get an access token; onboard first when needed. Return what was done."""

    async def answers() -> tuple[dict[str, bool] | None]:
        return (await ha.onboarding_status(),)

    (steps,) = await wait_until(
        "Home Assistant to answer HTTP", answers, deadline, alive
    )
    if token := os.environ.get("HA_TOKEN"):
        ha.token = token
        return "used HA_TOKEN"
    if steps is not None:
        done = await ha.onboard(steps)
        return f"onboarded ({', '.join(done) or 'nothing left'}) as user {DEV_USER}"
    try:
        await ha.login(DEV_USER, DEV_PASSWORD)
    except NoCredentialsError as err:
        raise NoCredentialsError(
            f"already onboarded without a {DEV_USER}/{DEV_PASSWORD} user; set HA_TOKEN "
            "to a long-lived access token, or start from an empty config directory"
        ) from err
    return f"logged in as {DEV_USER}"


async def wait_running(
    ha: HomeAssistant, deadline: float, alive: Callable[[], bool]
) -> str:
    """Wait until Home Assistant has finished starting; return its version."""

    async def running() -> str | None:
        (config,) = await ha.ws({"type": "get_config"})
        return str(config["version"]) if config.get("state") == "RUNNING" else None

    return await wait_until(
        "Home Assistant to finish starting", running, deadline, alive
    )


async def get_services(ha: HomeAssistant) -> dict[str, Any]:
    """Call the frontend's get_services; fail unless it answers with services."""
    (services,) = await ha.ws({"type": "get_services"})
    if not isinstance(services, dict) or "homeassistant" not in services:
        raise CheckError(f"get_services answered without services: {services!r:.200}")
    return services


def count(services: dict[str, Any]) -> str:
    """Describe a get_services answer in a few words."""
    return f"{len(services)} domains, {sum(len(s) for s in services.values())} services"


async def ready(args: argparse.Namespace) -> int:
    """Check a development Home Assistant; see the module docstring."""
    deadline = time.monotonic() + args.timeout
    alive = pid_alive(args.pid)
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistant(session, args.url)
        try:
            how = await authenticate(ha, deadline, alive)
            version = await wait_running(ha, deadline, alive)
            services = await get_services(ha)
        except NoCredentialsError as err:
            say("develop", f"UNCHECKED: Home Assistant answers on {ha.url}, but {err}")
            return 2
        except (CheckError, aiohttp.ClientError, TimeoutError) as err:
            reason = err or type(err).__name__
            say("develop", f"NOT READY: {reason} (Home Assistant's log has the cause)")
            return 1
        finally:
            await ha.revoke()
    login = (
        "log in with your own user"
        if how == "used HA_TOKEN"
        else f"log in as {DEV_USER} / {DEV_PASSWORD}"
    )
    say(
        "develop",
        f"ready: Home Assistant {version} on {ha.url} ({login}); {how}; "
        f"get_services answered ({count(services)})",
    )
    return 0


async def smoke_steps(ha: HomeAssistant, args: argparse.Namespace) -> None:
    """Run the smoke test proper; raise CheckError at the first failed step."""
    deadline = time.monotonic() + args.timeout
    if (steps := await ha.onboarding_status()) is not None:
        raise CheckError(f"onboarding is not complete: {steps}")
    await ha.login(DEV_USER, DEV_PASSWORD)
    say("smoke", f"ok    onboarded; logged in as {DEV_USER} through the login flow")

    say("smoke", f"ok    get_services ({count(await get_services(ha))})")

    _, flow = await ha.request(
        "POST",
        "/api/config/config_entries/flow",
        json={"handler": DOMAIN, "show_advanced_options": False},
    )
    if flow.get("type") != "form" or flow.get("step_id") != "user":
        raise CheckError(f"config flow did not start with the user form: {flow}")
    _, result = await ha.request(
        "POST",
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        json={"host": "127.0.0.1", "port": args.uma_port},
    )
    if result.get("type") != "create_entry":
        raise CheckError(f"config flow did not create an entry: {result}")
    entry_id = result["result"]["entry_id"]
    say("smoke", f"ok    config flow created entry {result.get('title')!r}")

    async def loaded() -> str | None:
        _, entries = await ha.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        state = next((e["state"] for e in entries if e["entry_id"] == entry_id), None)
        if state in {"setup_error", "migration_error", "failed_unload"}:
            raise CheckError(f"entry state is {state}")
        return state if state == "loaded" else None

    await wait_until("the entry to load", loaded, deadline)
    say("smoke", "ok    entry loaded")

    async def sensors() -> tuple[int, int, int] | None:
        (registry,) = await ha.ws({"type": "config/entity_registry/list"})
        ours = {
            e["entity_id"] for e in registry if e.get("config_entry_id") == entry_id
        }
        _, states = await ha.request("GET", "/api/states")
        present = [s for s in states if s["entity_id"] in ours]
        valued = [
            s
            for s in present
            if s["entity_id"].startswith("sensor.")
            and s["state"] not in {"unknown", "unavailable"}
        ]
        return (len(ours), len(present), len(valued)) if valued else None

    registered, with_state, valued = await wait_until(
        "sensor states of the entry", sensors, deadline, interval=2.0
    )
    say(
        "smoke",
        f"ok    {registered} entities registered, {with_state} with a state, "
        f"{valued} sensors with a value",
    )

    services = await get_services(ha)
    if "install" not in services.get("update", {}):
        raise CheckError("get_services lacks update.install after the entry loaded")
    say("smoke", f"ok    get_services with the entry loaded ({count(services)})")


async def smoke(args: argparse.Namespace) -> int:
    """Run the smoke steps against a Home Assistant that ``ready`` has checked."""
    async with aiohttp.ClientSession() as session:
        ha = HomeAssistant(session, args.url)
        try:
            await smoke_steps(ha, args)
        except (CheckError, aiohttp.ClientError, TimeoutError) as err:
            say("smoke", f"FAIL  {err or type(err).__name__}")
            return 1
    return 0


def main() -> int:
    """Parse the command line and run one check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("ready", "smoke"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--url", default="http://127.0.0.1:8123")
        cmd.add_argument("--timeout", type=float, default=600, help="seconds, overall")
        cmd.add_argument("--pid", type=int, help="stop waiting when this process exits")
        cmd.add_argument("--uma-port", type=int, default=8043)
    args = parser.parse_args()
    return asyncio.run(ready(args) if args.command == "ready" else smoke(args))


if __name__ == "__main__":
    sys.exit(main())
