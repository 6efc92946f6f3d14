"""The live timers: which one a description means, and what each request does to them.

A timer belongs to the area of the satellite that started it ("the kitchen timer"). Every change is
written to the household database, so timers outlive a restart of the assistant.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime

from skills.api import SkillContext, StoreError, Timer, Turn, normalize, similarity

from .words import label, spoken_duration, words

log = logging.getLogger(__name__)

SIMILAR_NAME = 60.0
"""Spelling or sound similarity (0–100) at which a heard name is taken for a timer's ("past a" for "pasta")."""


def name_likeness(heard: str, name: str) -> float:
    """How alike a heard timer name and a timer's are, 0–100: 100 when they are the same words."""
    return similarity(*("".join(normalize(text)) for text in (heard, name)))


def select(timers: list[Timer], name: str | None = None, length: int | None = None,
           area: str | None = None) -> list[Timer]:
    """The timers a description fits: its name (or the names most like it, as Whisper may mis-hear
    them), the length it was set to, the area it was started in."""
    found = [t for t in timers
             if (length is None or round(t.duration_s) == length) and (area is None or t.area == area)]
    if name is None:
        return found
    likeness = {t.id: name_likeness(name, t.name) for t in found}
    best = max(likeness.values(), default=0.0)
    return [t for t in found if likeness[t.id] == best] if best >= SIMILAR_NAME else []


def narrow(found: list[Timer], area: str | None, prefer: Callable[[Timer], bool] | None = None) -> list[Timer]:
    """Among several, those `prefer` likes (paused ones to resume), then those in the speaker's area."""
    for keep in (prefer, lambda t: t.area == area):
        if len(found) > 1 and keep is not None:
            found = [t for t in found if keep(t)] or found
    return found


def remaining(timer: Timer, now: float) -> float:
    """Seconds left, never below zero."""
    left = timer.paused_remaining_s if timer.paused_remaining_s is not None else timer.ends_at - now
    return max(0.0, left)


class Timers:
    """The live timers, kept in step with the store; every method is one user request."""

    def __init__(self, context: SkillContext) -> None:
        self.context = context
        self._lock = threading.Lock()
        self.timers: dict[str, Timer] = {t.id: t for t in self._load()}

    def _load(self) -> list[Timer]:
        if self.context.store is None:
            return []
        try:
            return self.context.store.timers()
        except StoreError as error:
            log.error("timers: starting without the saved ones: %s", error)
            return []

    def _save(self, timer: Timer) -> None:
        if self.context.store is not None:
            try:
                self.context.store.save_timer(timer)
            except StoreError as error:
                log.error("timers: %s kept in memory only: %s", timer.id, error)

    def _delete(self, timer: Timer) -> None:
        self.timers.pop(timer.id, None)
        if self.context.store is not None:
            try:
                self.context.store.delete_timer(timer.id)
            except StoreError as error:
                log.error("timers: %s not removed from the database: %s", timer.id, error)

    def start(self, turn: Turn, duration: int | None = None, name: str | None = None) -> str:
        if duration is None:
            return words().say("how_long")
        timer = Timer(uuid.uuid4().hex[:12], name or "", float(duration), turn.now.timestamp() + duration, turn.area)
        with self._lock:
            self.timers[timer.id] = timer
            self._save(timer)
        if name:
            return words().say("started_named", name=name.capitalize(), duration=spoken_duration(duration))
        return words().say("started", duration=spoken_duration(duration))

    def status(self, turn: Turn, name: str | None, length: int | None, area: str | None) -> str:
        now = turn.now.timestamp()
        with self._lock:
            running = sorted(self.timers.values(), key=lambda t: remaining(t, now))
            found = select(running, name, length, area)
        if not found and len(running) == 1 and name is not None and length is None and area is None:
            found = running  # "the pasta timer" heard as "the faster timer": the one there is is meant
        if not found:
            return _none_found(name, length, area)
        lines = [_status_line(t, now) for t in found]
        return " ".join(lines) if len(lines) == 1 else words().say("several", count=len(lines), lines=" ".join(lines))

    def cancel(self, turn: Turn, name: str | None, length: int | None, area: str | None, every: bool) -> str:
        with self._lock:
            found = select(list(self.timers.values()), name, length, area)
            if not every:
                found = narrow(found, turn.area)
            if len(found) > 1 and not every:
                return _which(found)
            for timer in found:
                self._delete(timer)
        if not found:
            return _none_found(name, length, area)
        if len(found) == 1:
            return words().say("cancelled", timer=label(found[0]))
        return words().say("cancelled_all", count=len(found))

    def pause(self, turn: Turn, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, lambda t: t.paused_remaining_s is None, self._pause)

    def resume(self, turn: Turn, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, lambda t: t.paused_remaining_s is not None, self._resume)

    def add(self, turn: Turn, duration: int, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, None, lambda t, now: self._change(t, now, duration))

    def remove(self, turn: Turn, duration: int, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, None, lambda t, now: self._change(t, now, -duration))

    def _one(self, turn: Turn, name: str | None, length: int | None, area: str | None,
             prefer: Callable[[Timer], bool] | None, act: Callable[[Timer, float], str]) -> str:
        """Act on the one timer meant; ask which when several fit equally."""
        with self._lock:
            found = narrow(select(list(self.timers.values()), name, length, area), turn.area, prefer)
            if len(found) != 1:
                return _which(found) if found else _none_found(name, length, area)
            timer = found[0]
            reply = act(timer, turn.now.timestamp())
            self._save(timer)
        return reply

    @staticmethod
    def _pause(timer: Timer, now: float) -> str:
        if timer.paused_remaining_s is not None:
            return words().say("already_paused", timer=label(timer))
        timer.paused_remaining_s = remaining(timer, now)
        return words().say("paused", timer=label(timer))

    @staticmethod
    def _resume(timer: Timer, now: float) -> str:
        if timer.paused_remaining_s is None:
            return words().say("already_running", timer=label(timer))
        timer.ends_at, timer.paused_remaining_s = now + timer.paused_remaining_s, None
        return words().say("resumed", timer=label(timer))

    @staticmethod
    def _change(timer: Timer, now: float, seconds: int) -> str:
        left = max(0.0, remaining(timer, now) + seconds)
        if timer.paused_remaining_s is not None:
            timer.paused_remaining_s = left
        else:
            timer.ends_at = now + left
        if seconds >= 0:
            return words().say("added", duration=spoken_duration(seconds), timer=label(timer))
        return words().say("removed", duration=spoken_duration(-seconds), timer=label(timer))

    def tick(self, now: datetime) -> None:
        """Ring every running timer whose time has come, once."""
        moment = now.timestamp()
        with self._lock:
            due = [t for t in self.timers.values() if t.paused_remaining_s is None and t.ends_at <= moment]
            for timer in due:
                self._delete(timer)
        for timer in due:
            log.info("timer %s (%s) is done", timer.id, label(timer))
            self.context.announce(words().say("done", timer=label(timer)), timer.area)


def _status_line(timer: Timer, now: float) -> str:
    left = remaining(timer, now)
    title = label(timer)
    title = title[0].upper() + title[1:]
    if timer.paused_remaining_s is not None:
        return words().say("left_paused", timer=title, duration=spoken_duration(left))
    return words().say("left", timer=title, duration=spoken_duration(left)) if left > 0 else \
        words().say("finished", timer=title)


def _none_found(name: str | None, length: int | None, area: str | None) -> str:
    if name is None and length is None and area is None:
        return words().say("none_running")
    return words().say("not_found")


def _which(found: list[Timer]) -> str:
    said = words()
    return said.say("which", timers=said.joined([said.say("the", timer=label(t)) for t in found], "or"))


