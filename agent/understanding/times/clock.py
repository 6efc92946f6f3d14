"""Times of day and durations as spoken: "half past 3", "at 9", "quarter to 7"; "an hour and a half"."""

from __future__ import annotations

import re
from datetime import time

from agent.understanding.normalize import normalize
from agent.understanding.times.patterns import DURATION_PART, FRACTIONS, TIME, T

_TIME_RE = re.compile(TIME)


def clock_time(spoken: str) -> time | None:
    """A spoken time of day in the recognizer's token form: "4 pm", "at 9" (9 am), "half past 3" (3:30 pm),
    "16:00", "noon"; None if not one."""
    found = _TIME_RE.fullmatch(" ".join(t for t in normalize(spoken) if t != ","))
    if found is None:
        return None
    g = found.groupdict()
    if g["named"]:
        return time.fromisoformat(T.named[g["named"]])
    hour = _hour(int(next(g[k] for k in ("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8") if g[k])), g["ap1"] or g["ap2"],
                 g["late"])
    if hour is None:
        return None
    minutes = int(g["m1"] or g["m3"] or 0) + (30 if g["h4"] else 0)
    if g["q"] or g["dir"]:
        step = 15 if g["q"] else int(g["m6"] or g["m6b"])
        minutes = -step if (g["q"] or g["dir"]) in T.to else step
    total = (hour * 60 + minutes) % (24 * 60)
    return time(total // 60, total % 60)


def _hour(hour: int, meridiem: str | None, later: str | None) -> int | None:
    """The 24-hour hour; a bare 1 to 6 is taken as afternoon, 7 to 12 as said (household hours)."""
    if meridiem:
        return hour % 12 + (12 if meridiem in T.pm else 0) if 1 <= hour <= 12 else None
    if later:
        return hour % 12 + (12 if T.later[later] == "pm" else 0) if hour <= 12 else None
    return hour + 12 if 1 <= hour <= 6 else hour


def _parts(said: str | None) -> float:
    """How many shares: "three quarters" 3, "a quarter" (or "quarter") 1."""
    return 1.0 if said is None or said in T.a else float(said)


def parse_duration(text: str) -> int | None:
    """Whole seconds in a spoken duration ("1 hour and 15 minutes", "half a minute"); None if none."""
    total = 0.0
    for part in DURATION_PART.finditer(text):
        if part["fraction"]:
            total += _parts(part["parts"]) * T.units[part["fraction_unit"]] / FRACTIONS[part["fraction"]]
        elif part["half_hour"]:
            total += T.units[part["half_of"]] / 2
        elif part["half_unit"]:
            total += T.units[part["half_unit"]] / 2
        else:
            count = 1.0 if part["count"] in T.a else float(part["count"])
            half = 0.5 if part["half_before"] or part["half_after"] else 0.0
            if part["share"]:  # "an hour and three quarters"
                half += _parts(part["share_parts"]) / FRACTIONS[part["share"]]
            total += (count + half) * T.units[part["unit"]]
    return round(total) or None
