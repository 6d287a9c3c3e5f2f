"""Is a literal what its datatype says? XSD lexical spaces as Oxigraph knows them, and BCP 47 tags.

``ill_typed`` takes (lexical form, datatype IRI) pairs and returns those whose lexical form is not
in the lexical space of their XSD datatype, each with what the datatype expects, in English and in
Chinese. The primitive types are checked by Oxigraph's own casts (``xsd:date("2019-13-45")`` is an
error there, as XSD says), all pairs in one query over a scratch store; the integer types derived
by range (``xsd:byte``, ``xsd:nonNegativeInteger`` …) are integers within their bounds. A datatype
in the XSD namespace that XSD does not define (``xsd:interger``) is ill-typed too; datatypes outside
it (``rdf:HTML``, a GeoSPARQL literal …) are not checked.

``quiet_conversions`` keeps rdflib from logging a traceback for a literal it cannot convert to a
Python value while the project is read: the check above reports such a value itself, with its file
and line, and a value XSD accepts but rdflib cannot convert (a year beyond 9999) is no error.

Language tags need no check here when Oxigraph parses a file (its parsers refuse a tag that is not
well-formed BCP 47); ``bad_language`` checks a tag that came another way (a mapping's output).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Iterable, Iterator

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
_LEXICAL, _DATATYPE = ox.NamedNode("urn:cungai:check:lexical"), ox.NamedNode("urn:cungai:check:datatype")

#: integer types derived from xsd:integer by range: (lowest, highest), None for unbounded
INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
#: what each checked type expects, in English and in Chinese
EXPECTS: dict[str, tuple[str, str]] = {
    "integer": ("digits 0-9 with an optional sign, such as 12 or -3", "阿拉伯数字 0-9（可带正负号），如 12、-3"),
    "decimal": ("a decimal number with a point and no exponent or thousands separator, such as 1000 or 12.5",
                "十进制数（小数点，无指数、无千位分隔符），如 1000、12.5"),
    "double": ("a floating-point number such as 1.5, 1.5E3, INF or NaN", "浮点数，如 1.5、1.5E3、INF、NaN"),
    "float": ("a floating-point number such as 1.5, 1.5E3, INF or NaN", "浮点数，如 1.5、1.5E3、INF、NaN"),
    "boolean": ("true, false, 1 or 0", "true、false、1 或 0"),
    "date": ("a calendar date YYYY-MM-DD that exists, such as 2019-12-06", "存在的公历日期 YYYY-MM-DD，如 2019-12-06"),
    "dateTime": ("a date and time such as 2019-12-06T09:30:00 (optional time zone)",
                 "日期和时间，如 2019-12-06T09:30:00（可带时区）"),
    "dateTimeStamp": ("a date and time with a time zone, such as 2019-12-06T09:30:00+08:00",
                      "带时区的日期和时间，如 2019-12-06T09:30:00+08:00"),
    "time": ("a time of day such as 09:30:00", "一天中的时刻，如 09:30:00"),
    "gYear": ("a year of four or more digits, such as 2019", "四位（或更多位）数字的年份，如 2019"),
    "gYearMonth": ("a year and month YYYY-MM, such as 2019-12", "年月 YYYY-MM，如 2019-12"),
    "gMonth": ("a month --MM, such as --12", "月份 --MM，如 --12"),
    "gMonthDay": ("a month and day --MM-DD, such as --12-06", "月日 --MM-DD，如 --12-06"),
    "gDay": ("a day of the month ---DD, such as ---06", "日 ---DD，如 ---06"),
    "duration": ("an ISO 8601 duration such as P3Y or P1Y6M", "ISO 8601 时长，如 P3Y、P1Y6M"),
    "yearMonthDuration": ("a duration in years and months such as P1Y6M", "以年、月计的时长，如 P1Y6M"),
    "dayTimeDuration": ("a duration in days and time such as P3DT4H", "以日、时计的时长，如 P3DT4H"),
}
#: XSD types whose values are any string (nothing to check)
UNCHECKED = {"string", "normalizedString", "token", "anyURI", "language", "Name", "NCName", "NMTOKEN",
             "hexBinary", "base64Binary", "QName", "ENTITY", "ID", "IDREF", "anySimpleType", "anyAtomicType"}

#: the pairs whose lexical form Oxigraph cannot cast to their datatype (one query for all of them)
_CASTS = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?lexical ?datatype WHERE {
  ?pair <urn:cungai:check:lexical> ?lexical ; <urn:cungai:check:datatype> ?datatype .
  BIND(COALESCE(
    IF(?datatype = xsd:integer, isLiteral(xsd:integer(?lexical)),
    IF(?datatype = xsd:decimal, isLiteral(xsd:decimal(?lexical)),
    IF(?datatype = xsd:double, isLiteral(xsd:double(?lexical)),
    IF(?datatype = xsd:float, isLiteral(xsd:float(?lexical)),
    IF(?datatype = xsd:boolean, isLiteral(xsd:boolean(?lexical)),
    IF(?datatype = xsd:date, isLiteral(xsd:date(?lexical)),
    IF(?datatype IN (xsd:dateTime, xsd:dateTimeStamp), isLiteral(xsd:dateTime(?lexical)),
    IF(?datatype = xsd:time, isLiteral(xsd:time(?lexical)),
    IF(?datatype = xsd:gYear, isLiteral(xsd:gYear(?lexical)),
    IF(?datatype = xsd:gYearMonth, isLiteral(xsd:gYearMonth(?lexical)),
    IF(?datatype = xsd:gMonth, isLiteral(xsd:gMonth(?lexical)),
    IF(?datatype = xsd:gMonthDay, isLiteral(xsd:gMonthDay(?lexical)),
    IF(?datatype = xsd:gDay, isLiteral(xsd:gDay(?lexical)),
    IF(?datatype = xsd:duration, isLiteral(xsd:duration(?lexical)),
    IF(?datatype = xsd:yearMonthDuration, isLiteral(xsd:yearMonthDuration(?lexical)),
    IF(?datatype = xsd:dayTimeDuration, isLiteral(xsd:dayTimeDuration(?lexical)),
    false)))))))))))))))), false) AS ?ok)
  FILTER(!?ok)
}"""


def ill_typed(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """The (lexical form, datatype IRI) pairs that are not in their XSD datatype's lexical space,
    each with what the datatype expects (English, Chinese)."""
    checked: set[tuple[str, str]] = set()
    bad: dict[tuple[str, str], tuple[str, str]] = {}
    for lexical, datatype in pairs:
        if not datatype.startswith(XSD) or (lexical, datatype) in checked:
            continue
        checked.add((lexical, datatype))
        name = datatype[len(XSD):]
        if name in UNCHECKED:
            continue
        if name not in EXPECTS and name not in INTEGER_RANGES:
            bad[(lexical, datatype)] = (f"a datatype XSD defines (xsd:{name} is not one of them)",
                                        f"XSD 定义的数据类型（xsd:{name} 不是）")
        elif name in INTEGER_RANGES and name != "integer" and not _in_range(lexical, *INTEGER_RANGES[name]):
            low, high = INTEGER_RANGES[name]
            bounds = f"from {'-∞' if low is None else low} to {'∞' if high is None else high}"
            bad[(lexical, datatype)] = (f"an integer {bounds}", f"整数，取值 {bounds.replace('from ', '').replace(' to ', ' 至 ')}")
    store = ox.Store()
    for number, (lexical, datatype) in enumerate(sorted(checked - set(bad))):
        if datatype[len(XSD):] in EXPECTS:
            pair = ox.BlankNode(f"p{number}")
            store.add(ox.Quad(pair, _LEXICAL, ox.Literal(lexical)))
            store.add(ox.Quad(pair, _DATATYPE, ox.NamedNode(datatype)))
    for row in store.query(_CASTS):
        lexical, datatype = row["lexical"].value, row["datatype"].value
        bad[(lexical, datatype)] = EXPECTS[datatype[len(XSD):]]
    return bad


def _in_range(lexical: str, low: int | None, high: int | None) -> bool:
    text = lexical[1:] if lexical[:1] in "+-" else lexical
    if not (text.isascii() and text.isdigit()):
        return False
    value = int(lexical)
    return (low is None or value >= low) and (high is None or value <= high)


def bad_language(tag: str) -> str | None:
    """Why ``tag`` is not a well-formed BCP 47 language tag (Oxigraph's check), None if it is one."""
    try:
        ox.Literal("", language=tag)
    except ValueError as exc:
        return str(exc)
    return None


def _not_a_conversion_failure(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextlib.contextmanager
def quiet_conversions() -> Iterator[None]:
    """rdflib's "Failed to convert Literal lexical form" warnings (with a traceback) held back in the block."""
    logger = logging.getLogger("rdflib.term")
    logger.addFilter(_not_a_conversion_failure)  # a logging filter may be a function
    try:
        yield
    finally:
        logger.removeFilter(_not_a_conversion_failure)
