"""Command line: ``python -m uma_simulator --host 127.0.0.1 --port 8043 --scenario home``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib

from aiohttp import web

from .profiles import LEGACY, PROFILES
from .server import create_app
from .simulator import Simulator
from .spec import SCENARIOS


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m uma_simulator",
        description="Simulated Unraid Management Agent (REST + WebSocket).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8043, help="port (default 8043)")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="home")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per wall second"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=None,
        help="agent generation: what it pushes, serves, limits and gets wrong"
        " (default: current)",
    )
    parser.add_argument(
        "--legacy",
        action="store_true",
        help=f'the profile {LEGACY}: "event":"update" like agents before 2026.03',
    )
    parser.add_argument("--token", default=None, help="require this bearer token")
    return parser.parse_args(argv)


async def serve(
    args: argparse.Namespace,
    ready: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the simulator in real time until ``stop`` is set (or forever)."""
    sim = Simulator(
        scenario=args.scenario,
        seed=args.seed,
        legacy=args.legacy,
        profile=args.profile,
        token=args.token,
        speed=args.speed,
    )
    # Like Go's request context: a handler learns that its client went away.
    runner = web.AppRunner(create_app(sim), handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, args.host, args.port)
    await site.start()
    print(
        f"UMA simulator ({args.scenario}, agent {sim.profile.agent_version}) on http://{args.host}:{args.port}/api/v1 (Ctrl-C stops)",
        flush=True,
    )
    sim.start()
    if ready is not None:
        ready.set()
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        await sim.stop()
        await runner.cleanup()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
