"""Number words to digits: "twenty one" -> 21, "nineteen point five" -> 19.5, "a quarter" -> 25."""

from __future__ import annotations

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
PRONOUN_ONE_BEFORE = {"the", "that", "this", "which", "each", "every", "any", "no", "some", "other"}
"""After these, "one" is a pronoun ("the one in the garage"), not a number."""

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}


def words_to_numbers(tokens: list[str]) -> list[str]:
    """Replace runs of number words with digits; leaves every other token alone."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        value, used = _read_number(tokens, i)
        if used == 1 and tokens[i] == "one" and i and tokens[i - 1] in PRONOUN_ONE_BEFORE:
            used = 0
        if used:
            out.append(_format(value))
            i += used
        else:
            out.append(tokens[i])
            i += 1
    return out


def _read_number(tokens: list[str], start: int) -> tuple[float, int]:
    whole, used = _read_whole(tokens, start)
    if not used:
        return 0, 0
    i = start + used
    if i + 1 < len(tokens) and tokens[i] == "point":
        digits = []
        j = i + 1
        while j < len(tokens) and ((tokens[j] in UNITS and UNITS[tokens[j]] < 10) or tokens[j].isdigit()):
            digits.append(str(UNITS.get(tokens[j], tokens[j])))
            j += 1
        if digits:
            return float(f"{int(whole)}.{''.join(digits)}"), j - start
    if i + 2 < len(tokens) and tokens[i] == "and" and tokens[i + 1] == "a" and tokens[i + 2] == "half":
        return whole + 0.5, used + 3
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
        if nxt == "hundred":
            return UNITS[token] * 100, 2
        return UNITS[token], 1
    if token == "hundred":
        return 100, 1
    return 0, 0


def _format(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")


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
