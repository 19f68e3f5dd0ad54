"""Soak under faults: a real Home Assistant against the simulator, once per agent profile.

For each agent version profile, this starts the simulator's ``large`` scenario in this
process (at a raised speed, so minutes of the agent's collections pass per wall minute)
and ``scripts/develop`` without its own simulator (a real ``hass`` from .venv on a fresh
config directory, onboarded as dev / dev), adds the integration through the REST
config-flow API, and then, for a bounded time, injects faults at random, one at a time:
a dropped stream, a stall (frames stop while pings go on), a garbage frame, a non-finite
number, an agent restart, and REST answering 429, 500 or a 200 with an error body.

Every ``--sample`` seconds it reads the entry's diagnostics and counts *silently stale*
entities: entities of a topic whose last data is older than the integration's own limit
for it (``overdue_after_seconds``, plus ``SLACK`` for the re-read to land) while the
integration still calls the topic current (not failed, server answering), i.e. values
shown as live that are not.

At the end it clears the faults, waits for the integration to recover, freezes the
simulator's clock and republishes every pushed topic, and then checks every entity:

* **against the simulator directly**: each container's and VM's running switch and state
  sensor against what the simulator's agent reports (its REST cache);
* **against a fresh read**: every entity's state is recorded, the entry is reloaded (a new
  setup reads everything over REST from the frozen simulator), and the states are
  compared. A value that a fresh read would show differently is a mismatch: an update
  that was lost or a value left stale by the faults.

It prints one table row per profile: frames sent, faults by kind, reconnects, states
checked, mismatches, stale entities, errors and tracebacks in Home Assistant's log, and
Home Assistant's memory (RSS) at the start and the end. Exit status 0 only when every
goal (0 mismatches, 0 stale entities, 0 errors or tracebacks of this integration in the
log) is met; other components' errors (e.g. ffmpeg, absent on a bare machine, which the
onboarding's text-to-speech sets up) are counted and listed apart.

    scripts/soak                       # 10 minutes per profile, every profile
    scripts/soak --minutes 2 --profiles current 2025.11.0
    scripts/soak --markdown docs/soak.md   # also write the results as Markdown
    scripts/soak --parallel                # every profile at once, each its own hass
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
import os
from pathlib import Path
import random
import re
import signal
import sys
import tempfile
import time
from typing import Any, cast

import aiohttp
from aiohttp import web
import ha_dev
from ha_dev import DEV_PASSWORD, DEV_USER, DOMAIN, CheckError, HomeAssistant

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from custom_components.unraid_management_agent.data import (  # noqa: E402
    BOOT_TIME_TOLERANCE,
)
from uma_simulator import Simulator, create_app  # noqa: E402
from uma_simulator.collectors import TOPICS  # noqa: E402
from uma_simulator.faults import GARBAGE_KINDS, RestMode  # noqa: E402
from uma_simulator.profiles import PROFILES  # noqa: E402

FAULTS = ("drop", "stall", "garbage", "nonfinite", "restart", "429", "500", "error200")
#: Faults that last a while (wall seconds, drawn uniformly); the others are instant.
HELD = {"stall": (20.0, 120.0), "429": (10.0, 60.0), "500": (10.0, 60.0)}
HELD["error200"] = HELD["500"]
NONFINITE = ("NaN", "Infinity", "-Infinity", "1e999")
#: Seconds past a topic's own limit before its value counts as silently stale: the
#: integration checks freshness every few seconds and its REST re-read takes a moment.
SLACK = 30.0
#: States of an entity that say it is not current (never counted as stale).
NOT_CURRENT = {"unavailable"}
LOG_PROBLEM = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) ")
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.MULTILINE)
OURS = f"[custom_components.{DOMAIN}"
OURS_PATH = f"custom_components/{DOMAIN}/"
#: Per list topic: the device prefix, and the agent's states in which it runs.
RUNNING = {
    ("container_list_update", "container"): ("running", "paused", "restarting"),
    ("vm_list_update", "vm"): ("running", "paused", "blocked"),
}
#: Time stamps derived from the agent's uptime: the integration keeps the boot
#: time it derived first unless a new derivation moves it by more than its
#: tolerance (``BOOT_TIME_TOLERANCE``, 60 s: uptime jitters), so a fresh read
#: may put it up to that much elsewhere. Within this many seconds they agree.
CLOCK_DERIVED = {"_boot_time": BOOT_TIME_TOLERANCE.total_seconds()}
RELOGIN_AFTER = 20 * 60.0  # seconds; Home Assistant's access tokens last 30 minutes
MEMORY_EVERY = 300.0  # seconds between two notes of Home Assistant's memory
FROZEN = 1e-9  # simulated seconds per wall second while the final check runs


def say(message: str) -> None:
    """Print one line at once."""
    print(f"soak: {message}", flush=True)


@dataclass
class Result:
    """What one profile's soak measured."""

    profile: str
    minutes: float
    frames: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    reconnects: int = 0
    recovery: float = 0.0
    checked: int = 0
    direct: int = 0
    mismatches: list[str] = field(default_factory=list)
    stale: int = 0
    stale_notes: list[str] = field(default_factory=list)
    log_problems: list[str] = field(default_factory=list)
    #: errors of other components (e.g. ffmpeg missing on this machine): listed only
    other_log: list[str] = field(default_factory=list)
    memory: tuple[float, float] = (0.0, 0.0)
    #: Home Assistant's RSS (MiB) every ``MEMORY_EVERY`` seconds of the faults
    memory_trace: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Every goal met."""
        return (
            self.error is None
            and not self.mismatches
            and not self.stale
            and not self.log_problems
        )


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (0 when it cannot be read)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def find_hass(config: Path) -> int | None:
    """Return the pid of the ``hass`` running on ``config``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if any(a.endswith(b"/hass") for a in argv) and str(config).encode() in argv:
                return int(entry.name)
    return None


class Soak:
    """One profile's run: the simulator here, Home Assistant in scripts/develop."""

    def __init__(
        self, args: argparse.Namespace, profile: str, work: Path, slot: int = 0
    ) -> None:
        """Remember the settings; ``slot`` offsets the ports (runs side by side)."""
        self.args = args
        self.ha_port = args.ha_port + slot
        self.uma_port = args.uma_port + slot
        self.rng = random.Random(f"{args.seed}-{profile}")
        self.result = Result(profile, args.minutes)
        self.work = work
        self.config = work / "config"
        self.sim = Simulator(
            scenario="large", seed=args.seed, profile=profile, speed=args.speed
        )
        self.ha_url = f"http://127.0.0.1:{self.ha_port}"
        self.session: aiohttp.ClientSession
        self.ha: HomeAssistant
        self.entry_id = ""
        self.hass_pid: int | None = None
        self.logged_in_at = 0.0

    # ---------------------------------------------------------------- plumbing
    async def wait[T](
        self, what: str, probe: Callable[[], Awaitable[T | None]], seconds: float
    ) -> T:
        """Poll ``probe`` until it returns something, for at most ``seconds``."""
        return await ha_dev.wait_until(
            what, probe, time.monotonic() + seconds, interval=1.0
        )

    async def fresh_login(self) -> None:
        """Log in again before the access token expires (Home Assistant's last 30 min)."""
        if time.monotonic() - self.logged_in_at > RELOGIN_AFTER:
            await self.ha.login(DEV_USER, DEV_PASSWORD)
            self.logged_in_at = time.monotonic()

    async def diagnostics(self) -> dict[str, Any]:
        """Return the entry's diagnostics, as Home Assistant's download serves them."""
        await self.fresh_login()
        _, body = await self.ha.request(
            "GET", f"/api/diagnostics/config_entry/{self.entry_id}"
        )
        return dict(body["data"])

    async def states(self) -> dict[str, str]:
        """State of every enabled entity of the entry, by unique id."""
        await self.fresh_login()
        (registry,) = await self.ha.ws({"type": "config/entity_registry/list"})
        ours = {
            e["entity_id"]: e["unique_id"]
            for e in registry
            if e.get("config_entry_id") == self.entry_id and not e["disabled_by"]
        }
        _, states = await self.ha.request("GET", "/api/states")
        return {
            ours[s["entity_id"]]: s["state"] for s in states if s["entity_id"] in ours
        }

    async def entry_state(self) -> str | None:
        """Return the entry's state (None when it has none)."""
        await self.fresh_login()
        _, entries = await self.ha.request(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        return next(
            (e["state"] for e in entries if e["entry_id"] == self.entry_id), None
        )

    # ---------------------------------------------------------------- phases
    async def start_home_assistant(
        self, procs: list[asyncio.subprocess.Process]
    ) -> None:
        """Start scripts/develop on a fresh config directory; wait until it is ready."""
        self.config.mkdir(parents=True)
        text = (ROOT / "config" / "configuration.yaml").read_text()
        # Debug logs of a large server at raised speed would drown the log.
        text = text.replace(
            "custom_components.unraid_management_agent: debug",
            "custom_components.unraid_management_agent: info",
        )
        (self.config / "configuration.yaml").write_text(text)
        log = self.work / "develop.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                str(ROOT / "scripts" / "develop"),
                cwd=ROOT,
                env={
                    **os.environ,
                    "HA_CONFIG": str(self.config),
                    "HA_PORT": str(self.ha_port),
                    "UMA_SIMULATOR": "0",
                    "UMA_READY_TIMEOUT": "900",
                },
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        procs.append(proc)

        async def verdict() -> str | None:
            text = log.read_text(errors="replace")
            if "develop: ready" in text:
                return "ready"
            if "NOT READY" in text or "FAILED" in text or proc.returncode is not None:
                raise CheckError(f"scripts/develop did not get ready (log: {log})")
            return None

        await self.wait("scripts/develop to be ready", verdict, 900)
        await self.ha.login(DEV_USER, DEV_PASSWORD)
        self.logged_in_at = time.monotonic()
        self.hass_pid = find_hass(self.config)

    async def add_entry(self) -> int:
        """Add the integration through the config-flow API; wait for its entities."""
        _, flow = await self.ha.request(
            "POST",
            "/api/config/config_entries/flow",
            json={"handler": DOMAIN, "show_advanced_options": False},
        )
        _, done = await self.ha.request(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            json={"host": "127.0.0.1", "port": self.uma_port},
        )
        if done.get("type") != "create_entry":
            raise CheckError(f"the config flow did not create an entry: {done}")
        self.entry_id = done["result"]["entry_id"]
        return len(await self.settled())

    async def settled(self, *, values: bool = False) -> dict[str, str]:
        """Wait until the entry is loaded and its entities stop changing for 5 s.

        The set of entities with a state, and with ``values`` (the agent frozen)
        their states too: a running agent changes some value every second.
        """

        async def loaded() -> str | None:
            state = await self.entry_state()
            if state in {"setup_error", "migration_error", "failed_unload"}:
                raise CheckError(f"the entry's state is {state}")
            return state if state == "loaded" else None

        await self.wait("the entry to load", loaded, 300)
        last: dict[str, str] = {}
        still = 0.0
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now = await self.states()
            same = now == last if values else now.keys() == last.keys()
            still = still + 1.0 if same and now else 0.0
            if still >= 5:
                return now
            last = now
            await asyncio.sleep(1.0)
        return last

    async def soak(self) -> None:
        """Inject faults at random until the time is up; sample staleness meanwhile."""
        end = time.monotonic() + self.args.minutes * 60
        sampler = asyncio.create_task(self.sample_until(end))
        try:
            while (left := end - time.monotonic()) > 0:
                gap = min(max(self.rng.expovariate(1 / self.args.gap), 2.0), left)
                await asyncio.sleep(gap)
                if end - time.monotonic() <= 0:
                    break
                kind = self.rng.choice(FAULTS)
                self.result.faults[kind] += 1
                await self.inject(kind, end)
        except BaseException:
            sampler.cancel()  # interrupted: the sampler would run until the end
            raise
        finally:
            self.sim.faults.clear()
        await sampler

    async def inject(self, kind: str, end: float) -> None:
        """Apply one fault; a held one is cleared after its time (or at the end)."""
        faults = self.sim.faults
        if kind == "drop":
            faults.drop_websockets()
        elif kind == "garbage":
            faults.send_garbage(self.rng.choice(GARBAGE_KINDS))
        elif kind == "nonfinite":
            faults.send_nonfinite(
                "system_update", cpu_usage_percent=self.rng.choice(NONFINITE)
            )
        elif kind == "restart":
            faults.restart()
        else:
            low, high = HELD[kind]
            hold = min(self.rng.uniform(low, high), max(end - time.monotonic(), 1.0))
            if kind == "stall":
                faults.stall = True
            else:
                faults.rest_mode = cast("RestMode", kind)
            try:
                await asyncio.sleep(hold)
            finally:
                faults.stall = False
                faults.rest_mode = None

    async def sample_until(self, end: float) -> None:
        """Every ``--sample`` seconds, count entities shown as current that are not.

        Home Assistant's memory is noted every ``MEMORY_EVERY`` seconds too.
        """
        next_memory = time.monotonic() + MEMORY_EVERY
        while time.monotonic() < end:
            await asyncio.sleep(min(self.args.sample, max(end - time.monotonic(), 0)))
            if time.monotonic() >= next_memory:
                self.result.memory_trace.append(self.memory())
                next_memory += MEMORY_EVERY
            with contextlib.suppress(aiohttp.ClientError, TimeoutError, CheckError):
                stale, notes = silently_stale(await self.diagnostics())
                if stale:
                    self.result.stale += stale
                    self.result.stale_notes += notes

    async def recover(self) -> float:
        """With the faults cleared, wait until every topic is current again."""
        start = time.monotonic()

        async def current() -> bool | None:
            diag = await self.diagnostics()
            connection = diag["connection"]
            overdue = overdue_topics(diag, slack=0.0)
            healthy = (
                connection["mode"] == "push"
                and connection["last_update_success"]
                and not connection["failed_topics"]
                and not overdue
            )
            return True if healthy else None

        await self.wait("the integration to recover from the faults", current, 300)
        return time.monotonic() - start

    async def final_check(self) -> None:
        """Freeze the agent, then compare every entity with it and with a fresh read."""
        sim = self.sim
        sim.speed = FROZEN
        for topic in TOPICS:
            if sim.profile.pushes(topic):
                sim.publish(topic)
        await asyncio.sleep(5)
        before = await self.states()
        stale, notes = silently_stale(await self.diagnostics())
        self.result.stale += stale
        self.result.stale_notes += notes
        self.result.memory = (self.result.memory[0], self.memory())
        self.result.direct, wrong = self.direct_checks(before)
        self.result.mismatches += wrong
        await self.ha.request(
            "POST", f"/api/config/config_entries/entry/{self.entry_id}/reload"
        )
        await asyncio.sleep(2)
        after = await self.settled(values=True)
        self.result.checked = len(before.keys() & after.keys()) + self.result.direct
        for unique_id in sorted(before.keys() | after.keys()):
            was, fresh = before.get(unique_id), after.get(unique_id)
            if was != fresh and not same_moment(unique_id, was, fresh):
                self.result.mismatches.append(
                    f"{unique_id}: {was!r} shown, a fresh read shows {fresh!r}"
                )

    def direct_checks(self, states: dict[str, str]) -> tuple[int, list[str]]:
        """Containers' and VMs' running switches and states against the simulator.

        As Unraid shows them: a paused (or restarting) container and a paused or
        blocked VM still run; the state sensor shows the agent's state word.
        """
        guid = next(iter(states), "").split("_", 1)[0]
        checks = 0
        wrong = []
        for (topic, prefix), running in RUNNING.items():
            for item in self.sim.caches.get(topic) or []:
                base = f"{guid}_{prefix}_{item['name']}"
                state = str(item["state"])
                expect = {
                    f"{base}_running": "on" if state in running else "off",
                    f"{base}_state": state.replace(" ", "_"),
                }
                for unique_id, value in expect.items():
                    if unique_id not in states:
                        continue
                    checks += 1
                    if states[unique_id] != value:
                        wrong.append(
                            f"{unique_id}: {states[unique_id]!r} shown, the agent says {value!r}"
                        )
        return checks, wrong

    def memory(self) -> float:
        """Home Assistant's RSS in MiB."""
        return rss_mib(self.hass_pid) if self.hass_pid else 0.0

    def scan_log(self) -> None:
        """Errors, criticals and tracebacks in Home Assistant's log, ours and others'."""
        log = self.config / "home-assistant.log"
        if not log.exists():
            return
        for record in log_records(log.read_text(errors="replace")):
            first = record.splitlines()[0]
            if not (LOG_PROBLEM.search(first) or "Traceback" in record):
                continue
            if OURS in first or OURS_PATH in record:
                self.result.log_problems.append(first)
            else:
                self.result.other_log.append(first)

    async def run(self) -> Result:
        """Run the whole soak of one profile."""
        sim = self.sim
        runner = web.AppRunner(create_app(sim), handler_cancellation=True)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.uma_port).start()
        sim.start()
        procs: list[asyncio.subprocess.Process] = []
        try:
            async with aiohttp.ClientSession() as self.session:
                self.ha = HomeAssistant(self.session, self.ha_url)
                await self.start_home_assistant(procs)
                count = await self.add_entry()
                self.result.memory = (self.memory(), 0.0)
                say(
                    f"{self.result.profile}: {count} entities loaded; "
                    f"{self.args.minutes:g} min of faults begin"
                )
                await self.soak()
                self.result.recovery = await self.recover()
                diag = await self.diagnostics()
                self.result.reconnects = max(diag["stats"]["connects"] - 1, 0)
                await self.final_check()
        except (CheckError, aiohttp.ClientError, TimeoutError) as err:
            self.result.error = str(err) or type(err).__name__
        finally:
            self.result.frames = sim.hub.frames_sent
            for proc in procs:
                await stop(proc)
            await sim.stop()
            await runner.cleanup()
            self.scan_log()
        return self.result


def same_moment(unique_id: str, was: str | None, fresh: str | None) -> bool:
    """Tell whether two states of a clock-derived time stamp agree (``CLOCK_DERIVED``)."""
    slack = next((v for k, v in CLOCK_DERIVED.items() if unique_id.endswith(k)), None)
    if slack is None or was is None or fresh is None:
        return False
    try:
        gap = datetime.fromisoformat(was) - datetime.fromisoformat(fresh)
    except ValueError:
        return False
    return abs(gap.total_seconds()) <= slack


def log_records(text: str) -> list[str]:
    """Split a log into records: a time-stamped line and what follows it."""
    starts = [m.start() for m in LOG_RECORD.finditer(text)] + [len(text)]
    return [text[a:b] for a, b in zip(starts, starts[1:], strict=False)]


def overdue_topics(diag: dict[str, Any], slack: float) -> dict[str, int]:
    """Topics the integration calls current although their data is overdue.

    A topic counts when its last data is older than the integration's own limit
    for it plus ``slack``, while it is not marked failed and the server answers:
    its entities are shown as available. Returns each such topic's entity count.
    """
    connection = diag["connection"]
    if not connection["last_update_success"]:
        return {}
    now = datetime.now(UTC)
    # Failed and disabled topics show as unavailable; missing ones the agent lacks.
    failed = {
        *connection["failed_topics"],
        *connection["disabled_topics"],
        *connection["missing_topics"],
    }
    found = {}
    for topic, facts in diag["freshness"]["topics"].items():
        if topic in failed or facts["last_data"] is None:
            continue
        age = (now - datetime.fromisoformat(facts["last_data"])).total_seconds()
        if age > facts["overdue_after_seconds"] + slack:
            found[topic] = int(facts.get("entities", 0))
    return found


def silently_stale(diag: dict[str, Any]) -> tuple[int, list[str]]:
    """Count entities shown as current whose topic is overdue (see ``SLACK``)."""
    found = overdue_topics(diag, SLACK)
    notes = [f"{topic} ({n} entities)" for topic, n in found.items()]
    return sum(found.values()), notes


async def stop(proc: asyncio.subprocess.Process) -> None:
    """Stop scripts/develop (it gives Home Assistant 60 s), then kill it."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), 90)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


#: What the table's columns mean (written above it in the Markdown report).
COLUMNS = (
    "- *frames sent*: data frames the simulated agent wrote to Home Assistant;",
    "- *faults*: injected, one at a time (by kind in the second table);",
    "- *reconnects*: event-stream connections after the first (the integration's count);",
    "- *recovery s*: from the last fault's end until every topic was current again;",
    "- *states checked*: entity states compared with a fresh read after a reload against",
    "  the frozen agent, plus containers' and VMs' switches and states compared with the",
    "  simulator itself;",
    "- *mismatches*: states that differ (goal 0);",
    "- *stale entities*: entities shown as available while their topic's data was older",
    "  than the integration's own limit for it plus 30 s, summed over the samples taken every",
    "  15 s during the faults and once at the end (goal 0);",
    "- *log errors*: errors, criticals and tracebacks in Home Assistant's log from this",
    "  integration (goal 0) / from other components (listed below the tables);",
    "- *memory*: Home Assistant's resident memory once the entry loaded, and at the end.",
)


def table(results: list[Result]) -> list[str]:
    """Return the results as Markdown tables."""
    lines = [
        "| profile | minutes | frames sent | faults | reconnects | recovery s | states checked | mismatches | stale entities | log errors ours / others | memory MiB start → end |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines.extend(
        f"| {r.profile} | {r.minutes:g} | {r.frames:,} | {sum(r.faults.values())} "
        f"| {r.reconnects} | {r.recovery:.0f} | {r.checked:,} | {len(r.mismatches)} "
        f"| {r.stale} | {len(r.log_problems)} / {len(r.other_log)} "
        f"| {r.memory[0]:.0f} → {r.memory[1]:.0f} |"
        for r in results
    )
    lines += ["", "| profile | " + " | ".join(FAULTS) + " |"]
    lines.append("|---|" + "---:|" * len(FAULTS))
    for r in results:
        lines.append(
            f"| {r.profile} | " + " | ".join(str(r.faults[k]) for k in FAULTS) + " |"
        )
    return lines


def details(results: list[Result]) -> list[str]:
    """Return what went wrong, profile by profile (the first few of each kind)."""
    lines = []
    for r in results:
        if r.error:
            lines.append(f"- {r.profile}: FAILED TO RUN: {r.error}")
        for label, items in (
            ("mismatch", r.mismatches),
            ("stale", r.stale_notes),
            ("log", r.log_problems),
            ("log of other components (not counted)", r.other_log),
        ):
            lines += [f"- {r.profile}: {label}: {item}" for item in items[:8]]
            if len(items) > 8:
                lines.append(f"- {r.profile}: {label}: … {len(items) - 8} more")
    return lines


def memory_lines(results: list[Result]) -> list[str]:
    """Return each profile's memory over time, when the run was long enough."""
    step = MEMORY_EVERY / 60
    return [
        f"- {r.profile}: memory (MiB) from the start, every {step:g} min: "
        + ", ".join(f"{m:.0f}" for m in (r.memory[0], *r.memory_trace))
        for r in results
        if len(r.memory_trace) > 1
    ]


async def main_async(args: argparse.Namespace) -> int:
    """Soak every chosen profile in turn and print the table."""
    # Interrupted, the run stops what it started (Home Assistant, the simulator).
    task = asyncio.current_task()
    assert task is not None
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, task.cancel)
    base = Path(tempfile.mkdtemp(prefix="uma-soak."))
    say(
        f"{len(args.profiles)} profile(s), {args.minutes:g} min each, speed {args.speed:g}, "
        f"a fault every ~{args.gap:g} s; work in {base}"
    )

    async def one(profile: str, slot: int) -> Result:
        started = time.monotonic()
        result = await Soak(args, profile, base / profile, slot).run()
        verdict = "PASS" if result.ok else "FAIL"
        say(f"{verdict}  {profile} in {time.monotonic() - started:.0f} s")
        for line in details([result]):
            say(f"      {line}")
        return result

    if args.parallel:  # each its own Home Assistant, simulator and ports
        results = list(
            await asyncio.gather(
                *(one(profile, slot) for slot, profile in enumerate(args.profiles))
            )
        )
    else:
        results = [await one(profile, 0) for profile in args.profiles]
    lines = table(results)
    problems = memory_lines(results) + details(results)
    print("\n".join([*lines, *(["", *problems] if problems else [])]), flush=True)
    if args.markdown:
        command = " ".join(["scripts/soak", *sys.argv[1:]])
        Path(args.markdown).write_text(  # noqa: ASYNC240 (once, at the end)
            "\n".join(
                [
                    "# Soak under faults",
                    "",
                    f"Measured {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} cores with `{command}`",
                    f"(scenario `large`, simulator speed {args.speed:g}, a fault every ~{args.gap:g} s on average, seed {args.seed}"
                    + (", the profiles side by side" if args.parallel else "")
                    + ").",
                    "",
                    *COLUMNS,
                    "",
                    *lines,
                    *(["", "## Details", "", *problems] if problems else []),
                    "",
                ]
            )
        )
    return 0 if all(r.ok for r in results) else 1


def main() -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="per profile")
    parser.add_argument(
        "--profiles", nargs="+", choices=sorted(PROFILES), default=sorted(PROFILES)
    )
    parser.add_argument("--speed", type=float, default=10.0, help="simulated s per s")
    parser.add_argument("--gap", type=float, default=20.0, help="mean s between faults")
    parser.add_argument("--sample", type=float, default=15.0, help="s between samples")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ha-port", type=int, default=18125)
    parser.add_argument("--uma-port", type=int, default=18045)
    parser.add_argument(
        "--parallel",
        action="store_true",
        help="run the profiles side by side (ports counted up from the given ones)",
    )
    parser.add_argument("--markdown", help="also write the results to this file")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
