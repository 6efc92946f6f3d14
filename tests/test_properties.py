"""Properties of the matcher over generated text: it never raises, and it never acts on a device
that was neither named nor implied. Every property draws its household from all those at hand: the
ones the repository ships, and the shared ones beside it in CI."""

from __future__ import annotations

import functools

import pytest
from helpers import HOUSEHOLDS, SHARED, TINY_HOME, acted_on, context, matcher_for, tiny
from helpers import household as load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.understanding.language import language
from agent.understanding.matcher import Matcher
from agent.understanding.mentions import find_mentions
from agent.understanding.normalize import plain_name
from agent.turn.plan import Plan
from devices.colors import NAMED_COLORS
from devices.household import Household

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


HOMES = [name for name in HOUSEHOLDS if name not in ("maple", "ha") or SHARED.is_dir()]
"""The households at hand."""


@functools.cache
def household(name: str) -> Household:
    return load(name)


@functools.cache
def matcher(name: str) -> Matcher:
    return matcher_for(household(name))


@st.composite
def rooms(draw: st.DrawFn) -> tuple[str, str | None]:
    """A household, and one of its areas or none."""
    name = draw(st.sampled_from(HOMES))
    return name, draw(st.sampled_from([None, *(a.id for a in household(name).areas)]))


# ---- never raises ------------------------------------------------------------------------------


@FAST
@given(text=st.text(max_size=600), room=rooms())
def test_the_matcher_never_raises_on_arbitrary_text(text: str, room: tuple[str, str | None]):
    name, area = room
    plan = matcher(name).match(text, context(area))
    assert isinstance(plan, Plan)
    assert plan.calls or plan.say


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=2_000, max_size=12_000), room=rooms())
def test_the_matcher_never_raises_on_long_unicode_text(text: str, room: tuple[str, str | None]):
    name, area = room
    assert isinstance(matcher(name).match(text, context(area)), Plan)


@functools.cache
def house_vocabulary(name: str) -> list[str]:
    words = {w for key in matcher(name).index.phrases for w in key.split()}
    return [*sorted(words), "turn", "on", "off", "set", "to", "the", "and", "then", "it", "them", "too", "up", "down", "percent", "degrees", "half", "twenty", "one", "point", "five", "a", "bit", "brighter", "warmer", "red", "warm", "white", "in", "here", "is", "too", "dark", ",", "yes", "no", "what", "unlock", "open", "close", "lock", "dim", "mute", "pause", "my", "usual", "every", "all", "everything", "house", "50%", "nineteen", "by", "two"]


@FAST
@given(data=st.data(), room=rooms())
def test_the_matcher_never_raises_on_household_word_salad(data: st.DataObject, room: tuple[str, str | None]):
    name, area = room
    person = data.draw(st.sampled_from([None, *(p.id for p in household(name).people)]))
    words = data.draw(st.lists(st.sampled_from(house_vocabulary(name)), max_size=25))
    plan = matcher(name).match(" ".join(words), context(area, person))
    assert isinstance(plan, Plan)
    assert acted_on(plan) <= set(matcher(name).registry.devices)


# ---- never acts on what was not named or implied -----------------------------------------------------

#: Words with no meaning in a home, and verbs and glue that imply no kind of device.
NEUTRAL_TEXT = """
    walrus orbit pancake velvet tundra sonnet quiver giraffe banana lantern harbour meadow
    pepper violin cactus tulip saxophone pyramid comet squirrel noodle biscuit marathon
    umbrella jigsaw pebble volcano zebra oyster parsnip trumpet igloo kayak yodel
    philosophy tuesday yesterday happily quickly purple elephant rhubarb
    the a an to of for with from my our your please um uh and then also , very really
    turn on off switch set make get put start stop change adjust give
    percent half full quarter 1 2 5 10 20 21 50 75 99 100 seven twenty one point five
"""
NEUTRAL_CANDIDATES = NEUTRAL_TEXT.split()


@functools.cache
def neutral_words(name: str) -> list[str]:
    """The candidates that name nothing in the household and imply no kind, by the matcher's own index."""
    words, values = language(), language().values
    implying = set(words.kinds) | words.scope.all | words.scope.house | set(values.attributes) | set(values.indirect) \
        | set(NAMED_COLORS) | set(values.color_temperatures) | {w for w, a in (values.up | values.down).items() if a} \
        | {"here", "room", "area"}
    index = matcher(name).index
    words = []
    for word in NEUTRAL_CANDIDATES:
        if word in implying or find_mentions([word], index):
            continue
        words.append(word)
    return words


@pytest.mark.parametrize("name", HOMES)
def test_the_neutral_vocabulary_is_large_enough_to_mean_something(name: str):
    assert len(neutral_words(name)) > 60


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), room=rooms())
def test_text_of_non_household_words_acts_on_no_device(data: st.DataObject, room: tuple[str, str | None]):
    name, area = room
    words = data.draw(st.lists(st.sampled_from(neutral_words(name)), min_size=1, max_size=12))
    plan = matcher(name).match(" ".join(words), context(area))
    assert acted_on(plan) == set(), (name, " ".join(words), plan)


def named_devices(name: str) -> list[tuple[str, str, str]]:
    """(household, device id, device name) for every device whose name is not just a kind word."""
    return [(name, d.id, d.name) for d in household(name).devices if plain_name(d.name) not in language().kinds]


def sharing_the_name(home: Household, name: str) -> set[str]:
    said = plain_name(name)
    return {d.id for d in home.devices if said in {plain_name(n) for n in [d.name, *d.aliases]}}


@st.composite
def named_requests(draw: st.DrawFn) -> tuple[str, str, str | None, str]:
    name = draw(st.sampled_from(HOMES))
    _, device_id, device_name = draw(st.sampled_from(named_devices(name)))
    area = draw(st.sampled_from([None, *(a.id for a in household(name).areas)]))
    verb = draw(st.sampled_from(["turn on the", "switch off the", "please turn off the", "um turn on the"]))
    return name, device_id, area, f"{verb} {device_name}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(request=named_requests())
def test_turning_a_named_device_on_or_off_acts_only_on_devices_of_that_name(request: tuple):
    name, device_id, area, text = request
    home = household(name)
    plan = matcher(name).match(text, context(area))
    same = sharing_the_name(home, home.devices[[d.id for d in home.devices].index(device_id)].name)
    assert acted_on(plan) <= same, (text, area, plan)


@pytest.mark.parametrize("name", HOMES)
def test_every_named_device_is_found_by_its_name_with_no_room_given(name: str):
    home = household(name)
    for _, device_id, device_name in named_devices(name):
        plan = matcher(name).match(f"switch off the {device_name}", context())
        assert acted_on(plan) <= sharing_the_name(home, device_name), device_name
        assert device_id in acted_on(plan) or not plan.calls, device_name


def test_the_inline_household_is_the_one_in_helpers():
    assert {d["id"] for d in TINY_HOME["devices"]} == {d.id for d in tiny().devices}
