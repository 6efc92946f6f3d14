"""The words homebody knows, read once from a language file (`lang/<code>.toml`) into frozen tables.

Every English word the understanding code compares against lives in `lang/en.toml`; the code
names a table (`WORDS.commands.verbs`), never a word. Each section below is a frozen dataclass
whose field types say how its TOML is read: `frozenset[str]` from an array, `Mapping[str, X]`
from a table, and so on. A file that does not fit is a `ConfigError` naming the key.
"""

from __future__ import annotations

import tomllib
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from agent.understanding.phrase_tables import Conditions, DeviceIntent, Grounding, ScheduleWords, SentenceSet, Time
from agent.understanding.typed_toml import read_typed
from agent.understanding.wording_tables import Wording
from devices.errors import ConfigError
from devices.model import Kind

LANG_DIR = Path(__file__).parent / "lang"


@dataclass(frozen=True)
class KindWord:
    """A generic word for a kind of device: "lamps", "curtains" (a cover of class curtain)."""

    kind: Kind
    device_class: str | None = None
    loose: bool = False
    """A window covering people name loosely: "blinds" may well mean the curtains (doors, gates and windows never)."""


@dataclass(frozen=True)
class Purpose:
    """What a climate device is switched on for ("heating"): the words that say it and its modes, best first."""

    words: tuple[str, ...]
    modes: tuple[str, ...]


@dataclass(frozen=True)
class Indirect:
    """A feeling ("cold", "dark") and what changes it: the kind of device and which way."""

    kind: str
    direction: str
    """"up" or "down"."""


@dataclass(frozen=True)
class Tokens:
    fillers: frozenset[str]
    openers: frozenset[str]
    polite_prefixes: tuple[str, ...]
    contractions: Mapping[str, str]
    percent_sign: str
    """The word "50%" is read with: "50 percent"."""


@dataclass(frozen=True)
class Numbers:
    ordinal_suffixes: tuple[str, ...]
    pronoun_one_before: frozenset[str]
    point: str
    hundred: str
    and_a_half: tuple[str, ...]
    fractions: Mapping[str, int]
    """A fraction's word -> its denominator."""
    fraction_one: frozenset[str]
    fraction_unit: str
    not_fraction_before: frozenset[str]
    units: Mapping[str, int]
    tens: Mapping[str, int]
    ordinals: Mapping[str, int]


@dataclass(frozen=True)
class Commands:
    verb_starters: frozenset[str]
    corrections: frozenset[str]
    corrects_before: tuple[tuple[str, ...], ...]
    splitters: frozenset[str]
    unsplit: tuple[str, ...]
    continuers: frozenset[str]
    negations: tuple[tuple[str, ...], ...]
    exceptions: tuple[tuple[str, ...], ...]
    references: frozenset[str]
    house_verbs: frozenset[str]
    light_verbs: frozenset[str]
    leading_only: frozenset[str]
    leading_split: Mapping[str, str]
    asking: frozenset[str]
    addressees: tuple[tuple[str, ...], ...]
    name_articles: frozenset[str]
    numbers_as_names_after: frozenset[str]
    prepositions: frozenset[str]
    unfinished_endings: frozenset[str]
    """A command's last word that asks for more ("turn on the kitchen light at"): what it asks for was not said."""
    previous_words: frozenset[str]
    next_words: frozenset[str]
    particles: Mapping[str, str]
    verbs: Mapping[str, tuple[str, ...]]
    """Action -> the verb phrases that ask for it."""
    verb_actions: Mapping[str, str] = field(init=False)
    """Verb phrase -> action: the reverse of `verbs`."""

    def __post_init__(self) -> None:
        actions = {phrase: action for action, phrases in self.verbs.items() for phrase in phrases}
        object.__setattr__(self, "verb_actions", types.MappingProxyType(actions))


@dataclass(frozen=True)
class Scope:
    all: frozenset[str]
    needs_kind: frozenset[str]
    standalone_all: frozenset[str]
    here: frozenset[str]
    house: frozenset[str]
    near: tuple[str, ...]
    """Words before a device that make it a place: "the light by the back door"."""


@dataclass(frozen=True)
class Cues:
    """Words, phrases anywhere, or phrases at the start, any of which marks something; or, for `marks`, one of
    `before` right before the word marked, when that is not the first word ("the study is cold")."""

    words: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()
    before: frozenset[str] = frozenset()

    def marks(self, tokens: list[str], i: int) -> bool:
        return self.heard(tokens) or (i > 1 and tokens[i - 1] in self.before)

    def heard(self, tokens: list[str]) -> bool:
        text = f" {' '.join(tokens)} "
        return bool(self.words.intersection(tokens)) or any(f" {p} " in text for p in self.phrases) \
            or any(text.startswith(f" {p} ") for p in self.starts)

    def opens(self, tokens: list[str]) -> bool:
        """Whether `tokens` begin with one of its words or phrases ("in here …", "so …")."""
        return (bool(tokens) and tokens[0] in self.words) or any(tokens[:len(p.split())] == p.split() for p in self.phrases)


@dataclass(frozen=True)
class StrayQuestion:
    words: frozenset[str]
    verbs: frozenset[str]
    article: str

    def starts(self, tokens: list[str]) -> bool:
        return len(tokens) >= 3 and tokens[0] in self.words and tokens[1] in self.verbs and tokens[2] == self.article


@dataclass(frozen=True)
class ModeCues:
    """Words beside a mode or a speed that make it a setting: one of `before` right before it ("on eco",
    "to low"), or of `after` right after it ("auto mode", "medium speed")."""

    before: frozenset[str]
    after: frozenset[str]

    def cue(self, tokens: Sequence[str], i: int, not_before: set[int] | frozenset[int] = frozenset()) -> bool:
        """Whether the word at `i` is said as a setting; a word at a position in `not_before` cues nothing."""
        return (i > 0 and tokens[i - 1] in self.before and i - 1 not in not_before) \
            or (i + 1 < len(tokens) and tokens[i + 1] in self.after)


@dataclass(frozen=True)
class Beside:
    """Words next to a word that change what it is: one of `before` right before it, or of `after` right after."""

    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()

    def heard(self, before: str, after: str) -> bool:
        return before in self.before or after in self.after


@dataclass(frozen=True)
class Extremes:
    phrases: tuple[str, ...]
    most: int
    least: int


@dataclass(frozen=True)
class Values:
    setting_prepositions: frozenset[str]
    temperature_prepositions: frozenset[str]
    percent: frozenset[str]
    degrees: frozenset[str]
    shade_cue: str
    mode_cues: ModeCues
    speeds: Mapping[str, int]
    """A fan speed's name -> its percentage."""
    speed_cues: ModeCues
    by: str
    also: tuple[str, ...]
    indirect_cues: Cues
    heaters: frozenset[str]
    small: frozenset[str]
    extremes: Extremes
    personal: tuple[str, ...]
    attributes: Mapping[str, str]
    up: Mapping[str, str]
    """Word -> the attribute it implies ("" for none)."""
    down: Mapping[str, str]
    named_amounts: Mapping[str, int]
    color_temperatures: Mapping[str, int]
    switched_on: Mapping[str, Purpose]
    """What a climate device is switched on for, by name ("heating", "cooling")."""
    modes: Mapping[str, tuple[str, ...]]
    """Climate mode -> the words that name it."""
    indirect: Mapping[str, Indirect]


@dataclass(frozen=True)
class Words:
    name_endings: frozenset[str]
    function: frozenset[str]
    command: frozenset[str]
    on_verbs: tuple[str, ...]
    off_verbs: tuple[str, ...]


@dataclass(frozen=True)
class Questions:
    stray_question: StrayQuestion
    open_starts: frozenset[str]
    starts: frozenset[str]
    yes_no_starts: frozenset[str]
    any_things: frozenset[str]
    presence: frozenset[str]
    activities: frozenset[str]
    temperature: frozenset[str]
    feel: frozenset[str]
    target_phrases: tuple[str, ...]
    weak_measures: frozenset[str]
    presence_values: frozenset[str]
    vague_measures: frozenset[str]
    status: frozenset[str]
    place_like: frozenset[str]
    yes_no_words: frozenset[str]
    sensor_words: frozenset[str]
    measure_asks: frozenset[str]
    positions: frozenset[str]
    impersonal: frozenset[str]
    which_starts: frozenset[str]
    not_plurals: frozenset[str]
    possessive_ending: str
    place_prepositions: frozenset[str]
    bare_place_endings: tuple[str, ...]
    floor_nouns: tuple[str, ...]
    general_nouns: frozenset[str]
    sensor_nouns: tuple[str, ...]
    attributes: Mapping[str, str]
    quantifiers: Mapping[str, Cues]
    """Quantifier -> what says it, in the order they are tried ("one" when none is heard)."""
    not_a_state: Mapping[str, Beside]
    kind_sensors: Mapping[str, tuple[str, ...]]
    kind_covers: Mapping[str, frozenset[str]]
    binary_predicates: Mapping[str, tuple[str, str]]
    binary_state_words: Mapping[str, Mapping[str, bool]]
    kind_state_words: Mapping[str, str]
    sensed_nouns: Mapping[str, frozenset[str]]
    measure_words: Mapping[str, tuple[str, ...]]
    class_nouns: Mapping[str, tuple[str, str]]
    unit_words: Mapping[str, tuple[str, str]]


@dataclass(frozen=True)
class Answers:
    yes: frozenset[str]
    no: frozenset[str]
    yes_starts: frozenset[str]
    no_starts: frozenset[str]


@dataclass(frozen=True)
class Language:
    """Every table of one language."""

    code: str
    tokens: Tokens
    numbers: Numbers
    commands: Commands
    scope: Scope
    values: Values
    words: Words
    kinds: Mapping[str, KindWord]
    questions: Questions
    answers: Answers
    wording: Wording
    replies: Mapping[str, str]
    """What understanding says instead of acting, by name (str.format templates)."""
    time: Time
    schedule: ScheduleWords
    sentences: Mapping[str, SentenceSet]
    """The assistant's own sentences by name (undo, small talk, presence, …)."""
    intents: Mapping[str, DeviceIntent]
    """Device commands written as templates, by name; read before a clause's words one by one."""
    intent_words: Mapping[str, frozenset[str]]
    """Word slots of the intents' templates ({playing}: what a player plays)."""
    chat: Mapping[str, tuple[str, ...]]
    """What homebody says in small talk, by topic; a list is said in turn."""
    conditions: Conditions
    grounding: Grounding


def load_language(path: Path) -> Language:
    """Read and check a language file; ConfigError says what does not fit, and where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    return typing.cast(Language, read_typed(data, Language, path.name))


@cache
def language(code: str = "en") -> Language:
    """The language `code`, loaded once per process."""
    return load_language(LANG_DIR / f"{code}.toml")


@cache
def known_words(code: str = "en") -> frozenset[str]:
    """The single words of the vocabulary that mean something on their own ("fire" only means "on" in
    "fire up"): sound-alike repairs never replace them."""
    words = language(code)
    phrases = [*words.words.function, *words.words.command, *words.words.on_verbs, *words.words.off_verbs,
               *words.kinds, *words.scope.all, *words.scope.here, *words.scope.house, *words.values.color_temperatures,
               *words.questions.any_things, *words.questions.measure_words, *words.questions.class_nouns,
               *words.questions.unit_words, *words.questions.kind_state_words, *words.questions.sensed_nouns]
    return frozenset(phrase for phrase in phrases if " " not in phrase)
