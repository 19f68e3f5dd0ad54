"""``scripts/bench.py --servers N``: N ``large`` servers in one Home Assistant.

The simulators run in a child process (``bench.py --serve N``), so that only
Home Assistant runs in this one: its loop blocks and its memory are ours.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
import socket
import statistics
import sys
import time
from typing import Any
from unittest.mock import patch

from aiohttp import ThreadedResolver, web
from bench_common import (
    FLAT_GOAL,
    MEMORY_GOAL_MB,
    SLOW,
    START,
    FrameCosts,
    LoopBlocks,
    gc_pauses,
    mark,
    rss_mb,
)
from homeassistant import loader
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.unraid_management_agent.const import DOMAIN
from uma_simulator import Simulator, create_app
from uma_simulator.scenario_system import server_guid

BENCH = Path(__file__).with_name("bench.py")


async def serve(count: int) -> None:
    """Child process: ``count`` large simulators.

    Commands on stdin: ``burst``, ``caches N``, ``pause``, ``resume``, ``quit``.
    """
    sims: list[Simulator] = []
    runners = []
    ports = []
    sent = [0] * count
    for index in range(count):
        sim = Simulator(scenario="large", seed=index + 1, start_time=START)
        hub_send = sim.hub._send  # noqa: SLF001

        def counted(
            client: Any, frame: bytes, i: int = index, send: Any = hub_send
        ) -> None:
            sent[i] += 1
            send(client, frame)

        sim.hub._send = counted  # type: ignore[method-assign]  # noqa: SLF001
        runner = web.AppRunner(create_app(sim))
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        ports.append(sock.getsockname()[1])
        await web.SockSite(runner, sock).start()
        sim.start()  # the real-time clock: frames keep coming as they would
        sims.append(sim)
        runners.append(runner)
    print(json.dumps({"ports": ports}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), sys.stdin
    )
    while line := (await reader.readline()).decode().strip():
        command, *args = line.split()
        if command == "burst":
            before = list(sent)
            for sim in sims:
                sim.advance(60.0)  # a minute's collections, all due at once
            answer: Any = [now - then for now, then in zip(sent, before, strict=True)]
        elif command == "caches":
            answer = sims[int(args[0])].caches
        elif command in ("pause", "resume"):
            # No simulated work while Home Assistant's costs are measured.
            for sim in sims:
                if command == "pause":
                    await sim.stop()
                else:
                    sim.start()
            answer = command
        else:
            break
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    for sim, runner in zip(sims, runners, strict=True):
        await sim.stop()
        await runner.cleanup()


class Simulators:
    """The child process running the simulators."""

    def __init__(self, process: asyncio.subprocess.Process, ports: list[int]) -> None:
        """Wrap a started child."""
        self.process = process
        self.ports = ports

    @classmethod
    async def start(cls, count: int) -> Simulators:
        """Start ``count`` simulators in a child process."""
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(BENCH),
            "--serve",
            str(count),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=64 * 1024 * 1024,
        )
        assert process.stdout is not None
        ports = json.loads(await process.stdout.readline())["ports"]
        return cls(process, ports)

    async def ask(self, command: str) -> Any:
        """Send one command; return its JSON answer."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()
        return json.loads(await self.process.stdout.readline())

    async def stop(self) -> None:
        """Stop the child."""
        assert self.process.stdin is not None
        self.process.stdin.write(b"quit\n")
        await self.process.stdin.drain()
        await self.process.wait()


#: The topics whose per-frame cost is compared between 1 and 10 servers.
FLAT_TOPICS = (
    "system_update",
    "disk_list_update",
    "container_list_update",
    "notifications_update",
)


async def _costs(
    sims: Simulators, costs: FrameCosts, rounds: int = 9
) -> dict[str, float]:
    """CPU µs per frame of ``FLAT_TOPICS``, unchanged and one value changed.

    This thread's CPU time, and the least of ``rounds`` medians: other work
    on the machine only ever adds time, so the least is the steadiest. The
    simulators' clocks stand still meanwhile (their process would compete
    for the CPU, more so with 10 clients than with 1).
    """
    found: dict[str, list[float]] = {}
    await sims.ask("pause")
    for _ in range(rounds):
        for topic in FLAT_TOPICS:
            row = costs.measure(topic, repeat=20, cpu=True)
            found.setdefault(topic, []).append(row["unchanged"])
            found.setdefault(f"{topic} (one value changed)", []).append(row["changed"])
            await asyncio.sleep(0)
    await sims.ask("resume")
    return {label: min(samples) for label, samples in found.items()}


async def _many_servers(hass: HomeAssistant, sims: Simulators) -> None:
    count = len(sims.ports)
    entries = []
    setups = []
    setup_slow: list[tuple[float, str]] = []
    setup_gc: list[float] = []
    baseline = rss_mb()
    costs_one: dict[str, float] = {}
    costs_first: FrameCosts | None = None
    for index, port in enumerate(sims.ports):
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=f"tower{index + 1}",
            unique_id=server_guid(index + 1).lower(),
            data={"host": "127.0.0.1", "port": port},
        )
        entry.add_to_hass(hass)
        before = rss_mb()
        blocks = LoopBlocks()
        with blocks.measure(), gc_pauses() as pauses:
            start = time.perf_counter()
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            seconds = time.perf_counter() - start
        setup_slow.extend(blocks.slow)
        setup_gc.extend(pauses)
        setups.append(
            (
                index + 1,
                len(hass.states.async_all()),
                seconds,
                rss_mb() - before,
                blocks.longest,
            )
        )
        entries.append(entry)
        if index == 0:
            caches = await sims.ask("caches 0")
            costs_first = FrameCosts(entry.runtime_data, caches)
            costs_one = await _costs(sims, costs_first)
    total_mb = rss_mb() - baseline
    assert costs_first is not None
    costs_all = await _costs(sims, costs_first)

    frames = sum(e.runtime_data.stats.frames_total for e in entries)
    blocks = LoopBlocks()
    with blocks.measure(), gc_pauses() as pauses:
        start = time.perf_counter()
        sent = await sims.ask("burst")
        expected = frames + sum(sent)
        while sum(e.runtime_data.stats.frames_total for e in entries) < expected:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await hass.async_block_till_done()
        burst_seconds = time.perf_counter() - start

    per_server = total_mb / count
    print(f"{count} 'large' servers in one Home Assistant; {os.cpu_count()} cores\n")
    print(
        "| server | entities in HA | setup s | RSS added MB | longest loop block ms |"
    )
    print("|---:|---:|---:|---:|---:|")
    for number, entities, seconds, added, longest in setups:
        print(
            f"| {number} | {entities:,} | {seconds:.2f} | {added:.1f} "
            f"| {longest * 1000:.0f} |"
        )
    setup_longest = max(row[4] for row in setups)
    print(
        f"\nSetup: median {statistics.median(r[2] for r in setups):.2f} s per server; "
        f"memory {per_server:.1f} MB per server (RSS, {total_mb:.0f} MB for "
        f"{count}; goal < {MEMORY_GOAL_MB:.0f}: {mark(per_server < MEMORY_GOAL_MB)}); "
        f"longest loop block {setup_longest * 1000:.0f} ms "
        f"(goal < {SLOW * 1000:.0f}: {mark(setup_longest < SLOW)}); garbage "
        f"collector passes meanwhile: {len(setup_gc)}, the longest "
        f"{max(setup_gc, default=0.0) * 1000:.0f} ms."
    )
    for took, what in sorted(setup_slow, reverse=True)[:3]:
        print(f"  {took * 1000:.0f} ms: {what}")
    print(
        f"\nBurst: {sum(sent)} frames from {count} servers at once (a minute's "
        f"collections each), all applied in {burst_seconds:.2f} s; longest loop "
        f"block {blocks.longest * 1000:.0f} ms (goal < {SLOW * 1000:.0f}: "
        f"{mark(blocks.longest < SLOW)}); steps over {SLOW * 1000:.0f} ms: "
        f"{sum(1 for took in blocks.durations if took > SLOW)}."
    )
    for took, what in sorted(blocks.slow, reverse=True)[:3]:
        print(f"  {took * 1000:.0f} ms: {what}")
    print(
        f"Garbage collector meanwhile: {len(pauses)} passes, the longest "
        f"{max(pauses, default=0.0) * 1000:.0f} ms."
    )
    await _flatness(hass, sims, entries, costs_first, costs_one, costs_all)


async def _flatness(
    hass: HomeAssistant,
    sims: Simulators,
    entries: list[MockConfigEntry],
    costs: FrameCosts,
    one: dict[str, float],
    many: dict[str, float],
) -> None:
    """Alternate 1 and all servers; compare the least cost of each."""
    ones, manys = [one], [many]
    for cycle in range(2):
        for entry in entries[1:]:
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
        ones.append(await _costs(sims, costs))
        if cycle == 0:
            for entry in entries[1:]:
                assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            manys.append(await _costs(sims, costs))
    print(
        f"\n| frame (server 1), CPU µs | 1 server (3 times) | {len(entries)} servers "
        "(2 times) | change, least against least | flat (at most 10 % more) |"
    )
    print("|---|---:|---:|---:|:-:|")
    for label in one:
        alone = [round(sample[label]) for sample in ones]
        shared = [round(sample[label]) for sample in manys]
        # Other work on the machine only ever adds time: the least is the cost.
        change = min(shared) / min(alone) - 1
        print(
            f"| {label} | {', '.join(map(str, alone))} "
            f"| {', '.join(map(str, shared))} | {change:+.0%} "
            f"| {mark(change <= FLAT_GOAL)} |"
        )
    await hass.config_entries.async_unload(entries[0].entry_id)
    await hass.async_block_till_done()


async def bench_many(count: int) -> None:
    """Set up ``count`` large servers and print their table."""
    sims = await Simulators.start(count)
    try:
        with patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=ThreadedResolver(),
        ):
            async with async_test_home_assistant() as hass:
                hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
                await _many_servers(hass, sims)
    finally:
        await sims.stop()
