"""The turn: the Assistant (one turn: understand, check, act, reply), typed tool calls and plans, the
conversation, the safety policy, the executor, the assistant's own tools (later commands and automations,
presence, recall, the briefing) and the one scheduler that carries out what falls due."""

__all__ = [
    "assistant", "briefing", "context", "executor", "household", "plan", "planned", "policy", "presence",
    "quiet", "recall", "routine_clock", "scheduler", "watching",
]
