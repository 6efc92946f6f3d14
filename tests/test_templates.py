
import pytest

from agent.understanding.templates import (
    BUILTIN_SLOTS,
    Sentence,
    SlotType,
    TemplateError,
    best_match,
    choice,
    compile_template,
    match,
    parse_duration,
    sentence_text,
)

TYPES = {**BUILTIN_SLOTS, "area": choice({"kitchen": "kitchen", "living room": "living_room", "lounge": "living_room"})}


def values(template: str, utterance: str) -> dict | None:
    found = match(compile_template(template, TYPES), sentence_text(utterance))
    return None if found is None else found.values


@pytest.mark.parametrize("template, utterance, expected", [
    ("what time is it", "What time is it?", {}),
    ("what time is it", "what time is it now", None),
    ("what is the time", "what's the time", {}),
    ("[please] turn it up", "please turn it up", {}),
    ("[the|my] timer", "timer", {}),
    ("[the|my] timer", "my timer", {}),
    ("(start|set) [a] {duration} timer", "set a five minute timer", {"duration": 300}),
    ("(start|set) [a] {duration} timer", "start 10 minute timer", {"duration": 600}),
    ("(start|set) [a] {duration} timer", "stop a 10 minute timer", None),
    ("[start] [a] {duration} timer [(named|called) {name}]", "start a 5 minute timer named pizza",
     {"duration": 300, "name": "pizza"}),
    ("[start] [a] {duration} timer [(named|called) {name}]", "5 minute timer", {"duration": 300}),
    ("add {item} to [the] list", "add milk and eggs to the list", {"item": "milk and eggs"}),
    ("add {item} to [the] list", "add to the list", None),
    ("set {count:number} alarms", "set three alarms", {"count": 3}),
    ("set {count:number} alarms", "set 2.5 alarms", {"count": 2.5}),
    ("lights in [the] {area}", "lights in the living room", {"area": "living_room"}),
    ("lights in [the] {area}", "lights in the lounge", {"area": "living_room"}),
    ("lights in [the] {area}", "lights in the garage", None),
    ("({area} timer|timer in [the] {area})", "timer in the kitchen", {"area": "kitchen"}),
    ("({area} timer|timer in [the] {area})", "kitchen timer", {"area": "kitchen"}),
])
def test_template_matches(template, utterance, expected):
    assert values(template, utterance) == expected


@pytest.mark.parametrize("spoken, seconds", [
    ("5 minutes", 300), ("1 minute", 60), ("an hour", 3600), ("a minute and a half", 90),
    ("1 hour and 15 minutes", 4500), ("1 hour 15 minute 30 second", 4530), ("1 hour , 15 minutes , and 30 seconds", 4530),
    ("5 and a half minutes", 330), ("1.5 hours", 5400), ("half a minute", 30), ("half an hour", 1800),
    ("a half hour", 1800), ("a quarter of an hour", 900), ("45 secs", 45), ("2 hrs", 7200),
    ("three quarters of an hour", 2700), ("two thirds of an hour", 2400), ("a third of a minute", 20),
    ("an hour and three quarters", 6300), ("2 hours and a quarter", 8100), ("a minute and a third", 80),
])
def test_durations(spoken, seconds):
    text = sentence_text(spoken).strip()
    found = match(compile_template("{duration}", TYPES), sentence_text(spoken))
    assert parse_duration(text) == seconds
    assert found is not None and found.values == {"duration": seconds}


@pytest.mark.parametrize("utterance, seconds", [
    ("set a timer for 1/2 an hour", 1800), ("set a timer for 1 and a 1/2 hours", 5400),
    ("set a timer for one and a half hours", 5400), ("set a timer for twenty five minutes", 1500),
])
def test_spoken_forms_of_numbers(utterance, seconds):
    assert values("set a timer for {duration}", utterance) == {"duration": seconds}


@pytest.mark.parametrize("template", [
    "turn [on", "turn (on|off", "turn on]", "set {1x}", "set {x:no_such_type}",
])
def test_bad_templates_are_refused(template):
    with pytest.raises(TemplateError):
        compile_template(template, TYPES)


def test_a_slot_may_appear_in_several_alternatives():
    template = compile_template("(cancel {name} timer|cancel timer named {name})", TYPES)
    assert match(template, sentence_text("cancel timer named pizza")).values == {"name": "pizza"}


def test_a_slot_can_reject_what_it_matched():
    even = SlotType(r"\d+", lambda text: int(text) if int(text) % 2 == 0 else None)
    template = compile_template("pick {n:even}", {"even": even})
    assert match(template, sentence_text("pick 4")).values == {"n": 4}
    assert match(template, sentence_text("pick 3")) is None


def test_a_slot_named_underscore_must_fit_but_gives_no_value():
    template = compile_template("going to the {_:area} [now]", TYPES)
    assert match(template, sentence_text("going to the lounge now")).values == {}
    assert match(template, sentence_text("going to the shops")) is None


@pytest.mark.parametrize("templates, utterance, winner", [
    (["stop timer for {name}", "stop timer for {length:duration}"], "stop timer for 5 minutes", 1),
    (["stop timer for {name}", "stop timer for {length:duration}"], "stop timer for pizza", 0),
    (["remove {name} timer", "remove {duration} from timer"], "remove 5 minutes from timer", 1),
    (["{name} timer", "{area} timer"], "kitchen timer", 1),
    (["add {item}", "add {item} to the list"], "add milk to the list", 1),
    (["what time is it", "what time is it"], "what time is it", 0),
    (["what time is it"], "turn on the light", None),
])
def test_the_most_specific_template_wins(templates, utterance, winner):
    candidates = [Sentence(compile_template(t, TYPES), i) for i, t in enumerate(templates)]
    found = best_match(candidates, sentence_text(utterance))
    assert (found[0].target if found else None) == winner


def test_every_builtin_skill_matches_many_utterances_without_error():
    from zoneinfo import ZoneInfo

    from skills import clock, timers
    from skills.api import SkillContext
    from agent.skill_host import SkillRegistry

    factories = [("clock", "skills.clock:skill", clock.skill), ("timers", "skills.timers:skill", timers.skill)]
    registry = SkillRegistry.from_factories(factories, SkillContext(ZoneInfo("UTC")))
    utterances = ["turn on the kitchen light and set it to 40 percent", "how long is left on the pizza timer",
                  "what's the date today", "set timer called pizza for 1 hour, 15 minutes and 30 seconds"] * 50
    for utterance in utterances:  # speed is `homebody bench --only matcher`'s job; this checks nothing breaks
        registry.understand(utterance, None)  # type: ignore[arg-type]  # the context is not read to match


@pytest.mark.parametrize("template, fits, misses", [
    ("turn on the light", ["turn on the light"], ["turn on the lamp"]),
    ("(remind me|set [a] reminder) {text}", ["remind me to call", "set reminder to call"], ["tell me to call"]),
    ("[please] stop {name} timer", ["stop pizza timer", "please stop pizza timer"], ["stop pizza"]),
    ("(what|which) [day] is it", ["what is it", "which day is it"], ["is it"]),
])
def test_a_template_is_tried_only_on_texts_with_the_words_it_needs(template, fits, misses):
    compiled = compile_template(template, TYPES)
    assert all(compiled.may_fit(sentence_text(text)) and match(compiled, sentence_text(text)) for text in fits)
    assert not any(compiled.may_fit(sentence_text(text)) for text in misses)


def test_no_builtin_sentence_is_skipped_on_a_text_it_fits():
    """The words a template needs are a necessary condition: for every built-in skill sentence and every example
    and device command, a text its regex fits is never one it is skipped on."""
    from zoneinfo import ZoneInfo

    from agent.skill_host import SkillRegistry
    from skills.api import SkillContext

    registry = SkillRegistry.discover(SkillContext(ZoneInfo("UTC")))
    texts = [sentence_text(e) for skill in registry.skills for e in skill.examples]
    texts += [sentence_text(t) for t in ("turn on the kitchen light", "remind me at 5 to call mum",
                                         "wake me up at 6:30 tomorrow", "what's on thursday", "cancel my alarm")]
    templates = [sentence.template for sentence in registry._candidates]
    fitted = [(t, text) for t in templates for text in texts if t.regex.fullmatch(text)]
    assert len(fitted) >= len(texts) - 1 and all(t.may_fit(text) for t, text in fitted)
