"""A simulator of the Unraid Management Agent (UMA) REST API and WebSocket.

>>> sim = Simulator(scenario="home", seed=1)
>>> app = create_app(sim)  # an aiohttp.web.Application

See ``uma_simulator/README.md``.
"""

from __future__ import annotations

from .faults import Faults
from .server import create_app
from .simulator import RequestRecord, Simulator

__all__ = ["Faults", "RequestRecord", "Simulator", "create_app"]
