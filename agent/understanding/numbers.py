"""Number words to digits: "twenty one" -> 21, "nineteen point five" -> 19.5, "three quarters" -> 75 percent."""

from __future__ import annotations

from agent.understanding.language import language

_NUMBERS, _TIME = language().numbers, language().time
UNITS, TENS, ORDINALS, ORDINAL_SUFFIXES = _NUMBERS.units, _NUMBERS.tens, _NUMBERS.ordinals, _NUMBERS.ordinal_suffixes
PRONOUN_ONE_BEFORE = _NUMBERS.pronoun_one_before
"""After these, "one" is a pronoun ("the one in the garage"), not a number."""


def words_to_numbers(tokens: list[str]) -> list[str]:
    """Replace runs of number words with digits; leaves every other token alone."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        share = _read_fraction(tokens, i)
        if share is not None:
            out += [str(share), _NUMBERS.fraction_unit]
            i += 2
            continue
        value, used = _read_number(tokens, i)
        if used == 1 and UNITS.get(tokens[i]) == 1 and i and tokens[i - 1] in PRONOUN_ONE_BEFORE:
            used = 0
        if used:
            out.append(_format(value))
            i += used
        else:
            out.append(tokens[i])
            i += 1
    return out


def _read_fraction(tokens: list[str], start: int) -> int | None:
    """The percentage a fraction said at `start` is ("a third", "three quarters", "2 thirds"), or None."""
    if start + 1 >= len(tokens) or tokens[start + 1] not in _NUMBERS.fractions:
        return None
    if start + 2 < len(tokens) and (tokens[start + 2] in _NUMBERS.not_fraction_before or tokens[start + 2] in _TIME.units):
        return None
    if start >= 2 and tokens[start - 1] == _TIME.and_ and tokens[start - 2] in _TIME.units:
        return None  # "an hour and a quarter": a share of the hour
    word = tokens[start]
    count = 1 if word in _NUMBERS.fraction_one else UNITS.get(word, int(word) if word.isdigit() else 0)
    denominator = _NUMBERS.fractions[tokens[start + 1]]
    return round(100 * count / denominator) if 0 < count <= denominator else None


def _read_number(tokens: list[str], start: int) -> tuple[float, int]:
    whole, used = _read_whole(tokens, start)
    if not used:
        return 0, 0
    i = start + used
    if i + 1 < len(tokens) and tokens[i] == _NUMBERS.point:
        digits = []
        j = i + 1
        while j < len(tokens) and ((tokens[j] in UNITS and UNITS[tokens[j]] < 10) or tokens[j].isdigit()):
            digits.append(str(UNITS.get(tokens[j], tokens[j])))
            j += 1
        if digits:
            return float(f"{int(whole)}.{''.join(digits)}"), j - start
    half = _NUMBERS.and_a_half
    if tuple(tokens[i : i + len(half)]) == half:
        return whole + 0.5, used + len(half)
    return whole, used


def _read_whole(tokens: list[str], start: int) -> tuple[float, int]:
    token = tokens[start]
    if token in TENS:
        value = TENS[token]
        nxt = tokens[start + 1] if start + 1 < len(tokens) else ""
        if nxt in UNITS and 0 < UNITS[nxt] < 10:
            return value + UNITS[nxt], 2
        return value, 1
    if token in UNITS:
        nxt = tokens[start + 1] if start + 1 < len(tokens) else ""
        if nxt == _NUMBERS.hundred:
            return UNITS[token] * 100, 2
        return UNITS[token], 1
    if token == _NUMBERS.hundred:
        return 100, 1
    return 0, 0


def _format(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_number(token: str) -> float | None:
    """A digit token ("21", "19.5", "21st") as a number, else None."""
    text = token.rstrip("%")
    for suffix in ORDINAL_SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)].isdigit():
            text = text[: -len(suffix)]
    try:
        return float(text)
    except ValueError:
        return None
