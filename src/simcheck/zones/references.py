"""Reference lists: a heading, then entries that look like references. Prose under the
heading counts as prose."""

from __future__ import annotations

import re

from .zone import REFERENCE_LIST, YEAR, Zone

_HEADING = re.compile(
    r"^[ \t]*(?:references|reference list|bibliography|works cited|works consulted|sources|sources cited)"
    r"[ \t]*:?[ \t]*\r?$",
    re.IGNORECASE | re.MULTILINE,
)

# A heading alone proves nothing: anything pasted under "Sources" would vanish. So each entry
# under it must look like a reference, and prose there counts as prose.
_YEAR = rf"{YEAR}[a-z]?"  # "2005a": a second work of the year
# Something only a reference has; any one of them, in a short entry, makes it an entry.
_ENTRY_MARK = re.compile(
    rf"\({_YEAR}\b[^()]{{0,25}}\)|\(n\.d\.\)"  # APA (2005), (2012, October 16), (n.d.)
    r"|https?://|\bwww\.|\bdoi\b|\b[\w-]+\.(?:com|org|edu|gov|net|int)\b"  # URLs and DOIs
    r"|\bpp?\.\s*\d|\b(?:vol|no|ed|eds|trans|edn|rev)\.|\bet al\.|\b\d+\s*\(\d+\)"  # volume, pages
    r"|(?i:\b(?:retrieved|accessed|available at)\b)"  # web sources
    r"|\b(?:University|Press|Books|Publishers?|Publishing|Penguin|Routledge|Norton|Knopf|Vintage"
    r"|Verso|Macmillan|HarperCollins|Wiley|Sage|Springer|Clarendon|Polity)\b"
    rf"|,\s*(?:\d{{1,2}}\s+\w+\.?\s+)?{_YEAR}\.?\s*$"  # MLA and Chicago end on ", 2005."
)
# "Gaddis, J. L." / "Gaddis, John Lewis." / "[1] J. L. Gaddis," / "1. Dobbs, Michael." at the start:
# a reference when a year is somewhere in it too, since "However, Kennedy." alone proves little.
_AUTHOR_START = re.compile(
    r"^\s*(?:\[\d{1,3}\]\s*|\d{1,3}\.\s+|[-*•–]\s+)?"
    r"(?:[^\W\d_][\w'’-]+,\s+(?:[A-Z]\.|[^\W\d_][\w'’-]+(?:\s+[A-Z]\.)*[.,])|(?:[A-Z]\.\s*){1,3}[^\W\d_])"
)
_LIST_START = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}\.|[-*•–])\s")
_ANY_YEAR = re.compile(rf"\b{_YEAR}\b|\bn\.d\.")
# Entries are short; a longer block is prose however it starts (APA entries with many authors
# stay well under this).
_MAX_ENTRY_WORDS = 60
# Reference entries are not made of sentences: two long ones are prose with a marker on it.
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_LONG_SENTENCE_WORDS = 12
_ENDS_ENTRY = re.compile(r"[.!?][\"”’')\]]*\s*$")


def _looks_like_entry(unit: str) -> bool:
    """Whether one reference-list unit (an entry with its wrapped lines) reads as a reference.

    >>> _looks_like_entry("Gaddis, J. L. (2005). The Cold War: A New History. Penguin Press.")
    True
    >>> _looks_like_entry("The options were not good, and the Joint Chiefs favoured air strikes.")
    False
    """
    words = unit.split()
    if len(words) > _MAX_ENTRY_WORDS:
        return False
    if sum(len(s.split()) >= _LONG_SENTENCE_WORDS for s in _SENTENCE.split(unit)) >= 2:
        return False
    if _ENTRY_MARK.search(unit):
        return True
    return bool(_AUTHOR_START.match(unit) and _ANY_YEAR.search(unit))


def _starts_entry(line: str) -> bool:
    # A line that opens an entry of its own is never the wrapped tail of the one before.
    return bool(
        _LIST_START.match(line) or _AUTHOR_START.match(line) or re.search(rf"^.{{0,60}}\({_YEAR}", line)
    )


def _units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the entries (or paragraphs) in ``text[start:end]``: a line joins the one above
    when it is indented under it (a hanging indent) or the line above stopped mid-entry (a PDF
    wrapped it), unless it opens an entry itself."""
    units: list[list[int]] = []
    indent = 0
    previous = ""  # the line above, empty after a blank line
    for match in re.finditer(r"^[^\n]*", text[start:end], re.MULTILINE):
        line = match.group()
        if not line.strip():
            previous = ""
            continue
        first, last = start + match.start(), start + match.end()
        lead = len(line) - len(line.lstrip())
        joins = bool(previous) and not _starts_entry(line)
        if joins and (lead > indent or not _ENDS_ENTRY.search(previous)):
            units[-1][1] = last
        else:
            units.append([first, last])
            indent = lead
        previous = line
    return [(a, b) for a, b in units]


def reference_lists(text: str) -> list[Zone]:
    """The reference list: its heading and the entries under it that look like references.
    Prose under the heading is not part of it and breaks it. The heading may be anywhere:
    since only entries are excluded, an early "Sources" line can hide no prose.

    >>> text = "Essay body.\\nMore body text here.\\n\\nWorks Cited\\nGaddis, J. (2005). The Cold War."
    >>> [(text[z.start:z.end].splitlines()[0], str(z.reason)) for z in reference_lists(text)]
    [('Works Cited', 'reference list')]
    >>> text = "Essay body, long enough to matter.\\n\\nSources\\nI copied it."
    >>> [(z.start, z.end) for z in reference_lists(text)]
    [(36, 43)]
    """
    headings = list(_HEADING.finditer(text))
    zones: list[Zone] = []
    for number, heading in enumerate(headings):
        section_end = headings[number + 1].start() if number + 1 < len(headings) else len(text)
        run: list[int] = [heading.start(), heading.end()]
        for a, b in _units(text, heading.end(), section_end):
            if _looks_like_entry(text[a:b]):
                run = [run[0] if run else a, b]
            elif run:
                zones.append(Zone(run[0], run[1], REFERENCE_LIST))
                run = []
        if run:
            zones.append(Zone(run[0], run[1], REFERENCE_LIST))
    return zones
