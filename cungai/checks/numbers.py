"""Numbers as Chinese texts write them: 4000万, 四千万, 1.2亿, 12场次, 50%, 百分之五十, 二〇二〇年.

``numbers_in`` reads every number of a text as the values it can stand for: the number as written
and, when a magnitude follows it (万, 亿…), the number times the magnitude. A block's numeric
literal is said by its quote when one of these values, or one of them converted by a unit factor
of the vocabularies, equals it (``says_number``). Tolerance is relative (1e-4), for factors such
as 1 亩 = 666.67 m² that the curator rounds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
          "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
MAGNITUDES = {**SMALL_UNITS, **LARGE_UNITS}
RELATIVE_TOLERANCE = 1e-4

_CHINESE = "".join(DIGITS) + "".join(MAGNITUDES)
_NUMBER = re.compile(
    rf"(?:(?P<arabic>\d+(?:,\d{{3}})*(?:\.\d+)?)|(?P<chinese>[{_CHINESE}]+))"
    rf"(?P<magnitude>[{''.join(MAGNITUDES)}]*)"
)


def chinese_value(numeral: str) -> float | None:
    """The value of a Chinese numeral (四千万 → 40,000,000; 十二 → 12; 二〇二〇 → 2020), None if it is none."""
    if not numeral or all(ch in LARGE_UNITS for ch in numeral):
        return None  # 万 alone (万众) is not a number
    if all(ch in DIGITS for ch in numeral):  # read digit by digit: 二〇二〇
        return float(int("".join(str(DIGITS[ch]) for ch in numeral)))
    total, section, digit = 0, 0, None
    for ch in numeral:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * LARGE_UNITS[ch]
            section, digit = 0, None
        else:  # 亿 multiplies everything before it
            total = (total + section + (digit or 0)) * LARGE_UNITS[ch]
            section, digit = 0, None
    return float(total + section + (digit or 0))


def numbers_in(text: str) -> set[float]:
    """Every value a number of ``text`` can stand for: as written, and times the magnitude after it."""
    values: set[float] = set()
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        magnitude = 1.0
        for ch in match.group("magnitude"):
            magnitude *= MAGNITUDES[ch]
        if match.group("arabic"):
            written = float(match.group("arabic").replace(",", ""))
            values.update((written, written * magnitude))
            continue
        numeral = match.group("chinese") + match.group("magnitude")
        head = numeral.rstrip("".join(LARGE_UNITS))  # 四千万: 四千 as written, 40,000,000 with its magnitude
        for value in (chinese_value(numeral), chinese_value(head)):
            if value is not None:
                values.add(value)
    return values


def close(a: float, b: float) -> bool:
    """Equal within the relative tolerance (exact for small integers)."""
    return a == b or abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b))


def says_number(value: float, text: str, *, factors: Iterable[float] = ()) -> bool:
    """Whether ``text`` writes a number that is ``value``, directly or converted by one of ``factors``."""
    written = numbers_in(text)
    conversions = (1.0, *factors)
    return any(close(value, number * factor) for number in written for factor in conversions)
