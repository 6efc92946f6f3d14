"""The tool vocabulary shared by the matcher, the LLM planner and plugins (LangChain tools).

Modelled on Home Assistant's intents: a few typed tools over targets, not one per device.
The functions here only describe the tools (name, description, argument schema); the
executor runs them against the live home.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

Quantifier = Literal["one", "any", "all", "which", "count"]
MediaCommand = Literal["pause", "resume", "next", "previous"]


class SetStateArgs(BaseModel):
    devices: list[str] = Field(description="device ids to change")
    changes: dict[str, Any] = Field(description="normalized attributes to set, e.g. {\"state\": \"on\", \"brightness\": 40}")


class AdjustArgs(BaseModel):
    devices: list[str] = Field(description="device ids to change")
    attribute: Literal["brightness", "color_temp", "target_temperature", "percentage", "volume", "position"]
    delta: float = Field(description="amount to add (negative to lower): percent points or degrees")


class GetStateArgs(BaseModel):
    devices: list[str] = Field(description="device ids asked about")
    attribute: str | None = Field(default=None, description="attribute asked about; none for the whole state")
    value: Any = Field(default=None, description="the value asked about in a yes/no question, e.g. \"locked\"")
    quantifier: Quantifier = "one"


class MediaControlArgs(BaseModel):
    devices: list[str]
    command: MediaCommand


class RunRoutineArgs(BaseModel):
    routine: str = Field(description="routine id")


def _describe(**_: Any) -> str:
    raise NotImplementedError("homebody's executor runs device tools; call Executor.run")


def _tool(name: str, description: str, schema: type[BaseModel]) -> BaseTool:
    return StructuredTool.from_function(func=_describe, name=name, description=description, args_schema=schema)


def device_tools() -> list[BaseTool]:
    """The built-in device tools; skills add their own."""
    return [
        _tool("set_state", "Set devices to a state: on/off, open/closed, locked/unlocked, brightness, colour, "
              "colour temperature, target temperature, mode, position, fan percentage, volume, mute.", SetStateArgs),
        _tool("adjust", "Raise or lower a numeric attribute relative to its current value.", AdjustArgs),
        _tool("get_state", "Answer a question about devices' current state.", GetStateArgs),
        _tool("media_control", "Pause, resume, skip to next or previous on media players.", MediaControlArgs),
        _tool("run_routine", "Run one of the household's routines by id.", RunRoutineArgs),
    ]

