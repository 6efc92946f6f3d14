"""The one confidence scale every understanding is scored on, and what each threshold decides.

A reading of an utterance scores 1.0 when every word of it is understood exactly: a name of the
household, a word of the language file, a sentence template's own words or typed slots. It
loses `UNKNOWN_WORD_COST` for each word that names nothing the household has, and is multiplied
by the similarity of its least exact name (a name heard as "kitchen lite" scores about 0.9).
Words a sentence template takes as free text (a reminder's text, a calendar title) count as
understood, unless they name a device or kind of device: each such word costs `DEVICE_TALK_COST`
(the device reading of the same words is likelier), and a free text that is nothing but a
device's name is no title at all (the fit scores 0).

| threshold | decides |
| --- | --- |
| `understanding.confidence` (0.6, config) | below it, the LLM planner is asked when one is configured (`fallback`); voice tries sound-alike repairs |
| `CLOSE_CALL` | two readings that would do different things within this of each other are too close to call: ask |
| `UNSURE_REPLY` | the score of a reply the reader is unsure of ("Which light?" where a name was not understood) |
| `SWITCH_MARGIN` (voice) | how much better a lower-ranked Whisper hypothesis must be understood to replace the first |
"""

from __future__ import annotations

from agent.understanding.frames import Frame

UNKNOWN_WORD_COST = 0.15
"""What each word that names nothing costs a reading."""
DEVICE_TALK_COST = 0.3
"""What each word of a template's free text that names a device or kind costs the template's reading:
twice an unknown word, so "when the lights go off" is the device reader's, not a calendar title."""
UNSURE_REPLY = 0.4
"""A question back that may come from a word not understood: low enough for the LLM to try (fallback)."""
CLOSE_CALL = 0.05
"""Readings within this of the best, that would act differently, make the turn a question back."""
EXACT = 1.0


def frame_confidence(frame: Frame) -> float:
    """A clause's score: its least exact name, less the cost of each word that names nothing."""
    score = min((m.score for m in frame.mentions), default=EXACT)
    return max(0.0, score - UNKNOWN_WORD_COST * len(frame.unknown))

