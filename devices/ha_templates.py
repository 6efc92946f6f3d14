"""Home Assistant's MQTT templates, rendered the way Home Assistant renders them: real Jinja2, sandboxed.

Discovery configs carry Jinja templates (`value_template`, `command_template`,
`percentage_command_template`, …). They come from devices on the broker, so they are data:
they run in Jinja2's immutable sandbox (no attribute access to internals, no mutation, ranges
capped), with the filters and globals Home Assistant adds that device firmwares use
(`float`, `int`, `round`, `iif`, `bool`, `from_json`, `to_json`, `is_defined`, …). The sandbox
does not bound the work a template makes, so this one does, for the network thread's sake: no
loop inside a loop and no macros, no padding (`center`, `ljust`, `format`, …: a device's template
never needs them), no huge repetition, power or replace, and at most MAX_OUTPUT characters rendered.

A value template sees `value` (the payload text) and, when the payload is JSON, `value_json`;
a command template sees `value` and whatever variables the entity passes (`position`, …).
Results are text, as in Home Assistant; a missing key renders as nothing (also through a filter),
never raises.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import filters as jinja_filters
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

_NO_DEFAULT = object()
_TRUE_WORDS = {"1", "true", "yes", "on", "enable"}
_FALSE_WORDS = {"0", "false", "no", "off", "disable"}
MAX_TEMPLATE = 8192
"""Characters a template may have; a discovery config is small, anything longer is refused."""
MAX_OUTPUT = 65536
"""Characters a template may render."""
_MAX_REPEAT = 4096
"""The largest count a text or list may be multiplied by, and the largest exponent."""


class TemplateError(ValueError):
    """A template that does not compile, or failed on a payload."""


def _no_default(name: str, value: Any) -> Any:
    raise TemplateError(f"template: {name} got invalid input {value!r} and no default was given")


def to_float(value: Any, default: Any = _NO_DEFAULT) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return _no_default("float", value) if default is _NO_DEFAULT else default


def to_int(value: Any, default: Any = _NO_DEFAULT, base: int = 10) -> Any:
    result = jinja_filters.do_int(value, default=_NO_DEFAULT, base=base)  # type: ignore[arg-type]
    if result is _NO_DEFAULT:
        return _no_default("int", value) if default is _NO_DEFAULT else default
    return result


def to_round(value: Any, precision: int = 0, method: str = "common", default: Any = _NO_DEFAULT) -> Any:
    """Home Assistant's round: methods common, ceil, floor and half; precision 0 gives an int."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return _no_default("round", value) if default is _NO_DEFAULT else default
    scale = 10 ** precision
    if method == "ceil":
        number = math.ceil(number * scale) / scale
    elif method == "floor":
        number = math.floor(number * scale) / scale
    elif method == "half":
        number = round(number * 2) / 2
    else:
        number = round(number, precision)
    return int(number) if precision == 0 and method != "half" else number


def to_bool(value: Any, default: Any = _NO_DEFAULT) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE_WORDS or text in _FALSE_WORDS:
        return text in _TRUE_WORDS
    return _no_default("bool", value) if default is _NO_DEFAULT else default


def iif(value: Any, if_true: Any = True, if_false: Any = False, if_none: Any = _NO_DEFAULT) -> Any:
    if value is None and if_none is not _NO_DEFAULT:
        return if_none
    return if_true if value else if_false


def is_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def is_defined(value: Any) -> Any:
    if isinstance(value, jinja2.Undefined):
        raise TemplateError("template: a value it needs is not defined")
    return value


def to_json(value: Any, ensure_ascii: bool = False, pretty_print: bool = False, sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=2 if pretty_print else None, sort_keys=sort_keys)


def _multiply(value: Any, amount: Any, default: Any = _NO_DEFAULT) -> Any:
    try:
        return float(value) * amount
    except (TypeError, ValueError):
        return _no_default("multiply", value) if default is _NO_DEFAULT else default


_PADDING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "format", "format_map"})
"""Text methods whose result is as long as an argument says; a device's template has no use for them."""
_PERCENT_WIDTH = re.compile(r"%[-+ #0]*(\d+)")


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, refusing what makes a template eat memory or time."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > _MAX_REPEAT:
            raise TemplateError(f"template: an exponent of {right}")
        if operator == "*" and any(isinstance(a, (str, list, tuple)) for a in (left, right)):
            count = right if isinstance(left, (str, list, tuple)) else left
            if isinstance(count, int) and count > _MAX_REPEAT:
                raise TemplateError(f"template: a repetition {count} times")
        if operator == "%" and isinstance(left, str) and any(int(w) > 64 for w in _PERCENT_WIDTH.findall(left)):
            raise TemplateError("template: a format width over 64")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        method = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        text, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
        if isinstance(text, str) and name in _PADDING:
            raise TemplateError(f"template: str.{name} is not taken")
        if isinstance(text, str) and name == "replace":
            return _replace(text, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _replace(text: str, old: str, new: str, count: int = -1) -> str:
    """str.replace, refused when its result would be longer than MAX_OUTPUT."""
    times = (text.count(old) if old else len(text) + 1) if count < 0 else count
    if len(text) + len(str(new)) * times > MAX_OUTPUT:
        raise TemplateError(f"template: a replace longer than {MAX_OUTPUT} characters")
    return text.replace(old, new, count)


def _check_bounded(tree: nodes.Template) -> None:
    if any(True for _ in tree.find_all((nodes.Macro, nodes.CallBlock))):
        raise TemplateError("template: macros are not taken")
    for loop in tree.find_all(nodes.For):
        if any(True for _ in loop.find_all(nodes.For)):
            raise TemplateError("template: a loop inside a loop is not taken")


def _environment() -> ImmutableSandboxedEnvironment:
    environment = _BoundedEnvironment(undefined=jinja2.ChainableUndefined, autoescape=False)
    helpers = {"float": to_float, "int": to_int, "round": to_round, "bool": to_bool, "iif": iif,
               "is_number": is_number, "is_defined": is_defined, "from_json": json.loads, "to_json": to_json,
               "multiply": _multiply}
    environment.filters.update(helpers)
    for padding in ("center", "indent", "wordwrap", "format"):
        del environment.filters[padding]
    environment.filters["replace"] = lambda text, old, new, count=-1: _replace(str(text), str(old), str(new), count)
    environment.globals.update({k: helpers[k] for k in ("float", "int", "round", "bool", "iif", "is_number")})
    environment.globals.update({"min": min, "max": max})
    environment.tests["is_number"] = is_number
    return environment


_ENVIRONMENT = _environment()


@lru_cache(maxsize=1024)
def compile_template(text: str) -> jinja2.Template:
    """The compiled template; TemplateError when it is too long or not Jinja."""
    if len(text) > MAX_TEMPLATE:
        raise TemplateError(f"template of {len(text)} characters (at most {MAX_TEMPLATE})")
    try:
        _check_bounded(_ENVIRONMENT.parse(text))
        return _ENVIRONMENT.from_string(text)
    except jinja2.TemplateError as error:
        raise TemplateError(f"template does not compile: {error}") from None


def render(text: str, **variables: Any) -> str:
    """The template rendered with `variables`, as text; TemplateError when it fails."""
    try:
        return _bounded_render(compile_template(text), variables).strip()
    except TemplateError:
        raise
    except jinja2.UndefinedError:  # a filter given a value the payload does not have: nothing to read
        return ""
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as error:
        raise TemplateError(f"template failed: {error}") from None


def _bounded_render(template: jinja2.Template, variables: dict[str, Any]) -> str:
    chunks, size = [], 0
    for chunk in template.generate(**variables):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise TemplateError(f"template renders more than {MAX_OUTPUT} characters")
        chunks.append(chunk)
    return "".join(chunks)


def render_value(template: str | None, payload: str) -> str:
    """A value template applied to a received payload; no template gives the payload itself.

    TemplateError when the template reads `value_json` and the payload is not JSON (garbage, as
    Home Assistant would log it), or when the template fails.
    """
    if template is None:
        return payload
    variables: dict[str, Any] = {"value": payload}
    try:
        variables["value_json"] = json.loads(payload)
    except ValueError:
        if "value_json" in template:
            raise TemplateError(f"not JSON: {payload[:80]!r}") from None
    return render(template, **variables)


def render_command(template: str | None, value: Any, **variables: Any) -> str:
    """A command template applied to the value to send; no template gives the value as text."""
    if template is None:
        return value if isinstance(value, str) else json.dumps(value)
    return render(template, value=value, **variables)
