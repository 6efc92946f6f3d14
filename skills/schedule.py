"""The household schedule as a skill: what is on, when something is, what is next, add and cancel.

The entries live in the household database (`context.store`); `agent.memory.schedule` expands them into
occurrences and words them. This module understands the days, times and people in a sentence
and chooses the answer. Entry titles are data: they are only ever read out, never acted on (an
entry called "unlock the front door" is a title, nothing more), and the skill has no way to touch
a device.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time as monotonic
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from typing import Annotated, Literal

from langchain_core.tools import BaseTool, InjectedToolArg, StructuredTool
from pydantic import BaseModel, Field

from skills.api import (
    DAY_PATTERN, FREE_TEXT, TIME_PATTERN, WEEKDAYS, CalendarEntry, HouseholdStore, Occurrence, Period, Schedule,
    Sentences, Skill, SkillContext, SlotType, StoreError, Turn, add_entry, alternatives, choice, clock_time, day_phrase,
    describe, describe_when, language, period, remove_entry, sentence_text, skip_occurrence, spoken_time,
    title_words, unnamed,
)

log = logging.getLogger(__name__)
ORDINALS = language().numbers.ordinals

UNREACHABLE = "I can't reach the household calendar right now."
ME = "me"
"""The `person` that means the speaker (Turn.person)."""

# -- days -----------------------------------------------------------------------------------------

def _alternatives(patterns: Iterable[str]) -> str:
    """An alternation of regex patterns (already escaped), longest first."""
    return "|".join(sorted(patterns, key=len, reverse=True))


_T = language().time
WEEKDAY_WORDS, MONTH_WORDS = _T.weekday_numbers, _T.month_numbers
DAY = SlotType(unnamed(DAY_PATTERN), lambda text: re.sub(rf"^(?:{alternatives(_T.day_prepositions)}) ", "", text))
"""A spoken day or span ("on sunday", "this weekend", "the 3rd of december"); the tool reads it with `period`."""
TIME = SlotType(unnamed(TIME_PATTERN), lambda text: _hhmm(clock_time(text)))


def _hhmm(moment: time | None) -> str | None:
    return moment.strftime("%H:%M") if moment else None


# -- people and titles ----------------------------------------------------------------------------

_NOT_NAMES = frozenset({
    "the", "a", "an", "this", "that", "next", "coming", "every", "today", "tonight", "tomorrow", "everyone",
    "everybody", "us", "all", "them", "it", "on", "at", "in", "to", "from", *WEEKDAY_WORDS, *MONTH_WORDS,
})
_NAME = rf"(?!(?:{_alternatives(_NOT_NAMES)}) )[a-z][a-z0-9]*"
MY = frozenset({"me", "myself", "i", "my", "mine"})
_EVERYONE = "everyone|everybody|us|all of us|the family|the whole family|the household"
"""For nobody in particular: "add a barbecue for everyone" is the household's."""


class People:
    """The household's people by every way they are called, read from the store and re-read when stale."""

    def __init__(self, store: HouseholdStore | None, max_age_s: float = 5.0) -> None:
        self.store = store
        self.max_age_s = max_age_s
        self.names: dict[str, str] = {}
        """Person id -> spoken name."""
        self._read_at = float("-inf")
        self._lock = threading.Lock()
        self._people = self._owners = choice({})
        self.refresh()

    def refresh(self, force: bool = True) -> None:
        if self.store is None or (not force and monotonic.monotonic() - self._read_at < self.max_age_s):
            return
        with self._lock:
            try:
                names = {p.id: p.name for p in self.store.people()}
            except StoreError as error:
                log.warning("schedule: people not re-read: %s", error)
                return
            self._read_at = monotonic.monotonic()
            if names != self.names:
                phrases = {p: pid for pid, name in names.items() for p in (name, pid.replace("_", " "), name.split()[0])}
                owners = {f"{p}'s": pid for p, pid in phrases.items()} | {p: pid for p, pid in phrases.items()
                                                                          if p.endswith("s")}
                self.names, self._people, self._owners = names, choice(phrases), choice(owners)

    def person(self, heard: str) -> str | None:
        """A person id (or ME) for a name as heard; None when it names nobody here."""
        self.refresh(force=False)
        text = " ".join(sentence_text(heard).split())
        return ME if text in MY else self._people.convert(text)

    def owner(self, heard: str) -> str | None:
        """A person id for a possessive as heard ("emmas"), or None."""
        self.refresh(force=False)
        return self._owners.convert(" ".join(sentence_text(heard).split()))

    def among(self, heard: str) -> str:
        """The person named among a few words, or "" for everyone: "does anyone", "dont let me" (a
        mis-heard "does Emma") ask about the household."""
        found = {p for word in heard.split() if (p := self.person(word)) not in (None, ME)}
        return found.pop() if len(found) == 1 else ""

    def slots(self) -> dict[str, SlotType]:
        """`person`, `owner` (possessive), `someone` (any name, even one the household lacks) and
        `anyone` (a few words before "have anything", whoever they name)."""
        spoken = [" ".join(sentence_text(n).split()) for n in self.names.values()]
        longer = _alternatives(re.escape(n) for n in spoken if " " in n)
        lead = f"{longer}|" if longer else ""
        return {
            "person": SlotType(f"(?:{lead}{_NAME})", self.person),
            "owner": SlotType(f"(?:{_alternatives(re.escape(n + 's') for n in spoken if ' ' in n) or '(?!)'}"
                              rf"|[a-z][a-z0-9]*s)", self.owner),
            "someone": SlotType(_NAME, lambda text: None if text in MY else text, free=True),
            "anyone": SlotType(r"[a-z][a-z0-9]*(?: [a-z][a-z0-9]*){0,3}", self.among, free=True),
        }


_PRONOUNS = frozenset({"it", "that", "this", "them", "there", "everything", "anything", "something", "nothing", "all",
                       "today", "tomorrow", "tonight", "one"})
_ARTICLES = ("a", "an", "the", "my", "our", "his", "her", "their")
_CLAUSE_STARTS = frozenset({
    "i", "we", "you", "he", "she", "they", "will", "would", "can", "could", "should", "shall", "do", "does", "did",
    "was", "were", "has", "have", "had", "am", "may", "might", "must",
})


class Guard:
    """Keeps pronouns and clauses out of titles; device talk is the recognizer's to weigh (agent.understanding)."""

    def title(self, text: str) -> str | None:
        """A new entry's title as heard (articles kept for the reply); None for device talk."""
        return text if _bare(text) else None

    def what(self, text: str) -> str | None:
        """An entry named in a question ("the dentist appointment"); None for pronouns and device talk."""
        words = _bare(text).split()
        if not words or words[0] in _PRONOUNS:
            return None
        return text

    def what_alone(self, text: str) -> str | None:
        """An entry named right after "when", the verb mis-heard or lost ("when inammon soccer practice");
        never a clause ("when will the next birthday be", "when I get home")."""
        words = text.split()
        return self.what(text) if words and words[0] not in _CLAUSE_STARTS else None


def _bare(text: str) -> str:
    words = text.split()
    while words and words[0] in _ARTICLES:
        words.pop(0)
    return " ".join(words)


def clean_title(title: str, limit: int = 80) -> str:
    """A stored title made safe to speak: one line, printable, not too long. It stays plain text."""
    text = " ".join("".join(c if c.isprintable() else " " for c in title).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}" if parts else ""


# -- what the skill does --------------------------------------------------------------------------

GENERIC = frozenset({"appointment", "appointments", "event", "events", "thing", "things", "entry", "item", "plan",
                     "plans", "one", "commitment", "booking"})
"""Words for "any entry": "what's my next appointment" means the next one, whatever it is."""
_BYDAY = {d[:2].upper(): d.capitalize() for d in WEEKDAYS}


def repeats(entry: CalendarEntry) -> str | None:
    """How a recurring entry repeats, spoken ("every Tuesday and Thursday"); None for one-offs and odd rules."""
    if not entry.rrule:
        return None
    parts = dict(p.partition("=")[::2] for p in entry.rrule.split(";"))
    every = "every" if parts.get("INTERVAL", "1") == "1" else "every other" if parts["INTERVAL"] == "2" else None
    if every is None or parts.get("FREQ") not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        return None
    if parts["FREQ"] != "WEEKLY":
        return f"{every} {dict(DAILY='day', MONTHLY='month', YEARLY='year')[parts['FREQ']]}"
    codes = [c[-2:] for c in parts.get("BYDAY", "").split(",") if c[-2:] in _BYDAY]
    if not codes and entry.date:
        codes = [WEEKDAYS[date.fromisoformat(entry.date).weekday()][:2].upper()]
    if len(codes) == 7 or not codes:
        return f"{every} day" if codes else f"{every} week"
    if codes == ["MO", "TU", "WE", "TH", "FR"]:
        return f"{every} weekday"
    return f"{every} {_listed([_BYDAY[c] for c in codes])}"


def _when_said(day: date, start: time | None, today: date, end: time | None = None) -> str:
    """ "on Thursday at 4 pm": the weekday alone within the coming week, else the date."""
    phrase = day_phrase(day, today)
    if 1 < (day - today).days < 7:
        phrase = f"on {WEEKDAYS[day.weekday()].capitalize()}"
    if start is None:
        return f"{phrase}, all day"
    return f"{phrase} from {spoken_time(start)} to {spoken_time(end)}" if end else f"{phrase} at {spoken_time(start)}"


def _for(phrase: str) -> str:
    return "for " + phrase.removeprefix("on ")


def _asker(person: str | None, turn: Turn) -> tuple[str | None, str]:
    """A question about "me" from a speaker nobody recognised is answered for everyone, saying so."""
    if person == ME and turn.person is None:
        return None, "I'm not sure who's speaking, so here is everyone's. "
    return person, ""


class Calendar:
    """The tools' bodies: each reads or writes the store once and returns the sentence to speak."""

    def __init__(self, context: SkillContext) -> None:
        self.store = context.store
        self.people = People(context.store)
        self._lock = threading.Lock()
        self._cached: Schedule | None = None

    def _schedule(self, store: HouseholdStore) -> Schedule:
        with self._lock:
            self._cached = Schedule.load(store, self._cached)
            return self._cached

    def _run(self, work: Callable[[HouseholdStore], str]) -> str:
        if self.store is None:
            return UNREACHABLE
        try:
            self.people.refresh()  # someone added since the sentence was matched is known to the tool
            return work(self.store)
        except StoreError as error:
            log.error("schedule: %s", error)
            return UNREACHABLE

    def _who(self, person: str | None, turn: Turn) -> tuple[str | None, str | None]:
        """(person id, None) for a name, "me" or nobody; (None, the sentence to say) when it names nobody known."""
        if person is None or not person.strip():
            return None, None
        found = self.people.person(person) or self.people.owner(person) or (person if person in self.people.names
                                                                                else None)
        if found == ME:
            return (turn.person, None) if turn.person else (None, "I'm not sure who's speaking, so please say the name.")
        if found is None:
            known = f" I know {_listed(list(self.people.names.values()))}." if self.people.names else ""
            return None, f"I don't know anyone called {person.strip().title()}.{known}"
        return found, None

    def _name(self, person: str | None) -> str:
        return self.people.names.get(person, person.replace("_", " ").title()) if person else ""

    def _heard(self, text: str) -> str:
        """Words as heard, with the household's possessives given back: "emmas party" -> "Emma's party"."""
        return " ".join(f"{self._name(o)}'s" if (o := self.people.owner(w)) else w for w in text.split())

    def _says(self, found: Iterable[Occurrence]) -> list[Occurrence]:
        return [dataclasses.replace(o, title=clean_title(o.title)) for o in found]

    # each public method is one tool

    def on_day(self, turn: Turn, day: str = "today", person: str | None = None,
               asking: Literal["what", "anything", "free"] = "what") -> str:
        return self._run(lambda store: self._on_day(store, turn, day, person, asking))

    def _on_day(self, store: HouseholdStore, turn: Turn, day: str, person: str | None, asking: str) -> str:
        span = period(day or "today", turn.now.date())
        if span is None:
            return "Sorry, I didn't catch which day you mean."
        person, note = _asker(person, turn)
        who, problem = self._who(person, turn)
        if problem:
            return problem
        found = self._says(o for o in self._schedule(store).on_days(span.days)
                           if span.holds(o) and who in (None, o.person))
        if not found:
            subject = "There's nothing" if who is None else f"{self._name(who)} has nothing"
            reply = f"{subject} on the schedule {_for(span.phrase)}."
            return note + {"what": reply, "anything": f"No. {reply}", "free": f"Yes. {reply}"}[asking]
        text = describe(found, turn.now, self.people.names)
        return note + {"what": text, "anything": f"Yes. {text}", "free": f"No. {text}"}[asking]

    def when(self, turn: Turn, what: str, person: str | None = None, day: str | None = None) -> str:
        return self._run(lambda store: self._when(store, turn, what, person, day))

    def _when(self, store: HouseholdStore, turn: Turn, what: str, person: str | None, day: str | None) -> str:
        who, problem = self._who(_asker(person, turn)[0], turn)
        if problem:
            return problem
        schedule = self._schedule(store)
        found, span = self._find(schedule, turn, what, who, day)
        if span is not None and found is None:
            later = self._find(schedule, turn, what, who, None)[0]
            tail = f" {describe_when(self._says([later])[0], turn.now, self.people.names)}." if later else ""
            return f"No, I don't see {self._heard(what)} {span.phrase}.{tail}"
        if found is None:
            return f"I couldn't find {self._heard(what)}{' for ' + self._name(who) if who else ''} on the schedule."
        sentence = describe_when(self._says([found])[0], turn.now, self.people.names)
        entry = store.entry(found.uid)
        every = repeats(entry) if entry else None
        return f"{sentence} — that's {every}." if every else f"{sentence}."

    def _find(self, schedule: Schedule, turn: Turn, what: str, who: str | None,
              day: str | None) -> tuple[Occurrence | None, Period | None]:
        """The next occurrence of the entry `what` names (on `day`, when given) and the day's period."""
        span = period(day, turn.now.date()) if day else None
        start = turn.now
        if span is not None:
            start = datetime.combine(span.days[0], time(span.hours[0]), turn.now.tzinfo)
        if who is not None:  # only their entries: another's with the same title must not hide theirs
            schedule = Schedule([e for e in schedule.entries if e.person == who], schedule.tz)
        found = schedule.next_of(what, start)
        if found is not None and span is not None and not span.holds(found):
            found = None
        return found, span

    def upcoming(self, turn: Turn, person: str | None = None, what: str | None = None) -> str:
        if what and not set(_bare(what).split()) <= GENERIC:
            return self.when(turn, what, person)
        return self._run(lambda store: self._upcoming(store, turn, person))

    def _upcoming(self, store: HouseholdStore, turn: Turn, person: str | None) -> str:
        person, note = _asker(person, turn)
        who, problem = self._who(person, turn)
        if problem:
            return problem
        found = self._schedule(store).upcoming(turn.now, 1, who)
        if not found:
            return f"{note}{self._name(who) + ' has' if who else 'There is'} nothing coming up on the schedule."
        return f"{note}Next: {describe_when(self._says(found)[0], turn.now, self.people.names)}."

    def add(self, turn: Turn, title: str, day: str | None = None, time: str | None = None,
            person: str | None = None, end: str | None = None) -> str:
        return self._run(lambda store: self._add(store, turn, title, day, time, person, end))

    def _add(self, store: HouseholdStore, turn: Turn, title: str, day: str | None, at: str | None,
             person: str | None, end: str | None) -> str:
        heard = re.sub(rf" for (?:{_EVERYONE})$", "", " ".join(title.split()))
        words = heard.split()
        if words and person is None and (words[0] in MY or self.people.owner(words[0])):
            person, heard = words[0], " ".join(words[1:])  # "add emma's party", "add my haircut"
            owned = True
        else:
            owned = False
        who, problem = self._who(person, turn)
        if problem:
            return f"{problem} I didn't add anything."
        name = _bare(heard)
        if not name:
            return "What should I call it?"
        span = period(day, turn.now.date()) if day else None
        if span is None or len(span.days) != 1:
            return f"Which day should I put {heard} on?"
        start, finish = (clock_time(t) if t else None for t in (at, end))
        if (at and start is None) or (end and finish is None):
            return "Sorry, I didn't catch the time."
        on = span.days[0]
        schedule = self._schedule(store)
        same = [o for o in schedule.on_day(on) if o.person == who and title_words(o.title) == title_words(name)
                and (start is None or o.start.time() == start)]
        spoken = f"{self._name(who)}'s {name}" if owned and who else f"{heard}{' for ' + self._name(who) if who else ''}"
        if same:
            return f"That's already on the schedule: {describe_when(self._says(same)[0], turn.now, self.people.names)}."
        add_entry(store, name[:1].upper() + name[1:], who, on, start, finish)
        return f"Added {spoken} {_when_said(on, start, turn.now.date(), finish)}."

    def remove(self, turn: Turn, what: str, day: str | None = None, person: str | None = None,
               whole: bool = False) -> str:
        return self._run(lambda store: self._remove(store, turn, what, day, person, whole))

    def _remove(self, store: HouseholdStore, turn: Turn, what: str, day: str | None, person: str | None,
                whole: bool) -> str:
        who, problem = self._who(person, turn)
        if problem:
            return problem
        found, span = self._find(self._schedule(store), turn, what, who, day)
        if found is None:
            return f"I couldn't find {self._heard(what)} on the schedule{' ' + _for(span.phrase) if span else ''}."
        entry = store.entry(found.uid)
        every = repeats(entry) if entry else None
        shown = self._says([found])[0]
        subject = f"{self._name(shown.person)}'s " if shown.person else "the "
        subject += shown.title[:1].lower() + shown.title[1:] if shown.title[1:2].islower() else shown.title
        when = _when_said(found.start.date(), None if found.all_day else found.start.time(), turn.now.date())
        if entry is not None and entry.rrule and whole and span is None:
            remove_entry(store, entry.uid)
            return f"Removed {subject} from the schedule{'; it was ' + every if every else ''}."
        skip_occurrence(store, found)
        if entry is not None and entry.rrule:
            return f"Cancelled {subject} {when}{'; it is still on ' + every if every else ''}."
        return f"{'Removed' if whole else 'Cancelled'} {subject} {when}."


# -- tools ----------------------------------------------------------------------------------------

InjectedTurn = Annotated[Turn, InjectedToolArg]
_PERSON = "whose entries: a person's name, or 'me' for the speaker; none for the whole household"
_DAY_HELP = "a day or span: today, tomorrow, tonight, a weekday, this weekend, next week, the 27th, December 3rd, or YYYY-MM-DD"


class DayArgs(BaseModel):
    day: str = Field(default="today", description=_DAY_HELP)
    person: str | None = Field(default=None, description=_PERSON)
    asking: Literal["what", "anything", "free"] = Field(
        default="what", description="what: list the entries; anything: answer yes/no 'is anything on'; "
                                    "free: answer yes/no 'is someone free'")
    turn: InjectedTurn


class WhenArgs(BaseModel):
    what: str = Field(description="the entry as said, e.g. 'the dentist appointment', 'soccer practice', 'the bins'")
    person: str | None = Field(default=None, description="whose entry: a name, or 'me' for the speaker")
    day: str | None = Field(default=None, description="only on this day (answers yes/no); " + _DAY_HELP)
    turn: InjectedTurn


class NextArgs(BaseModel):
    person: str | None = Field(default=None, description=_PERSON)
    what: str | None = Field(default=None, description="a kind of entry, e.g. 'dentist'; none for anything")
    turn: InjectedTurn


class AddArgs(BaseModel):
    title: str = Field(description="what it is, e.g. 'a haircut', 'the plumber', 'dentist'")
    day: str | None = Field(default=None, description="which day; " + _DAY_HELP)
    time: str | None = Field(default=None, description="start time, 24-hour HH:MM or spoken ('4 pm'); none: all day")
    person: str | None = Field(default=None, description="who it is for: a name, or 'me'; none: the household")
    end: str | None = Field(default=None, description="end time, HH:MM, when said")
    turn: InjectedTurn


class RemoveArgs(BaseModel):
    what: str = Field(description="the entry as said, e.g. 'the haircut', 'the plumber'")
    day: str | None = Field(default=None, description="the day of the occurrence to cancel; " + _DAY_HELP)
    person: str | None = Field(default=None, description="whose entry: a name, or 'me'")
    whole: bool = Field(default=False, description="remove a repeating entry altogether, not just its next time")
    turn: InjectedTurn


def _tools(calendar: Calendar) -> list[BaseTool]:
    def tool(func: Callable[..., str], name: str, description: str, schema: type[BaseModel]) -> BaseTool:
        return StructuredTool.from_function(func=func, name=name, description=description, args_schema=schema)

    return [
        tool(calendar.on_day, "schedule_on_day", "Tell what is on the household calendar on a day or span, "
             "for everyone or one person ('what's on today', 'does Emma have anything on Friday').", DayArgs),
        tool(calendar.when, "schedule_when", "Tell when an entry of the household calendar is "
             "('when is the dentist appointment').", WhenArgs),
        tool(calendar.upcoming, "schedule_next", "Tell the next entry on the household calendar "
             "('what's next', 'what's my next appointment').", NextArgs),
        tool(calendar.add, "schedule_add", "Add a one-off entry to the household calendar "
             "('add a haircut for Alex on Thursday at 4 pm'). Not for reminders or device schedules.", AddArgs),
        tool(calendar.remove, "schedule_remove", "Cancel an entry of the household calendar, or one time of a "
             "repeating one ('cancel the haircut on Thursday', 'remove the plumber').", RemoveArgs),
    ]


# -- sentences ------------------------------------------------------------------------------------

CAL = "(schedule|calendar|diary|agenda)"
ON = "(on|happening|planned|scheduled|going on|booked|in the diary|on the calendar)"
HAVE = "(have|got|have got)"
THING = "(thing|event|appointment|entry|item|one)"
ASK = "[tell me|show me|remind me|let me know|do you know]"
"""Before a question: "tell me what's on tomorrow"."""
ADD = "(add|put|schedule|book|pencil [in]|put down|write down|note down|enter|make|arrange|plan|set up|create)"
INTO = "[in|down] [(on|to|in|into|for) [the|my|our] (calendar|schedule|diary|agenda)]"
AT = "{time} [(to|until|till) {end:time}]"
COMES = ("(comes|is coming|will come|is due|arrives|is arriving|will be here|is visiting|visits|comes round"
         "|is coming round|comes over|is coming over|is booked|is scheduled|is booked in)")
FROM = "(from|off|out of) [the|my|our] (calendar|schedule|diary|agenda)"


def _add_templates(lead: str) -> list[str]:
    return [f"{lead} {{day}} [{AT}]", f"{lead} {AT} {{day}}"]


def _asked(*templates: str) -> list[str]:
    return [f"{ASK} {template}" for template in templates]


SENTENCES = [
    Sentences("schedule_on_day", _asked(
        f"what is {ON} {{day}}", f"what is (on|in) [the|our] {CAL} [for] [{{day}}]",
        f"what (do|have) we {HAVE} [on|planned|going on] {{day}}", "what are we (doing|up to) {day}",
        "what is the (plan|schedule|agenda|lineup) [for] {day}", "what are (the|our) plans [for] {day}",
        f"(read|give|check) [me] (the|our) {CAL} [for] [{{day}}]",
        f"what does [the|our] ({CAL}|{{day}}) look like [for] [{{day}}]",
    )),
    Sentences("schedule_on_day", _asked(
        f"[is there|are there|have we got|do we have|is] anything {ON} {{day}}", "are we (busy|doing anything) {day}",
        "[are there|do we have|have we got] any plans [for] {day}",
    ), {"asking": "anything"}),
    Sentences("schedule_on_day", ["are we free {day}", "is everyone free {day}"], {"asking": "free"}),
    Sentences("schedule_on_day", _asked(
        f"what is (on|in) my {CAL} [for] [{{day}}]", f"what (do|have) i {HAVE} [on|planned|going on] {{day}}",
        "what am i (doing|up to) {day}", "what are my plans [for] {day}", "(what does|how does) my day look [like] [{day}]",
    ), {"person": ME}),
    Sentences("schedule_on_day", ["(what does|how does) my week look [like]"], {"person": ME, "day": "this week"}),
    Sentences("schedule_on_day", _asked(
        f"what is (on|in) {{person:owner}} {CAL} [for] [{{day}}]", f"what is (on|in) [the|our] {CAL} for {{person}} [{{day}}]",
        f"what (does|has) {{person}} {HAVE} [on|planned|going on] {{day}}",
        "what is {person} (doing|up to|got on|got) {day}", "what are {person:owner} plans [for] {day}",
    )),
    Sentences("schedule_on_day", [
        f"(do|have) i {HAVE} anything [{ON}] {{day}}", "am i (busy|doing anything) {day}",
        f"(do|have) i {HAVE} any plans [for] {{day}}",
    ], {"person": ME, "asking": "anything"}),
    Sentences("schedule_on_day", [
        f"(does|has) {{person}} {HAVE} anything [{ON}] {{day}}", "is {person} (busy|doing anything) {day}",
        f"(does|has) {{person}} {HAVE} any plans [for] {{day}}",
    ], {"asking": "anything"}),
    Sentences("schedule_on_day", [f"{{person:anyone}} {HAVE} anything [{ON}] {{day}}"], {"asking": "anything"}),
    Sentences("schedule_on_day", ["am i free {day}"], {"person": ME, "asking": "free"}),
    Sentences("schedule_on_day", ["is {person} free {day}"], {"asking": "free"}),
    Sentences("schedule_when", _asked(
        "when (is|are) {what}", "when (is|are) {what} (on|happening|scheduled|booked|due|coming|coming round|planned)",
        "when (does|do) {what} (start|begin|happen|take place|come|come round|go out|get collected)",
        "(what|which) (time|day) (is|are) {what} [on]", "(what|which) (time|day) (does|do) {what} (start|begin|happen)",
        "what time (is|are) {what} {day}", "what time (does|do) {what} (start|begin) {day}",
        "when (is|are) {person:owner} [next] {what}",
        f"when (does|do|has|have) {{person}} {HAVE} [the|a|an|her|his|their] [next] {{what}}",
        "what is the next {what}", "when {what:what_alone}",
    )),
    Sentences("schedule_when", [
        "is there [a|an|any] {what} {day}", "(is|are) [the] {what} [still] (on|happening) {day}",
        f"(do|have) we {HAVE} [a|an|any] {{what}} {{day}}",
        f"(does|has) {{person}} {HAVE} [a|an|any|her|his|their] {{what}} {{day}}",
    ]),
    Sentences("schedule_when", [
        "when (is|are) my [next] {what}", f"when (do|have) i {HAVE} [my|a|an|the] [next] {{what}}",
        "what is my next {what}", f"(do|have) i {HAVE} [a|an|any|my] {{what}} {{day}}",
    ], {"person": ME}),
    Sentences("schedule_next", _asked(
        f"what is next [on [the|our] {CAL}]", f"what is (coming up|up next|next up) [on [the|our] {CAL}]",
        f"what is [the] next {THING} [on [the|our] {CAL}]",
        f"what [is|have we got|do we have] coming up [on [the|our] {CAL}]",
        f"[is there|have we got|do we have] anything coming up [on [the|our] {CAL}]",
        "what is next for {person}", f"what is {{person:owner}} next {THING}", f"what is next on {{person:owner}} {CAL}",
    )),
    Sentences("schedule_next", _asked(
        f"what is my next {THING}", f"what is next (for me|on my {CAL})", f"what (do|have) i {HAVE} (next|coming up)",
        "where (do|have) i [got] (have|need) to (be|go) next",
    ), {"person": ME}),
    Sentences("schedule_add", [
        f"{ADD} {{title}} (on|to|in|into) [the|my|our] {CAL}",
        *_add_templates(f"{ADD} {{title}} {INTO}"),
        *_add_templates(f"{ADD} {{title}} for {{person}} {INTO}"),
        *_add_templates(f"{ADD} {{title}} {INTO} for {{person}}"),
        f"{ADD} {{title}} {INTO} {{day}} [{AT}] for {{person}}", f"{ADD} {{title}} {INTO} {AT} {{day}} for {{person}}",
        *_add_templates(f"{ADD} {{title}} for {{person:someone}} {INTO}"),
        *_add_templates(f"{{title}} {COMES}"),
        *_add_templates("{person} (has|has got|will have|is having) {title}"),
        *_add_templates("(we (have|have got|will have|are having)|weve got) {title}"),
    ]),
    Sentences("schedule_add", _add_templates("(i (have|have got|will have|am having)|ive got) {title}"),
              {"person": ME}),
    Sentences("schedule_remove", [
        "(cancel|call off) {what} [{day}]", "skip {what} {day}", f"(cancel|call off) {{what}} {FROM}",
        "{what} (is|has been) (cancelled|canceled|called off|off) {day}", "{what} (is|has been) (cancelled|canceled|called off)",
        "{what} (is not|isnt) (coming|happening) [anymore] [{day}]",
        f"(remove|delete|scrap) {{what}} {{day}} [{FROM}]", f"(remove|delete|scrap|take|cross) {{what}} {FROM} {{day}}",
        "(remove|delete|scrap|take) {what} (from|off) {day}",
    ]),
    Sentences("schedule_remove", [
        "(remove|delete|scrap) {what}", f"(remove|delete|scrap|take|cross) {{what}} {FROM}",
    ], {"whole": True}),
]

EXAMPLES = [
    "what's on today", "what's happening tomorrow", "anything on this weekend", "what's on my schedule today",
    "when is the dentist appointment", "when's the bin collection", "what's next", "what's my next appointment",
    "the plumber comes on Monday at 9", "put dentist on the calendar for the 3rd of December at 10 am",
    "cancel the haircut on Thursday", "remove the plumber",
]
PERSON_EXAMPLES = [
    "does {name} have anything on Friday", "what does {name} have on Thursday", "when is {name}'s soccer practice",
    "add a haircut for {name} on Thursday at 4 pm",
]
"""Said with the household's first person's name; left out when nobody lives there."""


def skill(context: SkillContext) -> Skill:
    """The entry point: people are read from the store now and re-read when they may have changed."""
    calendar = Calendar(context)
    guard = Guard()
    names = list(calendar.people.names.values())
    slots: Mapping[str, SlotType] = {
        **calendar.people.slots(), "day": DAY, "time": TIME,
        "title": SlotType(FREE_TEXT, guard.title, free=True), "what": SlotType(FREE_TEXT, guard.what, free=True),
        "what_alone": SlotType(FREE_TEXT, guard.what_alone, free=True),
    }
    return Skill(
        "schedule", "The household calendar: what is on, when something is, what is next; add and cancel entries.",
        _tools(calendar), SENTENCES, EXAMPLES + [e.format(name=n) for n in names[:1] for e in PERSON_EXAMPLES],
        slots=dict(slots), ability="tell you what's on the family calendar and add to it",
    )
