"""Schedule logic: expand entries into occurrences in the home's timezone, answer questions, add and remove.

Rules are expanded by dateutil on local wall-clock times, so a weekly 09:00 entry stays at 09:00
across daylight-saving changes. Before expanding, a rule's first start is moved forward by whole
periods (weeks for a weekly rule) to just before the window asked for, so an entry that began
years ago costs no more than one that began last week. `Schedule` keeps each month's occurrences
once computed, until the store's schedule changes.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from agent.memory.store import CalendarEntry, HouseholdStore, new_entry
from agent.understanding.language import language
from devices.errors import ConfigError

REFERENCE_DAY = date(2000, 1, 3)
"""The first day of a recurring entry that names none (a Monday)."""
_TIME, _WORDS = language().time, language().schedule
WEEKDAYS = _TIME.weekdays
"""The weekdays' names, Monday first, lower case."""
_STEPS = {
    "DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1), "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1), "SECONDLY": timedelta(seconds=1),
}
_MONTHS = {"MONTHLY": 1, "YEARLY": 12}
_MONTHS_CACHED = 36
EVENT_NOUNS = _WORDS.event_nouns
"""Kinds of event, not names of one ("lesson", "appointment")."""


@dataclass(frozen=True)
class Occurrence:
    """One time an entry happens."""

    title: str
    person: str | None
    area: str | None
    start: datetime
    """Aware, in the home's timezone."""
    end: datetime | None
    """Aware; None when the entry gives no end."""
    all_day: bool = False
    uid: str = ""
    """The entry it comes from."""


def zone(tz: str | tzinfo) -> tzinfo:
    """A timezone from its IANA name; ConfigError for an unknown one."""
    if isinstance(tz, tzinfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {tz!r}") from None


def occurrences(entries: Iterable[CalendarEntry], start: datetime, end: datetime, tz: str | tzinfo) -> list[Occurrence]:
    """Every occurrence starting in [start, end) (aware datetimes), in time order."""
    home = zone(tz)
    pad = timedelta(days=1)  # local bounds, widened: the offset may differ at either edge
    low, high = _naive(start, home) - pad, _naive(end, home) + pad
    found = [o for e in entries for o in _expand(e, low, high, home) if start <= o.start < end]
    return sorted(found, key=lambda o: (o.start, o.title))


def check_rrule(text: str) -> str:
    """A recurrence rule in canonical form (no `RRULE:` prefix, upper case); ValueError if it is not one."""
    rule = text.strip().upper().removeprefix("RRULE:")
    try:
        _rule(rule, datetime.combine(REFERENCE_DAY, time()))
    except (ValueError, TypeError) as error:
        raise ValueError(f"not a recurrence rule: {text!r} ({error})") from None
    return rule


def first_start(entry: CalendarEntry) -> datetime:
    """The local (naive) start of an entry's first occurrence (of its first day, if its rule reaches none)."""
    first = _first(entry)
    if not entry.rrule:
        return first
    found: datetime | None = _rule(entry.rrule, first).after(first, inc=True)
    return found or first


def _naive(moment: datetime, home: tzinfo) -> datetime:
    return moment.astimezone(home).replace(tzinfo=None)


def _aware(local: datetime, home: tzinfo) -> datetime:
    # through UTC and back: a time that does not exist (spring forward) moves to one that does
    return local.replace(tzinfo=home).astimezone(UTC).astimezone(home)


def _first(entry: CalendarEntry) -> datetime:
    day = date.fromisoformat(entry.date) if entry.date else REFERENCE_DAY
    return datetime.combine(day, time.fromisoformat(entry.start) if entry.start else time())


def _expand(entry: CalendarEntry, low: datetime, high: datetime, home: tzinfo) -> Iterator[Occurrence]:
    for local in _starts(entry, low, high):
        end = None
        if entry.end:
            end = datetime.combine(local.date(), time.fromisoformat(entry.end))
            end += timedelta(days=1) if end <= local else timedelta()
        yield Occurrence(
            entry.title, entry.person, entry.area, _aware(local, home),
            _aware(end, home) if end else None, entry.start is None, entry.uid,
        )


def _starts(entry: CalendarEntry, low: datetime, high: datetime) -> list[datetime]:
    first = _first(entry)
    if not entry.rrule:
        return [first] if low <= first <= high else []
    rule = _rule(entry.rrule, _rebased(first, _parts(entry.rrule), low))
    skipped = {datetime.fromisoformat(x) for x in entry.exdates}
    return [s for s in rule.between(low, high, inc=True) if s not in skipped]


@lru_cache(maxsize=8192)
def _rule(text: str, dtstart: datetime) -> rrule:
    # ignoretz: a UNTIL in UTC is read as local time (ics import converts it properly)
    parsed = rrulestr(text, dtstart=dtstart, ignoretz=True)
    if not isinstance(parsed, rrule):
        raise TypeError("one RRULE only, not a set")
    return parsed


@lru_cache(maxsize=1024)
def _parts(text: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in text.upper().split(";"))


def _rebased(first: datetime, parts: dict[str, str], low: datetime) -> datetime:
    """The latest start before `low` that the rule reaches from `first` by whole periods."""
    if "COUNT" in parts or first >= low:
        return first  # a count runs from the true first start
    freq, interval = parts.get("FREQ", ""), int(parts.get("INTERVAL", "1"))
    if freq in _STEPS:
        step = _STEPS[freq] * interval
        return first + step * ((low - first) // step)
    if freq in _MONTHS and first.day <= 28:  # later days would be clamped and drift
        months = _MONTHS[freq] * interval
        elapsed = (low.year - first.year) * 12 + low.month - first.month
        moved = first + relativedelta(months=elapsed // months * months)
        return moved if moved <= low else moved - relativedelta(months=months)
    return first


class Schedule:
    """A household's entries, with each month's occurrences computed once."""

    def __init__(self, entries: Iterable[CalendarEntry], tz: str | tzinfo, revision: int = 0) -> None:
        self.entries = list(entries)
        self.tz = zone(tz)
        self.revision = revision
        """The store's schedule revision the entries were read at."""
        self._months: dict[tuple[int, int], tuple[list[datetime], list[Occurrence]]] = {}
        self._titles = _TitleIndex(self.entries)

    @classmethod
    def load(cls, store: HouseholdStore, cached: Schedule | None = None) -> Schedule:
        """The store's schedule; `cached` is returned as is while the store's schedule has not changed."""
        revision = store.schedule_revision()
        if cached is not None and cached.revision == revision:
            return cached
        return cls(store.entries(), store.home().timezone, revision)

    def between(self, start: datetime, end: datetime) -> list[Occurrence]:
        """Occurrences starting in [start, end), in time order."""
        found: list[Occurrence] = []
        for month in _months(_naive(start, self.tz), _naive(end - timedelta(microseconds=1), self.tz)):
            starts, items = self._month(month)
            found.extend(items[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)])
        return found

    def on_day(self, day: date) -> list[Occurrence]:
        return self.between(self._midnight(day), self._midnight(day + timedelta(days=1)))

    def on_days(self, days: Iterable[date]) -> list[Occurrence]:
        return [o for day in days for o in self.on_day(day)]

    def weekend(self, now: datetime) -> list[Occurrence]:
        """The coming weekend (the rest of it, when it is one)."""
        return self.on_days(days_named(_TIME.weekend, _naive(now, self.tz).date()))

    def for_person(self, person: str, start: datetime, end: datetime) -> list[Occurrence]:
        return [o for o in self.between(start, end) if o.person == person]

    def upcoming(self, now: datetime, count: int = 1, person: str | None = None) -> list[Occurrence]:
        """The next `count` occurrences starting from now (within a year), optionally one person's."""
        found: list[Occurrence] = []
        for month in _months(_naive(now, self.tz), _naive(now + timedelta(days=366), self.tz)):
            found += [o for o in self._month(month)[1] if o.start >= now and person in (None, o.person)]
            if len(found) >= count:
                break
        return found[:count]

    def next_of(self, query: str, now: datetime) -> Occurrence | None:
        """The next occurrence of the entry a title names ("the dentist", "Emma's soccer practice")."""
        uids = self._titles.best(query)
        soon = [o for o in self.between(now, now + timedelta(days=62)) if o.uid in uids]
        if soon or not uids:
            return soon[0] if soon else None
        later = occurrences([e for e in self.entries if e.uid in uids], now, now + timedelta(days=400), self.tz)
        return later[0] if later else None

    def _midnight(self, day: date) -> datetime:
        return _aware(datetime.combine(day, time()), self.tz)

    def _month(self, month: tuple[int, int]) -> tuple[list[datetime], list[Occurrence]]:
        if month not in self._months:
            year, number = month
            following = (year + number // 12, number % 12 + 1)
            start, end = (self._midnight(date(y, m, 1)) for y, m in (month, following))
            items = occurrences(self.entries, start, end, self.tz)
            self._months[month] = ([o.start for o in items], items)
            if len(self._months) > _MONTHS_CACHED:
                del self._months[next(iter(self._months))]
        return self._months[month]


def _months(first: datetime, last: datetime) -> Iterator[tuple[int, int]]:
    for index in range(first.year * 12 + first.month - 1, last.year * 12 + last.month):
        year, month = divmod(index, 12)
        yield year, month + 1


def title_words(text: str) -> set[str]:
    """The words that identify an entry: lower case, no possessives, plurals or filler."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s", "").replace("\u2019s", ""))
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
            if w not in _WORDS.ignored}


class _TitleIndex:
    """Entries by the words of their titles (and their person), for "when is the dentist"."""

    def __init__(self, entries: list[CalendarEntry]) -> None:
        self._uids: dict[str, set[str]] = {}
        self._sizes: dict[str, int] = {}
        self._people: dict[str, str | None] = {}
        for entry in entries:
            words = title_words(entry.title)
            for word in words:
                self._uids.setdefault(word, set()).add(entry.uid)
            self._sizes[entry.uid], self._people[entry.uid] = len(words), entry.person

    def best(self, query: str) -> set[str]:
        """The uids of the best-matching entries: at least half the query's words in title or person,
        or half the title's words in the query ("the name of soccer practice", as Whisper hears
        "Emma's soccer practice")."""
        words = title_words(query)
        hits = Counter(uid for word in words for uid in self._uids.get(word, ()) if self._names(uid, word, words))
        scores = {
            uid: ((n + (self._people[uid] in words)) / len(words), n / self._sizes[uid]) for uid, n in hits.items()
        }
        top = max(scores.values(), default=(0.0, 0.0))
        return {uid for uid, score in scores.items() if score == top} if max(top) >= 0.5 else set()

    def _names(self, uid: str, word: str, words: set[str]) -> bool:
        """Whether a shared word counts: a kind of event ("lesson") names an entry only when the query says
        nothing else the schedule does not know: "the piano lesson" is not the swimming lesson."""
        if word not in EVENT_NOUNS:
            return True
        return all(w in EVENT_NOUNS or w in self._uids or w == self._people[uid] for w in words)


def days_named(word: str, today: date) -> list[date]:
    """The days a spoken day means: today, tomorrow, a weekday (the next one, today included),
    the weekend (what is left of it), or `YYYY-MM-DD`. ValueError for anything else."""
    word = word.strip().lower()
    for this in _TIME.this:
        word = word.removeprefix(f"{this} ")
    word = word.removeprefix(f"{_TIME.the} ")
    if word == _TIME.today:
        return [today]
    if word == _TIME.tomorrow:
        return [today + timedelta(days=1)]
    if word == _TIME.weekend:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        return [today] if today.weekday() == 6 else [saturday, saturday + timedelta(days=1)]
    for number, name in enumerate(WEEKDAYS):
        if word in (name, name[:3]):
            return [today + timedelta(days=(number - today.weekday()) % 7)]
    try:
        return [date.fromisoformat(word)]
    except ValueError:
        raise ValueError(f"not a day: {word!r} (today, tomorrow, a weekday, weekend or YYYY-MM-DD)") from None


def add_entry(
    store: HouseholdStore,
    title: str,
    person: str | None,
    day: date | None,
    start: time | None,
    end: time | None = None,
    area: str | None = None,
    rrule: str | None = None,
) -> CalendarEntry:
    """Store "a haircut for Alex on Thursday at 4 pm"; the same entry twice is stored once.

    `day` is the day of a one-off entry or the first day of a recurring one; `start` None means all day.
    ValueError for an empty title, a one-off without a day or a bad rule.
    """
    if not title.strip():
        raise ValueError("an entry needs a title")
    if day is None and not rrule:
        raise ValueError("a one-off entry needs a day")
    entry = new_entry(
        title.strip(), _hhmm(start), _hhmm(end), day.isoformat() if day else None,
        check_rrule(rrule) if rrule else None, person, area,
    )
    store.save_entries([entry])
    return entry


def remove_entry(store: HouseholdStore, uid: str) -> bool:
    """Remove an entry with all its occurrences; False when there is none with that uid."""
    return store.delete_entry(uid)


def skip_occurrence(store: HouseholdStore, occurrence: Occurrence) -> bool:
    """Cancel one occurrence: a recurring entry gets an exception, a one-off entry is removed."""
    entry = store.entry(occurrence.uid)
    if entry is None:
        return False
    if not entry.rrule:
        return store.delete_entry(entry.uid)
    entry.exdates.append(occurrence.start.replace(tzinfo=None).isoformat(timespec="minutes"))
    store.save_entries([entry])
    return True


def _hhmm(moment: time | None) -> str | None:
    return moment.strftime("%H:%M") if moment else None
