"""Constants of the Unraid Management Agent integration."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

DOMAIN: Final = "unraid_management_agent"
MANUFACTURER: Final = "Lime Technology"

CONF_USE_SSL: Final = "use_ssl"
CONF_VERIFY_SSL: Final = "verify_ssl"
CONF_TOKEN: Final = "token"

DEFAULT_PORT: Final = 8043
#: How often REST is read while the event stream is down, in seconds (the
#: agent's own fastest cadence after the system topic's 15 s).
POLL_INTERVAL: Final = 30

#: Reconnect backoff: 1 s doubling to 5 minutes, reset after a minute connected.
BACKOFF_MIN: Final = 1.0
BACKOFF_MAX: Final = 300.0
BACKOFF_JITTER: Final = 0.2
BACKOFF_RESET_AFTER: Final = timedelta(minutes=1)
#: Early in an outage, while nothing answers at all (most likely the agent
#: restarting), reconnect attempts are at most this many seconds apart.
FAST_RETRY_MAX: Final = 4.0
FAST_RETRY_WINDOW: Final = timedelta(minutes=5)

#: Dispatcher signal (``.format(entry_id)``): "update all containers" was
#: sent and left unanswered; the data as they were when it was sent go along.
SIGNAL_UPDATE_ALL_UNANSWERED: Final = DOMAIN + "_update_all_unanswered_{}"
