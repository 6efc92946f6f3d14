"""Home Assistant templates through sandboxed Jinja2: what firmwares put in discovery configs, and what they
must not be able to do."""

from __future__ import annotations

from typing import Any

import pytest

from devices.ha_templates import MAX_TEMPLATE, TemplateError, compile_template, render_command, render_value

VALUE_TEMPLATES: list[tuple[str, str, str]] = [
    ("{{ value_json.POWER }}", '{"POWER": "ON", "Dimmer": 24}', "ON"),
    ("{{value_json['ENERGY'].Today}}", '{"ENERGY": {"Today": 0.24}}', "0.24"),
    ('{{ value_json["state_left"] }}', '{"state_left": "ON", "state_right": "OFF"}', "ON"),
    ("{{ value }}", "21.5", "21.5"),
    ("{{ value | float * 10 }}", "2.5", "25.0"),
    ("{{ value_json.t | round(1) }}", '{"t": 21.456}', "21.5"),
    ("{{ value_json.t | round }}", '{"t": 21.6}', "22"),
    ("{{ value_json.t | round(0, 'floor') }}", '{"t": 21.6}', "21"),
    ("{{ value_json.n | int }}", '{"n": "42"}', "42"),
    ("{{ value_json.x | float(0) }}", '{"x": "n/a"}', "0"),
    ("{{ iif(value_json.on, 'ON', 'OFF') }}", '{"on": true}', "ON"),
    ("{{ value_json.on | iif('ON', 'OFF') }}", '{"on": false}', "OFF"),
    ("{{ {'off': 0, 'low': 1, 'high': 2}[value_json.mode] | default('None') }}", '{"mode": "high"}', "2"),
    ("{{ {'off': 0, 'low': 1}[value_json.mode] | default('None') }}", '{"mode": "turbo"}', "None"),
    ("{% set m = {'manual': 'heat', 'pause': 'off'} %}{{ m[value_json.op] if value_json.op in m.keys() else 'off' }}",
     '{"op": "manual"}', "heat"),
    ("{% if value_json.contact %}false{% else %}true{% endif %}", '{"contact": true}', "false"),
    ("{{ value_json.missing }}", '{"present": 1}', ""),
    ("{{ value_json.a.b.c }}", '{"a": {}}', ""),
    ("{{ value_json.t | round(1) }}", '{"other": 1}', ""),
    ("{{ (value | from_json).v }}", '{"v": 7}', "7"),
    ("{{ value_json | to_json }}", '{"a": 1}', '{"a": 1}'),
    ("{{ max(value_json.a, value_json.b) }}", '{"a": 3, "b": 9}', "9"),
    ("{{ value_json.v is is_number }}", '{"v": "12"}', "True"),
    ("{{ 'on' if value | bool else 'off' }}", "yes", "on"),
]


@pytest.mark.parametrize(("template", "payload", "rendered"), VALUE_TEMPLATES)
def test_value_templates_render_as_home_assistant_renders_them(template: str, payload: str, rendered: str) -> None:
    assert render_value(template, payload) == rendered


def test_no_template_is_the_payload_itself() -> None:
    assert render_value(None, " ON ") == " ON "
    assert render_command(None, "OFF") == "OFF"
    assert render_command(None, 21.5) == "21.5"


def test_a_template_on_json_given_something_else_is_garbage() -> None:
    with pytest.raises(TemplateError, match="not JSON"):
        render_value("{{ value_json.temperature }}", "not json")
    assert render_value("{{ value | upper }}", "not json") == "NOT JSON"  # a template about the text is fine


@pytest.mark.parametrize(("template", "value", "variables", "rendered"), [
    ("{{ {0: 'off', 1: 'low', 2: 'medium', 3: 'high', 4: 'on'}[value] | default('') }}", 2, {}, "medium"),
    ('{% set v = {"auto": "schedule", "heat": "manual"} %}{"operating_mode": "{{ v[value] if value in v.keys() '
     'else \'pause\' }}"}', "heat", {}, '{"operating_mode": "manual"}'),
    ('{ "position": {{ position }} }', 50, {"position": 50}, '{ "position": 50 }'),
    ("{{ value | int }}", 21.5, {}, "21"),
    ('{"state": "{{ value }}", "brightness": {{ (value == "ON") | iif(255, 0) }}}', "ON", {},
     '{"state": "ON", "brightness": 255}'),
])
def test_command_templates_render_the_value_to_send(template: str, value: Any, variables: dict[str, Any],
                                                    rendered: str) -> None:
    assert render_command(template, value, **variables) == rendered


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",  # the classic sandbox escape
    "{% set x = [] %}{{ x.append(1) }}",  # immutable: no mutating calls
    "{{ range(10**9) | list | length }}",  # ranges are capped
    "{{ value | float }}",  # no default: a failure, as in Home Assistant
])
def test_what_a_template_may_not_do_fails_as_a_template_error(template: str) -> None:
    with pytest.raises(TemplateError):
        render_value(template, '{"a": 1}')


@pytest.mark.parametrize("template", [
    "{{ 'x' * 10**9 }}",
    "{{ 2 ** 1000000 }}",
    "{{ 'x'.center(10**9) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%999999999d' % 1 }}",
    "{{ value | replace('', 'y' * 4000) }}",
    "{{ value.replace('', 'y' * 4000) }}",
    "{% for i in range(100000) %}{{ value }}{% endfor %}",
])
def test_a_template_cannot_make_the_network_thread_allocate_or_loop_without_bound(template: str) -> None:
    with pytest.raises(TemplateError):
        render_value(template, "abc" * 100)


@pytest.mark.parametrize("template", ["{% for a in value %}{% for b in value %}{% endfor %}{% endfor %}",
                                      "{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}{{ twice(value) }}"])
def test_nested_loops_and_macros_are_refused_up_front(template: str) -> None:
    with pytest.raises(TemplateError):
        compile_template(template)


def test_what_device_templates_do_with_loops_and_formats_still_works() -> None:
    assert render_value("{% for k in value_json %}{{ k }};{% endfor %}", '{"a": 1, "b": 2}') == "a;b;"
    assert render_value("{{ '%.1f' % value_json.t }} {{ value_json.n % 7 }}", '{"t": 21.46, "n": 9}') == "21.5 2"


def test_internals_are_out_of_reach() -> None:
    assert render_value("{{ value_json.__class__ }}{{ value.__init__ }}", '{"a": 1}') == ""


@pytest.mark.parametrize("template", ["{{ value_json.a", "{% if %}", "{{ 1 | no_such_filter }}",
                                      "x" * (MAX_TEMPLATE + 1)])
def test_a_template_that_does_not_compile_is_refused_up_front(template: str) -> None:
    with pytest.raises(TemplateError):
        compile_template(template)
