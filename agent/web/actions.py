"""What the page can change, as library calls: each checks its input whole first, then writes in one
transaction or acts through the Assistant, so nothing is ever half-done.

Device changes and routines become typed tool calls in a Plan that the Assistant runs as a turn
(`Assistant.act`): the same safety tiers, closed loop, limits and history as a spoken command.
Unlocking or opening waits for a confirmation, given in a separate request (`confirm`) before it
expires, exactly as a spoken yes is.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent.memory.ics import from_ics, to_ics
from agent.memory.schedule import add_entry, check_rrule
from agent.replies.describe import describe_calls
from agent.turn.context import TurnContext, TurnResult
from agent.turn.plan import Plan, RunRoutine, SetState, ToolCall
from agent.web.forms import MAX_ICS_BYTES, BadInput, EntryForm, changes_form, entry_form
from devices.errors import ConfigError, InvalidChange
from devices.model import validate_change

if TYPE_CHECKING:
    from agent.app import App
    from agent.memory.store import CalendarEntry, HouseholdStore

log = logging.getLogger(__name__)

WEB = "web page"
"""How the history tells the page's turns from spoken ones (their text starts with it)."""


@dataclass
class Done:
    """What a page action answers."""

    reply: str
    """What homebody would have said."""
    outcomes: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    confirm: dict[str, Any] | None = None
    """When it waits for a yes: {"token", "question", "pin"} (pin: whether a PIN must come with it)."""


class PageActions:
    """The page's changes to one running homebody."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._waiting: dict[str, TurnContext] = {}
        self._lock = threading.Lock()

    # -- devices and routines -------------------------------------------------------------------

    def change_device(self, device_id: str, data: Any) -> Done:
        registry = self.app.runtime.registry
        device = registry.devices.get(device_id)
        if device is None:
            raise BadInput(f"There is no device {device_id[:40]!r} in this household.", 404)
        changes = changes_form(data)
        try:
            validate_change(device, changes)
        except InvalidChange as error:
            raise BadInput(str(error)) from None
        return self._act(SetState((device_id,), changes))

    def run_routine(self, routine_id: str) -> Done:
        if routine_id not in {r.id for r in self.app.household.routines}:
            raise BadInput(f"There is no routine {routine_id[:40]!r}.", 404)
        return self._act(RunRoutine(routine_id))

    def confirm(self, token: str, data: Any) -> Done:
        """The answer to a confirmation question: {"answer": "yes" | "no", "pin": "1234"}."""
        data = data if isinstance(data, dict) else {}
        with self._lock:
            context = self._waiting.pop(token, None)
        if context is None:
            raise BadInput("That question has expired or was answered already; please ask again.", 404)
        answer = "yes" if data.get("answer") == "yes" else "no"
        if answer == "yes" and self.app.settings.safety.pin_sha256:
            answer = str(data.get("pin") or "")[:20] or "yes"
        result = self.app.assistant.turn(answer, context)
        return self._done(result)

    def _act(self, call: ToolCall) -> Done:
        self._forget_expired()
        plan = Plan([call], confidence=1.0, path="none")
        routines = {r.id: r.name for r in self.app.household.routines}
        text = f"{WEB}: {describe_calls([call], self.app.runtime.registry, routines)}"
        context = TurnContext()
        result = self.app.assistant.act(text, plan, context)
        if not result.awaiting_confirmation:
            return self._done(result)
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._waiting[token] = context
        return Done(result.reply, confirm={"token": token, "question": result.reply,
                                           "pin": bool(self.app.settings.safety.pin_sha256)})

    def _done(self, result: TurnResult) -> Done:
        return Done(result.reply, [{"device": o.device_id, "status": str(o.status), "state": o.state,
                                    "message": o.message} for o in result.outcomes])

    def _forget_expired(self) -> None:
        now = time.monotonic()
        with self._lock:
            for token, context in list(self._waiting.items()):
                pending = context.conversation.pending
                if pending is None or pending.expires_at < now:
                    del self._waiting[token]

    # -- schedule -------------------------------------------------------------------------------

    def add_entry(self, data: Any) -> CalendarEntry:
        form = self._entry_form(data)
        return add_entry(self.store(), form.title, form.person, form.day, form.start, form.end, form.area,
                         form.rrule)

    def edit_entry(self, uid: str, data: Any) -> CalendarEntry:
        store = self.store()
        entry = store.entry(uid)
        if entry is None:
            raise BadInput("That entry is not on the schedule (any more).", 404)
        form = self._entry_form(data)
        edited = dataclasses.replace(entry, title=form.title, date=form.day.isoformat(), rrule=form.rrule,
                                     start=form.start.strftime("%H:%M") if form.start else None,
                                     end=form.end.strftime("%H:%M") if form.end else None,
                                     person=form.person, area=form.area,
                                     exdates=entry.exdates if form.rrule == entry.rrule else [])
        store.save_entries([edited])
        return edited

    def remove_entry(self, uid: str) -> None:
        if not self.store().delete_entry(uid):
            raise BadInput("That entry is not on the schedule (any more).", 404)

    def import_calendar(self, data: bytes) -> int:
        """Every event of an .ics file, or (when any of it cannot be read) none."""
        if len(data) > MAX_ICS_BYTES:
            raise BadInput(f"That calendar is {len(data) // 1024:,} kB; at most {MAX_ICS_BYTES // 1024:,} kB fit.", 413)
        store = self.store()
        try:
            entries = from_ics(data, store.home().timezone, "that file")
            for entry in entries:
                if entry.rrule:
                    check_rrule(entry.rrule)
        except ConfigError as error:
            raise BadInput(f"Nothing was imported: {error}.") from None
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            raise BadInput(f"Nothing was imported: that file is not a calendar homebody can read "
                           f"({str(error)[:160]}).") from None
        if not entries:
            raise BadInput("Nothing was imported: that file has no events.")
        store.save_entries(entries)
        log.info("web: imported %d schedule entries", len(entries))
        return len(entries)

    def export_calendar(self) -> bytes:
        store = self.store()
        return to_ics(store.entries(), store.home().timezone)

    def _entry_form(self, data: Any) -> EntryForm:
        if not isinstance(data, dict):
            raise BadInput("Send the entry as a form or a JSON object.")
        people = set(self.app.assistant.people())
        return entry_form(data, people, set(self.app.runtime.registry.areas))

    # -- what is planned, and suggestions -------------------------------------------------------

    def cancel_pending(self, item_id: str) -> str:
        """Cancel a later command, automation, reminder or alarm: it never happens."""
        store = self.store()
        item = store.pending_item(item_id)
        if item is None:
            raise BadInput("There is nothing planned with that id.", 404)
        if item.ended is not None or not store.end_pending(item_id, time.time(), "cancelled"):
            raise BadInput(f"That has already ended ({item.outcome or 'done'}).", 409)
        log.info("web: cancelled %s %s", item.kind, item_id)
        return item.said or item.kind

    def answer_suggestion(self, suggestion_id: int, approve: bool) -> None:
        if self.store().answer_suggestion(suggestion_id, approve) is None:
            raise BadInput("That suggestion has been answered already, or there is none with that id.", 404)

    def store(self) -> HouseholdStore:
        if self.app.store is None:
            raise BadInput("The household database is not available (see homebody's log); devices still work.", 503)
        return self.app.store
