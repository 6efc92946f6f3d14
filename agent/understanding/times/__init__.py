"""Time as spoken: days and spans, times of day, durations, and time expressions inside commands."""

from agent.understanding.times.clock import clock_time, parse_duration
from agent.understanding.times.days import Period, next_date, period
from agent.understanding.times.patterns import DAY, DURATION, TIME, alternatives, unnamed

__all__ = ["DAY", "DURATION", "TIME", "Period", "alternatives", "clock_time", "next_date", "parse_duration", "period",
           "unnamed"]
