"""Facts read from what the agent reports: makers behind model names, UPS states.

The agent reports a disk's or a UPS's model but not who made it. Many model
names say it (``WDC WD100EFAX``, ``ST8000VN004``, ``Back-UPS``); where none
of these rules fits, the manufacturer stays empty rather than guessed.
"""

from __future__ import annotations

import re
from typing import Final

#: Model-name patterns (matched at the start, case-insensitively) and the maker.
_MAKERS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern, re.IGNORECASE), maker)
    for pattern, maker in (
        (r"(WDC|WD[ _-]|WD\d|Western Digital)", "Western Digital"),
        (r"ST\d", "Seagate"),
        (r"Seagate", "Seagate"),
        (r"HGST", "HGST"),
        (r"Hitachi", "Hitachi"),
        (r"TOSHIBA", "Toshiba"),
        (r"Samsung", "Samsung"),
        (r"(CT\d|Crucial)", "Crucial"),
        (r"Micron", "Micron"),
        (r"(INTEL|SSDPE)", "Intel"),
        (r"KINGSTON", "Kingston"),
        (r"SanDisk", "SanDisk"),
        (r"(SK ?hynix|HFS)", "SK hynix"),
        (r"(Sabrent|SB-)", "Sabrent"),
        (r"(Back-UPS|Smart-UPS|APC)", "APC"),
        (r"(CyberPower|CP\d|OR\d|PR\d)", "CyberPower"),
        (r"Eaton", "Eaton"),
    )
)


def maker_of(model: str | None) -> str | None:
    """Return the manufacturer a model name tells, None when it does not."""
    if not model:
        return None
    text = model.strip()
    for pattern, maker in _MAKERS:
        if pattern.match(text):
            return maker
    return None


#: UPS states, most telling first: the first whose flag the status carries
#: wins. Flags are APC ``STATUS`` words and NUT ``ups.status`` tokens.
UPS_STATES: Final[tuple[tuple[str, frozenset[str]], ...]] = (
    ("shutting_down", frozenset({"FSD", "SHUTTING"})),
    ("low_battery", frozenset({"LB", "LOWBATT"})),
    ("on_battery", frozenset({"OB", "ONBATT"})),
    ("overloaded", frozenset({"OVER", "OVERLOAD"})),
    ("replace_battery", frozenset({"RB", "REPLACEBATT"})),
    ("bypass", frozenset({"BYPASS"})),
    ("calibrating", frozenset({"CAL"})),
    ("trimming", frozenset({"TRIM"})),
    ("boosting", frozenset({"BOOST"})),
    ("charging", frozenset({"CHRG"})),
    ("offline", frozenset({"OFF", "COMMLOST", "NOBATT"})),
    ("online", frozenset({"OL", "ONLINE"})),
)
UPS_STATE_OPTIONS: Final = [state for state, _ in UPS_STATES]
_ON_BATTERY: Final = frozenset({"OB", "ONBATT", "LB", "LOWBATT"})


def _flags(status: str) -> set[str]:
    return set(re.split(r"[\s,]+", status.strip().upper())) - {""}


def ups_state(status: str | None) -> str | None:
    """Return the UPS state of a raw status (``ONLINE``, ``OL CHRG``…); None if unknown."""
    if not status:
        return None
    flags = _flags(status)
    for state, known in UPS_STATES:
        if flags & known:
            return state
    return None


def ups_on_battery(status: str | None) -> bool | None:
    """Return True while the UPS runs on battery; None when the status is unknown."""
    if not status:
        return None
    return bool(_flags(status) & _ON_BATTERY)
