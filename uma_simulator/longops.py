"""Long operations: the agent's 30 s write timeout and its bounded update checks.

``net/http`` gives each answer 30 s from the end of the request headers
(``WriteTimeout``, ``daemon/services/api/server.go:420-423``). A handler that
runs longer still does its work, but what it writes is lost and the
connection is closed: the client gets no answer at all.

* A container update (pull and recreate) and update-all
  (``handlers.go:3133-3193``) and a plugin update (``handlers.go:3253-3283``)
  finish here at once; their duration only decides whether the answer is
  lost. A container update gives up after 10 minutes
  (``controllers/docker.go:657``), ``plugin update`` is killed after 60 s
  (``lib/shell.go:97``): not done, and the failure unanswered too.
* The registry check behind ``POST /docker/updates/refresh`` runs 5
  containers at a time (``controllers/docker.go:545``), is bounded at 30 s
  (``allContainersUpdateCheckTimeout``, ``docker.go:27,535``) and is cancelled
  with the request when the client goes away; unchecked slots stay
  zero-valued, interrupted ones have no digest (``docker.go:556-578``). The
  handler publishes and caches whatever it got (``handlers.go:3005-3018``).
* ``plugin check`` behind ``POST /plugins/updates/refresh`` is bounded at 30 s
  the same way (``pluginCheckTimeout``, ``controllers/plugin.go:20,36``).
* A user script run with ``wait`` is killed after 60 s (``lib.ExecCommand``,
  ``lib/shell.go:20``; ``controllers/userscripts.go:163``): past 30 s its
  answer, output or failure, is lost.

The checks wait on the simulated clock (:meth:`Simulator.sleep`), so a test
moves the agent's clock and the client's independently. Every duration is 0
by default: instant answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dto import make

WRITE_TIMEOUT = 30.0
CHECK_TIMEOUT = 30.0
CHECK_CONCURRENCY = 5
CONTAINER_UPDATE_TIMEOUT = 600.0
PLUGIN_UPDATE_TIMEOUT = 60.0
USER_SCRIPT_TIMEOUT = 60.0


@dataclass
class Durations:
    """How long the agent's slow operations take, in simulated seconds."""

    #: pulling and recreating one container
    container_update: float = 0.0
    #: ``plugin update`` of one plugin
    plugin_update: float = 0.0
    #: one container's registry check (five run at once)
    registry_check: float = 0.0
    #: ``plugin check`` (downloads every plugin's update file)
    plugin_check: float = 0.0
    #: a user script run with ``wait``
    user_script: float = 0.0


def check_seconds(count: int, per_check: float) -> float:
    """Return how long an unbounded check of ``count`` containers takes."""
    batches = -(-count // CHECK_CONCURRENCY)
    return batches * per_check


def cut_check(result: dict[str, Any], per_check: float, cut: float) -> dict[str, Any]:
    """Return the check ``result`` as the agent has it when stopped after ``cut`` s.

    Checks that finished are kept. One under way loses its registry call: it
    keeps its current digest and has no latest one (``docker.go:490-503``).
    Slots whose check never started stay Go's zero value.
    """
    entries = []
    for index, info in enumerate(result["containers"]):
        start = (index // CHECK_CONCURRENCY) * per_check
        if start + per_check <= cut:
            entries.append(info)
        elif start < cut:
            entries.append(
                make(
                    "ContainerUpdateInfo",
                    container_id=info["container_id"],
                    container_name=info["container_name"],
                    image=info["image"],
                    current_digest=info.get("current_digest", ""),
                    timestamp=info["timestamp"],
                )
            )
        else:
            entries.append(make("ContainerUpdateInfo"))
    return make(
        "ContainerUpdatesResult",
        containers=entries,
        total_count=len(entries),
        updates_available=sum(e["update_available"] for e in entries),
        timestamp=result["timestamp"],
    )
