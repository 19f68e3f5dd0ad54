"""Browser test of the integration in a real Home Assistant (run by scripts/e2e).

Starts the agent simulator (with an access token) and scripts/develop (a real ``hass``
from .venv on a fresh config directory, onboarded through the REST onboarding API as
``dev`` / ``dev``), then drives Home Assistant's own frontend in headless Chromium with
Playwright:

1. log in on Home Assistant's login page;
2. Settings -> Devices & services -> Add integration, search "Unraid Management Agent";
3. fill in the form with a wrong port: the readable error appears;
4. then the right port: the entry is created (the "devices created" dialog is finished);
5. the devices list of the integration shows every device of the entry;
6. the server device page shows the server and each of its enabled entities by name;
7. the example dashboard docs/dashboard.yaml renders without error cards (if present);
8. a container device page: its "Running" switch turned off stops the container in the
   simulator (read over the simulator's REST API) and the page shows it exited;
9. diagnostics downloaded from the integration page (hub menu -> Download diagnostics)
   contain none of the simulator's identifying values (token, host, host name, GUID,
   serial numbers, MAC and IP addresses, remote servers) and no IPv4 or MAC address.

Screenshots go to --shots (docs/screenshots/). One line per step, PASS or FAIL; the
first failure ends the run (exit 1). Every process started here is stopped on exit,
also on SIGTERM / SIGINT. The browser reaches 127.0.0.1 only: any other request is
refused, except the brand images of this integration, which are served from the
repository (Home Assistant's frontend loads them from its brands site).

Home Assistant and the simulator are reached through scripts/ha_dev.py's client.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import json
import os
from pathlib import Path
import re
import signal
import socket
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import ha_dev
from ha_dev import DEV_PASSWORD, DEV_USER, DOMAIN, CheckError, HomeAssistant

ROOT = Path(__file__).resolve().parent.parent
INTEGRATION = ROOT / "custom_components" / DOMAIN
DASHBOARD = ROOT / "docs" / "dashboard.yaml"
DASHBOARD_PATH = "unraid-tower"
ENTITY_WAIT = 20.0  # seconds a device page may take to list all its entities
TOKEN = "e2e-s3cret-t0ken"  # the simulator requires it; diagnostics must not show it
ENTITY_ID = re.compile(
    r"\b(?:sensor|binary_sensor|switch|button|update|event|number|select)\.[a-z0-9_]+\b"
)
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
MAC = re.compile(r"(?i)(?<![0-9a-f:])(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![0-9a-f:])")
#: keys whose values identify the owner (as tests/flow/test_diagnostics.py counts them)
SECRET_KEYS = {
    "serials": {"serial_number", "serial"},
    "macs": {"mac_address"},
    "ips": {"ip_address", "ip_addresses"},
    "remote servers": {"smb_server", "nfs_server"},
}
NOT_SECRET = {"Default string"}  # the board's DMI placeholder, not a serial
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY = re.compile(
    r"^(develop: (ready|NOT READY|UNCHECKED)|setup(_develop)?: FAILED).*$", re.MULTILINE
)


def say(message: str) -> None:
    """Print one line at once."""
    print(f"e2e: {message}", flush=True)


class StepFailed(Exception):
    """A step failed; it has been reported."""


class Gone(Exception):
    """A process exited while being waited for (ha_dev.wait_until does not retry it)."""


class Run:
    """The processes, clients and results of one run."""

    def __init__(self, args: argparse.Namespace) -> None:
        """Remember the settings."""
        self.args = args
        self.work = Path(args.work)
        self.shots = Path(args.shots)
        self.ha_url = f"http://127.0.0.1:{args.ha_port}"
        self.uma_url = f"http://127.0.0.1:{args.uma_port}/api/v1"
        self.strings = json.loads(
            (INTEGRATION / "translations" / "en.json").read_text()
        )
        self.results = self.work / "results"
        self.procs: list[tuple[str, asyncio.subprocess.Process, int]] = []
        self.session: aiohttp.ClientSession
        self.ha: HomeAssistant
        self.page: Any = None
        self.secrets: dict[str, set[str]] = {}
        self.hostname = ""
        self.entry_id = ""

    # ------------------------------------------------------------------ plumbing
    @contextlib.asynccontextmanager
    async def step(self, name: str, *, soft: bool = False) -> AsyncIterator[list[str]]:
        """Time one step and print its line; ``notes`` (yielded) end up in it.

        A ``soft`` step that fails prints a NOTE line, is not counted and does not stop
        the run.
        """
        notes: list[str] = []
        start = time.monotonic()
        try:
            yield notes
        except asyncio.CancelledError:
            self._record("FAIL", f"{name}: interrupted")
            raise
        except Exception as err:  # any failure of a step is reported the same way
            # The first line, and for Playwright's errors what it was waiting for.
            lines = str(err).splitlines() or [type(err).__name__]
            waiting = [line.strip() for line in lines if "waiting for" in line]
            reason = "; ".join(lines[:1] + waiting[:1])
            if self.page is not None:
                with contextlib.suppress(Exception):
                    shot = self.work / ("note.png" if soft else "failure.png")
                    await self.page.screenshot(path=shot)
                    reason += f" (screenshot: {shot})"
            if soft:
                say(f"NOTE  {name}: {reason}; not counted")
                return
            self._record("FAIL", f"{name}: {reason}")
            raise StepFailed from err
        took = time.monotonic() - start
        extra = f"; {'; '.join(notes)}" if notes else ""
        self._record("PASS", f"{name} ({took:.1f} s{extra})")

    def _record(self, verdict: str, line: str) -> None:
        say(f"{verdict}  {line}")
        with self.results.open("a") as out:
            out.write(f"{verdict}\n")

    async def spawn(
        self, name: str, *cmd: str, env: dict[str, str] | None = None, grace: int = 10
    ) -> asyncio.subprocess.Process:
        """Start a process with its output in work/<name>.log; stopped by stop_all."""
        log = (self.work / f"{name}.log").open("wb")
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        log.close()
        self.procs.append((name, proc, grace))
        return proc

    async def stop_all(self) -> None:
        """Stop what was started, newest first: TERM, then KILL after its grace."""
        for name, proc, grace in reversed(self.procs):
            if proc.returncode is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), grace)
            except TimeoutError:
                say(
                    f"..    {name} (pid {proc.pid}) did not stop within {grace} s; killing it"
                )
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()

    async def sim_get(self, path: str) -> Any:
        """GET one simulator endpoint with the token."""
        async with self.session.get(
            f"{self.uma_url}{path}",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=ha_dev.REQUEST_TIMEOUT,
        ) as resp:
            if resp.status != 200:
                raise CheckError(f"simulator GET {path} answered HTTP {resp.status}")
            return await resp.json()

    async def wait(
        self,
        what: str,
        probe: Callable[[], Awaitable[Any]],
        seconds: float,
        interval: float = 1.0,
    ) -> Any:
        """Call ha_dev.wait_until with a deadline ``seconds`` from now."""
        return await ha_dev.wait_until(
            what, probe, time.monotonic() + seconds, interval=interval
        )

    def tr(self, *path: str) -> str:
        """Return a string of the integration's translations/en.json."""
        node: Any = self.strings
        for key in path:
            node = node[key]
        return str(node)

    async def shot(self, name: str) -> str:
        """Save a screenshot of the page to the screenshots folder."""
        await self.page.wait_for_timeout(400)  # let ripples and transitions settle
        path = self.shots / f"{name}.png"
        await self.page.screenshot(path=path)
        return path.name

    # --------------------------------------------------------------------- steps
    async def start_services(self) -> None:
        """Start the simulator with a token, then scripts/develop (HA) without its own."""
        async with self.step(
            "simulator and Home Assistant started, onboarded"
        ) as notes:
            await self.spawn(
                "simulator",
                sys.executable,
                "-m",
                "uma_simulator",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.args.uma_port),
                "--scenario",
                "home",
                "--token",
                TOKEN,
            )

            async def collected() -> str | None:
                system = await self.sim_get("/system")
                return (
                    system["hostname"] if system.get("hostname") != "unknown" else None
                )

            self.hostname = await self.wait(
                "the simulator's first collection", collected, 60
            )
            await self.collect_secrets()  # now, while every container runs
            config = self.work / "config"
            config.mkdir()
            text = (ROOT / "config" / "configuration.yaml").read_text()
            if DASHBOARD.exists() and self.args.dashboard != "off":
                # The example dashboard, added as its header says.
                (config / "dashboards").mkdir()
                (config / "dashboards" / "unraid.yaml").write_text(
                    DASHBOARD.read_text()
                )
                text += (
                    "\nlovelace:\n  dashboards:\n"
                    f"    {DASHBOARD_PATH}:\n      mode: yaml\n      title: Unraid\n"
                    "      icon: mdi:server\n      show_in_sidebar: true\n"
                    "      filename: dashboards/unraid.yaml\n"
                )
            (config / "configuration.yaml").write_text(text)
            develop = await self.spawn(
                "develop",
                str(ROOT / "scripts" / "develop"),
                env={
                    "HA_CONFIG": str(config),
                    "HA_PORT": str(self.args.ha_port),
                    "UMA_SIMULATOR": "0",
                    "UMA_READY_TIMEOUT": "900",
                },
                grace=90,  # scripts/develop gives Home Assistant 60 s to stop
            )
            log = self.work / "develop.log"

            async def verdict() -> str | None:
                if found := READY.search(log.read_text(errors="replace")):
                    return found.group(0)
                if develop.returncode is not None:
                    raise Gone(
                        f"scripts/develop exited ({develop.returncode}) before it was ready"
                    )
                return None

            line = await self.wait(
                "scripts/develop's verdict", verdict, self.args.timeout
            )
            if not line.startswith("develop: ready"):
                raise CheckError(f"{line} (log: {log})")
            if "onboarded (user, core_config, analytics, integration)" not in line:
                raise CheckError(f"the fresh instance was not onboarded: {line}")
            # The API client for the cross-checks logs in too.
            await self.ha.login(DEV_USER, DEV_PASSWORD)
            notes.append(f"{line.split(';')[0].removeprefix('develop: ready: ')}")
            notes.append(f"simulator server {self.hostname!r} with a token")

    async def route(self, route: Any) -> None:
        """Let the browser reach 127.0.0.1 only; serve this integration's brand images."""
        url = urlsplit(route.request.url)
        if url.hostname == "127.0.0.1" or url.scheme in {"data", "blob"}:
            await route.continue_()
            return
        if url.hostname == "brands.home-assistant.io" and f"/{DOMAIN}/" in url.path:
            image = INTEGRATION / "brand" / url.path.rsplit("/", 1)[-1]
            if image.is_file():
                await route.fulfill(body=image.read_bytes(), content_type="image/png")
                return
        await route.abort("blockedbyclient")

    async def log_in(self) -> None:
        """Log in on the login page, as a user."""
        page = self.page
        async with self.step("logged in on Home Assistant's login page") as notes:
            await page.goto(f"{self.ha_url}/")
            await page.wait_for_url("**/auth/authorize**")
            await page.get_by_role("textbox", name="Username").fill(DEV_USER)
            await page.get_by_role("textbox", name="Password").fill(DEV_PASSWORD)
            await page.get_by_role("button", name="Log in").click()
            await page.wait_for_url(
                lambda url: "/auth/" not in url and "auth_callback" not in url
            )
            await (
                page.get_by_text("Settings", exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            notes.append(f"as {DEV_USER}, landed on {urlsplit(page.url).path}")

    async def add_integration(self) -> None:
        """Add the integration: Settings -> Devices & services -> Add integration."""
        page = self.page
        title = self.tr("config", "step", "user", "title")
        host_label = self.tr("config", "step", "user", "data", "host")
        port_label = self.tr("config", "step", "user", "data", "port")
        token_label = self.tr("config", "step", "user", "data", "token")
        async with self.step("Add integration: searched and opened the form") as notes:
            await (
                page.get_by_text("Settings", exact=True)
                .filter(visible=True)
                .first.click()
            )
            await page.wait_for_url("**/config/dashboard")
            await page.get_by_text("Devices & services", exact=True).click()
            await page.wait_for_url("**/config/integrations/dashboard")
            await page.get_by_role("button", name="Add integration").click()
            await (
                page.get_by_text("Select brand", exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            # Typing into the page would reach the frontend's shortcuts ("d", "e", ...).
            await page.get_by_role("textbox", name="Search for a brand name").fill(
                "Unraid Management Agent"
            )
            await page.get_by_text("Unraid Management Agent", exact=True).click()
            await (
                page.get_by_text(title, exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            await page.get_by_role("textbox", name=host_label).wait_for()
            notes.append(f"screenshot {await self.shot('01-add-integration-form')}")

        wrong_port = free_port()
        error = self.tr("config", "error", "cannot_connect")
        async with self.step("wrong port: the form shows the readable error") as notes:
            await page.get_by_role("textbox", name=host_label).fill("127.0.0.1")
            await page.get_by_role("spinbutton", name=port_label).fill(str(wrong_port))
            await page.get_by_role("textbox", name=token_label).fill(TOKEN)
            await page.get_by_role("button", name="Submit").click()
            await (
                page.get_by_text(error, exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            if await page.get_by_text("cannot_connect").count():
                raise CheckError("the raw error key is shown instead of its text")
            notes.append(f"port {wrong_port}: {error.split('.')[0]!r}")
            notes.append(f"screenshot {await self.shot('02-connection-error')}")

        async with self.step(
            "right port: entry created, devices dialog finished"
        ) as notes:
            await page.get_by_role("spinbutton", name=port_label).fill(
                str(self.args.uma_port)
            )
            await page.get_by_role("button", name="Submit").click()
            finish = page.get_by_role(
                "button", name=re.compile(r"finish", re.IGNORECASE)
            )
            await finish.wait_for(timeout=90_000)
            notes.append(f"screenshot {await self.shot('03-devices-created')}")
            await finish.click()
            await finish.wait_for(state="detached")

            async def loaded() -> str | None:
                _, entries = await self.ha.request(
                    "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
                )
                if len(entries) != 1:
                    return None
                if entries[0]["state"] in {"setup_error", "migration_error"}:
                    raise CheckError(f"entry state is {entries[0]['state']}")
                return (
                    entries[0]["entry_id"] if entries[0]["state"] == "loaded" else None
                )

            self.entry_id = await self.wait("the entry to load", loaded, 60)
            notes.append("entry loaded")

    async def registry(
        self,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
        """Return the entry's devices and entities and all states, from HA's API."""
        devices, entities = await self.ha.ws(
            {"type": "config/device_registry/list"},
            {"type": "config/entity_registry/list"},
        )
        _, states = await self.ha.request("GET", "/api/states")
        devices = [d for d in devices if self.entry_id in d["config_entries"]]
        entities = [e for e in entities if e["config_entry_id"] == self.entry_id]
        return devices, entities, {s["entity_id"]: s for s in states}

    async def devices_list(self) -> None:
        """Open the integration page's "N devices" link: it lists every device."""
        page = self.page
        async with self.step("devices list shows the entry's devices") as notes:
            await page.get_by_text("Unraid Management Agent", exact=True).click()
            await page.wait_for_url(f"**/config/integrations/integration/{DOMAIN}**")

            async def same_count() -> int | None:
                devices, _, _ = await self.registry()
                link = page.get_by_role(
                    "link", name=f"{len(devices)} devices", exact=True
                )
                return len(devices) if await link.count() else None

            count = await self.wait(
                "the device count of the integration page", same_count, 30
            )
            await page.get_by_role("link", name=f"{count} devices", exact=True).click()
            await page.wait_for_url("**/config/devices/dashboard**")
            await (
                page.get_by_text(self.hostname, exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            await page.get_by_role("textbox", name=f"Search {count} devices").wait_for()
            notes.append(f"{count} devices")
            notes.append(f"screenshot {await self.shot('04-devices-list')}")

    async def check_entities(
        self,
        device: dict[str, Any],
        states: dict[str, Any],
        entities: list[dict[str, Any]],
    ) -> int:
        """Check each enabled, visible entity of the device is on its page by name."""
        shown = [
            e
            for e in entities
            if e["device_id"] == device["id"]
            and not e["disabled_by"]
            and not e["hidden_by"]
        ]
        if not shown:
            raise CheckError(f"device {device['name']!r} has no enabled entities")
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        # The page renders its cards after the URL changes, one by one: wait for
        # each name, all under one deadline, instead of counting what is there now.
        deadline = time.monotonic() + ENTITY_WAIT
        missing = []
        for entity in shown:
            name = states[entity["entity_id"]]["attributes"].get("friendly_name", "")
            label = name.removeprefix(device["name"]).strip() or name
            left = max(deadline - time.monotonic(), 0.1)
            try:
                await (
                    self.page.get_by_text(label, exact=True)
                    .filter(visible=True)
                    .first.wait_for(timeout=left * 1000)
                )
            except PlaywrightTimeout:
                missing.append(entity["entity_id"])
        if missing:
            raise CheckError(f"not on the device page: {', '.join(missing)}")
        return len(shown)

    async def server_device(self) -> None:
        """Check the server device page: its model, maker and entities."""
        page = self.page
        async with self.step(
            "server device page shows the server and its entities"
        ) as notes:
            await page.get_by_text(self.hostname, exact=True).click()
            await page.wait_for_url("**/config/devices/device/**")
            devices, entities, states = await self.registry()
            server = next(
                (
                    d
                    for d in devices
                    if d["name"] == self.hostname and not d["via_device_id"]
                ),
                None,
            )
            if server is None:
                raise CheckError(
                    f"no server device named {self.hostname!r} in the registry"
                )
            if not page.url.endswith(f"/device/{server['id']}"):
                raise CheckError(
                    f"opened {page.url}, not the server device {server['id']}"
                )
            await (
                page.get_by_text(server["model"], exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            await (
                page.get_by_text(f"by {server['manufacturer']}", exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            count = await self.check_entities(server, states, entities)
            notes.append(
                f"{server['manufacturer']} {server['model']}, {count} entities listed"
            )
            notes.append(f"screenshot {await self.shot('05-server-device')}")

    async def dashboard(self) -> None:
        """Render the example dashboard (docs/dashboard.yaml): no error cards."""
        page = self.page
        name = "example dashboard docs/dashboard.yaml renders"
        async with self.step(name, soft=self.args.dashboard != "strict") as notes:
            await page.goto(f"{self.ha_url}/{DASHBOARD_PATH}/0")
            await (
                page.get_by_text(self.hostname, exact=True)
                .filter(visible=True)
                .first.wait_for()
            )
            await page.wait_for_timeout(2000)  # cards render lazily
            _, _, states = await self.registry()
            used = set(ENTITY_ID.findall(DASHBOARD.read_text()))
            if missing := sorted(used - set(states)):
                raise CheckError(
                    f"{len(missing)} of its {len(used)} entities do not exist: {', '.join(missing)}"
                )
            broken = page.locator("hui-error-card:visible, hui-warning:visible")
            if n := await broken.count():
                texts = [t.strip() for t in await broken.all_inner_texts()][:3]
                raise CheckError(f"{n} error cards: {texts}")
            notes.append(f"{len(used)} entities, all present")
            notes.append(f"screenshot {await self.shot('08-dashboard')}")
        await page.go_back()
        await page.wait_for_url("**/config/devices/device/**")

    async def container_switch(self) -> None:
        """Turn a container's "Running" off on its device page: the simulator stops it."""
        page = self.page
        running = self.tr("entity", "switch", "container_running", "name")
        containers = await self.sim_get("/docker")
        name = next(c["name"] for c in containers if c["state"] == "running")
        device_name = f"{self.hostname} {name}"
        async with self.step(
            f"container device {device_name!r}: {running} off stops it"
        ) as notes:
            await page.go_back()
            await page.wait_for_url("**/config/devices/dashboard**")
            search = page.get_by_role(
                "textbox", name=re.compile(r"^Search \d+ devices$")
            )
            await search.fill(name)
            await page.get_by_text(device_name, exact=True).click()
            await page.wait_for_url("**/config/devices/device/**")
            devices, entities, states = await self.registry()
            device = next(d for d in devices if d["name"] == device_name)
            await self.check_entities(device, states, entities)
            switch = page.get_by_role("switch", name=re.compile(rf"\b{running}\b"))
            if not await switch.is_checked():
                raise CheckError(
                    f"the {running} switch is off while the container runs"
                )
            notes.append(f"screenshot {await self.shot('06-container-device')}")
            start = time.monotonic()
            await switch.click()

            async def exited() -> str | None:
                found = next(
                    c for c in await self.sim_get("/docker") if c["name"] == name
                )
                return found["state"] if found["state"] == "exited" else None

            await self.wait(
                f"the simulator's {name} to exit", exited, 60, interval=0.25
            )
            notes.append(f"simulator: exited after {time.monotonic() - start:.1f} s")
            if await switch.is_checked():
                raise CheckError(f"the {running} switch is on again")
            # The entity row slots its state text next to the name in its shadow DOM.
            state = self.tr("entity", "sensor", "container_state", "name")
            exited_text = self.tr(
                "entity", "sensor", "container_state", "state", "exited"
            )
            row = page.locator("hui-generic-entity-row").filter(
                has=page.get_by_text(state, exact=True)
            )
            await row.filter(has_text=exited_text).filter(visible=True).wait_for()
            notes.append(f"page shows {state} {exited_text}")
            notes.append(f"screenshot {await self.shot('07-container-stopped')}")

    async def collect_secrets(self) -> None:
        """Read the simulator's identifying values from its REST API."""
        # The paths the simulator serves, and how its identifying values are found.
        from uma_simulator.identifying import values_under
        from uma_simulator.routes_read import CACHED

        data = {path: await self.sim_get(path) for path in [*CACHED, "/docker"]}
        self.secrets = {
            "token": {TOKEN},
            "host": {"127.0.0.1"},
            "hostname": {self.hostname},
            "guid": {data["/registration"]["guid"]},
        }
        for kind, keys in SECRET_KEYS.items():
            self.secrets[kind] = values_under(data, keys) - NOT_SECRET
        for kind in ("serials", "macs", "ips", "remote servers"):
            if not self.secrets[kind]:
                raise CheckError(
                    f"the simulator serves no {kind}: the check would be empty"
                )

    async def diagnostics(self) -> None:
        """Download diagnostics (integration page, hub menu): nothing identifying."""
        page = self.page
        async with self.step("diagnostics downloaded, no secret in them") as notes:
            await (
                page.get_by_text("Unraid Management Agent", exact=True)
                .filter(visible=True)
                .first.click()
            )
            await page.wait_for_url(f"**/config/integrations/integration/{DOMAIN}**")
            hub = page.locator("ha-config-entry-row").first
            await hub.get_by_role("button", name="Menu").first.click()
            async with page.expect_download() as info:
                await page.get_by_role("menuitem", name="Download diagnostics").click()
            download = await info.value
            path = self.work / download.suggested_filename
            await download.save_as(path)
            text = path.read_text()
            dump = json.loads(text)
            if (
                dump.get("integration_manifest", {}).get("domain") != DOMAIN
                or self.entry_id not in path.name
                or "entry" not in dump.get("data", {})
            ):
                raise CheckError(
                    f"{path.name} is not the dump of the entry {self.entry_id}"
                )
            lower = text.lower()
            leaks = {
                kind: sorted(v for v in values if v.lower() in lower)
                for kind, values in self.secrets.items()
            }
            leaks = {kind: found for kind, found in leaks.items() if found}
            if IPV4.findall(text):
                leaks["IPv4"] = sorted(set(IPV4.findall(text)))
            if MAC.findall(text):
                leaks["MAC"] = sorted(set(MAC.findall(text)))
            if leaks:
                raise CheckError(f"{path.name} leaks {leaks}")
            checked = sum(len(v) for v in self.secrets.values())
            notes.append(
                f"{path.name}, {len(text) // 1024} KiB, {checked} values checked"
            )

    async def browse(self) -> None:
        """Run the browser steps."""
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=self.args.chromium, headless=True, args=CHROMIUM_FLAGS
            )
            try:
                stack = contextlib.ExitStack()
                context = await browser.new_context(
                    viewport={"width": 1280, "height": 900},
                    locale="en-US",
                    timezone_id="UTC",
                    accept_downloads=True,
                )
                context.set_default_timeout(self.args.action_timeout * 1000)
                await context.route("**/*", self.route)
                self.page = await context.new_page()
                console = stack.enter_context((self.work / "browser.log").open("a"))
                self.page.on(
                    "console", lambda m: console.write(f"{m.type}: {m.text}\n")
                )
                self.page.on("pageerror", lambda e: console.write(f"pageerror: {e}\n"))
                await self.log_in()
                await self.add_integration()
                await self.devices_list()
                await self.server_device()
                if DASHBOARD.exists() and self.args.dashboard != "off":
                    await self.dashboard()
                await self.container_switch()
                await self.diagnostics()
            finally:
                self.page = None
                await browser.close()
                stack.close()

    async def run(self) -> int:
        """Run everything; return 0 when every step passed."""
        self.shots.mkdir(parents=True, exist_ok=True)
        async with aiohttp.ClientSession() as self.session:
            self.ha = HomeAssistant(self.session, self.ha_url)
            try:
                await self.start_services()
                await self.browse()
            except StepFailed:
                return 1
            finally:
                await self.ha.revoke()
                await self.stop_all()
        return 0


def free_port() -> int:
    """Return a loopback port nothing listens on (for the wrong-port attempt)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def main_async(args: argparse.Namespace) -> int:
    """Run, and turn SIGTERM / SIGINT into a clean stop."""
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    assert task is not None
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    try:
        return await Run(args).run()
    except asyncio.CancelledError:
        say("FAIL  interrupted; stopped what was started")
        return 1


def main() -> int:
    """Parse the command line and run."""
    sys.path.insert(1, str(ROOT))  # uma_simulator
    if extra := os.environ.get("E2E_PYTHONPATH"):
        sys.path.append(
            extra
        )  # Playwright, installed by scripts/e2e; .venv's packages win
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work", required=True, help="an empty directory for logs and config"
    )
    parser.add_argument("--shots", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--ha-port", type=int, default=18124)
    parser.add_argument("--uma-port", type=int, default=18044)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--dashboard",
        choices=["off", "note", "strict"],
        default="note",
        help="the docs/dashboard.yaml step: skipped, a NOTE when it fails, or counted",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=2400,
        help="seconds until scripts/develop is ready (first-run installs)",
    )
    parser.add_argument(
        "--action-timeout",
        type=float,
        default=60,
        help="seconds for one browser action",
    )
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
