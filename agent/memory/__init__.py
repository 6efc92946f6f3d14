"""Household memory: the SQLite store and its schema (people, schedule, routines, timers, history, what is
pending, who is home), schedule expansion and its spoken form, iCalendar, the history writer, learning."""

__all__ = [
    "history", "ics", "learning", "pending", "records", "schedule", "schema", "spoken", "store",
]
