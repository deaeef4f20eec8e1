"""Parts of an essay that shared text in them does not count against: reference lists
and quotations with an attribution.

A quotation with its source given (a parenthetical author and year, a page, a footnote
marker, "as Kennedy said") is honest borrowing; the same words unattributed still count
and are marked as quoted. Zones are character spans of the text, which is never changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Why a zone's text does not count.
REFERENCE_LIST = "reference list"
CITED_QUOTATION = "cited quotation"
#: A quotation with no attribution: counted, but shown as quoted.
QUOTATION = "quotation"
#: Text of the assignment prompt or another template the user gave.
TEMPLATE = "template"

_HEADING = re.compile(
    r"^[ \t]*(?:references|reference list|bibliography|works cited|works consulted|sources|sources cited)"
    r"[ \t]*:?[ \t]*\r?$",
    re.IGNORECASE | re.MULTILINE,
)
# A quotation may wrap over lines (a PDF's layout) but not span a paragraph break.
_QUOTE = re.compile(r"\"((?:[^\"\n]|\n(?![ \t]*\n)){1,1500})\"|“((?:[^”\n]|\n(?![ \t]*\n)){1,1500})”")
_BLOCK = re.compile(r"^(?:[ \t]{4,}|\t|> ?)(\S[^\n]*(?:\n(?:[ \t]{4,}|\t|> ?)\S[^\n]*)*)", re.MULTILINE)
# After a quotation: (Author 1999), (Author, 1999, p. 4), (p. 12), [3], a superscript.
_CITATION_AFTER = re.compile(
    r"^[\s,.;:]{0,3}(?:\((?:[^()]{0,80}?\b(?:1[5-9]|20)\d\d[a-z]?|n\.d\.)[^()]{0,30}\)"
    r"|\((?:p|pp)\.?\s*\d+[^()]{0,10}\)|\[\d{1,3}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)"
)
# Before a quotation: "as Kennedy said", "Truman declared", "according to Gaddis".
_ATTRIBUTION_BEFORE = re.compile(
    r"\b(?:said|says|wrote|writes|declared|declares|stated|states|noted|notes|argued|argues|"
    r"observed|remarked|proclaimed|announced|warned|insisted|put it|according to|in the words of)\b"
    r"[^.!?\"“”]{0,40}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Zone:
    """``text[start:end]`` is a reference list or a quotation; ``reason`` says which."""

    start: int
    end: int
    reason: str


def reference_list(text: str) -> Zone | None:
    """The reference list: from its heading to the end, when the heading is in the
    second half of the text.

    >>> text = "Essay body.\\nMore body text here.\\n\\nWorks Cited\\nGaddis, J. (2005)."
    >>> zone = reference_list(text)
    >>> text[zone.start:zone.end].splitlines()[0], zone.reason
    ('Works Cited', 'reference list')
    """
    for heading in reversed(list(_HEADING.finditer(text))):
        if heading.start() >= len(text) // 2:
            return Zone(heading.start(), len(text), REFERENCE_LIST)
    return None


def quotations(text: str) -> list[Zone]:
    """Quotations in double or curly quotes and block quotes, each cited or not.

    >>> text = 'Kennedy said "Ich bin ein Berliner" in 1963. It was "a great speech" (Smith 2001).'
    >>> [(text[z.start:z.end], z.reason) for z in quotations(text)]
    [('"Ich bin ein Berliner"', 'cited quotation'), ('"a great speech"', 'cited quotation')]
    >>> [z.reason for z in quotations('The "iron curtain" fell.')]
    ['quotation']
    """
    zones = []
    for match in _QUOTE.finditer(text):
        zones.append(_zone(text, match.start(), match.end()))
    for match in _BLOCK.finditer(text):
        zones.append(_zone(text, match.start(1), match.end()))
    return sorted(zones, key=lambda z: (z.start, z.end))


def _zone(text: str, start: int, end: int) -> Zone:
    cited = bool(_CITATION_AFTER.match(text[end : end + 120])) or bool(
        _ATTRIBUTION_BEFORE.search(text[max(0, start - 80) : start])
    )
    return Zone(start, end, CITED_QUOTATION if cited else QUOTATION)


def exclusion_zones(text: str) -> list[Zone]:
    """Reference list and quotations of ``text``, in order."""
    zones = quotations(text)
    references = reference_list(text)
    if references is not None:
        zones = [z for z in zones if z.end <= references.start] + [references]
    return zones


def template_zones(tokens: Any, templates: Sequence[Any], config: Any) -> list[Zone]:
    """Where the text repeats a template (an assignment prompt), found by the same
    alignment as copying, so a lightly edited prompt is found too."""
    from .align import align_tokens

    return [
        Zone(p.a_start, p.a_end, TEMPLATE)
        for template in templates
        for p in align_tokens(tokens, template, config)
    ]


def classify(start: int, end: int, zones: list[Zone]) -> str:
    """The zone reason covering most of ``[start, end)`` when it covers at least half,
    else ``""``.

    >>> classify(10, 20, [Zone(0, 16, QUOTATION)]), classify(10, 20, [Zone(12, 14, QUOTATION)])
    ('quotation', '')
    """
    best, reason = 0, ""
    for zone in zones:
        inside = min(end, zone.end) - max(start, zone.start)
        if inside > best:
            best, reason = inside, zone.reason
    return reason if best * 2 >= end - start else ""
