"""Reminders and alarms asked about and cancelled: the speaker's own and the household's.

Whose they are: what a known speaker set, and what nobody in particular did; everyone's when the
speaker is not known. "Cancel my alarm" with several fitting asks which; "delete my reminders"
cancels them all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from skills.api import HouseholdStore, Pending, SkillContext, StoreError, Turn, spoken_time, title_words

from .ringing import Ringer
from .times import Spoken, on_the_clock, read, readings, said_item
from .words import KINDS, Timing, Words

log = logging.getLogger(__name__)


class Asking:
    """The list and cancel tools' bodies."""

    def __init__(self, context: SkillContext, words: Words, ringer: Ringer) -> None:
        self.store = context.store
        self.words = words
        self.ringer = ringer

    def listing(self, turn: Turn, kind: str | None = None, only_next: bool = False) -> str:
        kind = kind or None  # "" is both, as the sentences' fixed arguments say it
        mine = self._mine(turn, kind, "none_listed")
        if isinstance(mine, str):
            return mine
        _, items = mine
        if only_next:
            return self.words.say("next", item=self._described(items[:1], turn.now, "{kind}_item")[0])
        kinds = [k for k in KINDS if any(p.kind == k for p in items)]
        return " ".join(self._listed([p for p in items if p.kind == k], k, turn.now) for k in kinds)

    def _listed(self, items: list[Pending], kind: str, now: datetime) -> str:
        limit = self.words.timing.listed
        said = self._described(items[:limit], now, f"{kind}_listed")
        if len(items) > limit:
            said.append(self.words.replies["more"].format(count=len(items) - limit))
        return self.words.say("listed", count=self.words.counted(len(items), kind), items=self.words.joined(said))

    def cancel(self, turn: Turn, kind: str | None = None, about: str | None = None, when: str | None = None,
               every: bool = False) -> str:
        kind = kind or None
        mine = self._mine(turn, kind, "none_to_cancel")
        if isinstance(mine, str):
            return mine
        store, items = mine
        found = self._fitting(items, about, when, turn.now)
        if isinstance(found, str):
            return found
        if len(found) > 1 and not every:
            found = [p for p in found if p.area == turn.area] or found
        if len(found) > 1 and not every:
            listed = self.words.joined(self._described(found, turn.now, "{kind}_listed"))
            example = spoken_time(on_the_clock(found[0].due or 0, turn.now).time())
            return self.words.say("which", count=self._counted(found), items=listed, example=example,
                                  kind=self.words.kind_word(found[0].kind))
        return self._cancelled(store, found, turn.now)

    def _fitting(self, items: list[Pending], about: str | None, when: str | None, now: datetime) -> list[Pending] | str:
        """The items a description fits (words of the reminder, its time), or the reply when none does."""
        found = _about(items, about) if about else items
        if when:
            spoken = read(when)
            if spoken is None or spoken.clock is None:
                return self.words.say("not_a_time", said=when)
            found = [p for p in found if _at(p, spoken, now, self.words.timing)]
        if found:
            return found
        kind = self.words.kind_word(items[0].kind if len({p.kind for p in items}) == 1 else None)
        described = f"about {self.words.said_back(about)}" if about else f"for {when}"
        return self.words.say("not_found", kind=kind, about=described)

    def _cancelled(self, store: HouseholdStore, found: list[Pending], now: datetime) -> str:
        try:
            for item in found:
                store.end_pending(item.id, now.timestamp(), "cancelled")
        except StoreError as error:
            log.error("reminders: not cancelled: %s", error)
            return self.words.say("not_cancelled")
        if len(found) == 1:
            return self.words.say("cancelled", item=self._described(found, now, "{kind}_item")[0])
        return self.words.say("cancelled_all", count=self._counted(found))

    def _mine(self, turn: Turn, kind: str | None, none: str) -> tuple[HouseholdStore, list[Pending]] | str:
        """The speaker's items and the household's (everyone's when the speaker is not known), or the
        reply when there are none (`none`) or the store cannot say."""
        if self.store is None:
            return self.words.say("no_store")
        try:
            items = self.store.pending((kind,) if kind else KINDS)
        except StoreError as error:
            log.error("reminders: %s", error)
            return self.words.say("not_read")
        mine = [p for p in items if turn.person is None or p.person in (None, turn.person)]
        return (self.store, mine) if mine else self.words.say(none, kinds=self.words.kind_word(kind, many=True))

    def _described(self, items: Iterable[Pending], now: datetime, reply: str) -> list[str]:
        names = self.ringer.names().values()
        return [said_item(p, now, self.words.replies[reply.format(kind=p.kind)], self.words, names) for p in items]

    def _counted(self, items: list[Pending]) -> str:
        return self.words.joined([self.words.counted(sum(p.kind == k for p in items), k) for k in KINDS
                                  if any(p.kind == k for p in items)])


def _about(items: list[Pending], about: str) -> list[Pending]:
    """The items whose words share the most with `about`, at least half of its words."""
    wanted = title_words(about)
    if not wanted:
        return items
    shares = {p.id: len(wanted & title_words(str(p.payload.get("text", "")))) / len(wanted) for p in items}
    best = max(shares.values(), default=0.0)
    return [p for p in items if shares[p.id] == best] if best >= 0.5 else []


def _at(item: Pending, spoken: Spoken, now: datetime, timing: Timing) -> bool:
    """Whether an item falls due at the time of day said ("cancel the 6:30 alarm")."""
    if item.due is None or spoken.clock is None:
        return False
    hours = readings(spoken.clock, spoken.half_said, item.kind == "alarm", timing)
    return on_the_clock(item.due, now).time().replace(second=0, microsecond=0) in hours
