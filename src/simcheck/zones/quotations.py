"""Quotations in double, curly or single quotes and block quotes, each with an
attribution or not."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .zone import CITED_QUOTATION, QUOTATION, YEAR, Zone

# A quotation may wrap over lines (a PDF's layout) but not span a paragraph break.
_DOUBLE_QUOTE = re.compile(r"[\"“”]|\n[ \t]*\n")
_BLOCK = re.compile(r"^(?:[ \t]{4,}|\t|> ?)(\S[^\n]*(?:\n(?:[ \t]{4,}|\t|> ?)\S[^\n]*)*)", re.MULTILINE)
_MAX_QUOTE = 1500
# British single quotes share their character with the apostrophe, so an opening one must
# follow a space, bracket, dash or double quote and precede a letter ("don't", "Stalin's" and
# "'60s" never open one), and a few words that start with an apostrophe are left alone.
_SINGLE_OPEN = re.compile(
    r"(?<![^\s(\[{—–\"“])(['‘])(?!(?:tis|twas|em|til|cause|cos|n|round|bout)\b)(?=[^\W\d_]|[\"“])",
    re.IGNORECASE,
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

_WORD = r"[^\W\d_][\w'’.-]*"
# Words that can stand where a source's name does but name nobody ("As I said", "It is said",
# "one historian wrote", "(October 1962)"): an attribution must point to a findable source.
_NOT_A_SOURCE = frozenset(
    "i me my we us our you your he him his she her it its they them their one someone somebody "
    "anyone anybody everyone everybody nobody people person others another some many most all both "
    "few several this that these those who what which there here the a an as and but so yet then "
    "also thus indeed however often once later and or if when while in on at by of to for from with "
    "historian historians critics scholars experts writers authors commentators observers sources "
    "source reports report studies research researchers teachers textbook textbooks book books "
    "article articles website websites internet web online somewhere everywhere "
    "january february march april may june july august september october november december "
    "spring summer autumn fall winter emphasis translation italics sic original added mine".split()
)


def _names_source(word: str) -> bool:
    """Whether ``word`` can be a source's name: capitalised and not a pronoun or a vague noun.

    >>> _names_source("Gaddis"), _names_source("Gaddis's"), _names_source("I"), _names_source("historian")
    (True, True, False, False)
    """
    word = re.sub(r"['’]s?$", "", word.strip(".,;:()"))
    return bool(word) and word[0].isupper() and word.lower() not in _NOT_A_SOURCE


def _inflections(verb: str) -> list[str]:
    """Forms of a reporting verb, so "puts it", "argued" and "has noted" all count.

    >>> _inflections("argue"), _inflections("point out")[:2]
    (['argue', 'argued', 'argues', 'arguing'], ['point out', 'pointed out'])
    """
    head, _, tail = verb.partition(" ")
    if head.endswith("e"):
        forms = {head, head + "s", head + "d", head[:-1] + "ing"}
    elif head.endswith("y") and head[-2] not in "aeiou":
        forms = {head, head[:-1] + "ies", head[:-1] + "ied", head + "ing"}
    elif head.endswith(("s", "sh", "ch", "x", "z")):
        forms = {head, head + "es", head + "ed", head + "ing"}
    else:
        forms = {head, head + "s", head + "ed", head + "ing"}
    forms |= set(_IRREGULAR.get(head, ()))
    return sorted(f"{form} {tail}".strip() for form in forms)


_IRREGULAR = {
    "say": ("said",),
    "write": ("wrote", "written"),
    "put": ("put", "putting"),
    "tell": ("told",),
    "admit": ("admitted", "admitting"),
    "sum": ("summed", "summing"),
    "go": ("went", "gone"),
}
# Verbs that introduce someone's words; every inflection is accepted.
_REPORTING_VERBS = (
    "say write argue note put observe claim explain state declare remark proclaim announce warn insist "
    "suggest contend maintain assert conclude describe add recall admit acknowledge emphasise emphasize "
    "stress comment report tell reply respond answer reflect summarise summarize sum point recount "
    "record predict concede caution urge mention complain confess exclaim define characterise "
    "characterize quote cite ask observe go".split()
)
_VERB = "(?:" + "|".join(sorted({f for v in _REPORTING_VERBS for f in _inflections(v)}, key=len)[::-1]) + ")"
# Between a name and its verb: "Gaddis has rightly noted", "Gaddis (2005, p. 31) puts it".
_AUX = r"(?:has|have|had|once|also|later|then|even|further|again|famously|\w+ly)"
_PAREN = r"(?:\s*\([^()]{0,40}\))?"
_TO_QUOTE = r"[^.!?\"“”‘]{0,50}$"  # the rest of the clause, up to the quotation
# "As Gaddis (2005) puts it, ", "Gaddis's history notes that ", "Gaddis explains it plainly: ". A
# possessive must own a work, not people: "Kennedy's critics said" names nobody.
_WORK = (
    r"(?:book|history|account|study|article|essay|speech|address|letter|telegram|memoir|memoirs|diary"
    r"|biography|report|analysis|argument|chapter|paper|introduction|text|words)"
)
_NAME_VERB = re.compile(
    rf"(?P<name>{_WORD})(?:['’]s\s+(?:[\w-]+\s+)?{_WORK})?{_PAREN},?\s+(?:{_AUX}\s+){{0,2}}{_VERB}\b{_TO_QUOTE}"
)
# "writes Gaddis, ", "said President Kennedy: ", "writes the historian John Gaddis, "
_VERB_NAME = re.compile(
    rf"\b{_VERB}\s+(?:the\s+[\w-]+\s+)?(?P<name>(?:{_WORD}\s+){{0,2}}{_WORD}){_PAREN}\s*[,:;—–-]?\s*$"
)
# "according to Smith (2019), ", "in the words of John Lewis Gaddis, "
_ACCORDING_TO = re.compile(
    r"\b(?:according\s+to|in\s+the\s+words\s+of|as\s+quoted\s+by|to\s+quote|quoting)\s+"
    r"(?P<rest>[^.!?\"“”‘]{1,80})$",
    re.IGNORECASE,
)
# "In Gaddis's words, "
_IN_WORDS = re.compile(rf"\b[Ii]n\s+(?P<name>{_WORD})['’]s?\s+(?:own\s+)?words\W{{0,3}}$")
# After a quotation ending in a comma: '"...," Gaddis writes' or '"...," writes Gaddis'.
_SPEAKER_AFTER = re.compile(
    rf"^[\s,]*(?:(?P<name>{_WORD}){_PAREN}\s+(?:{_AUX}\s+){{0,2}}{_VERB}\b"
    rf"|{_VERB}\s+(?:the\s+[\w-]+\s+)?(?P<after>{_WORD}))"
)
# A citation right after a quotation: (Gaddis 31), (Gaddis, 2005, p. 31), (p. 12), [3], ¹, [^1].
_PARENTHETICAL_AFTER = re.compile(r"^[\s,.;:]{0,3}\(([^()]{1,100})\)")
_MARKER_AFTER = re.compile(
    r"^[\s,.;:]{0,3}(?:\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]|\[\^\w{1,10}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)|^[.,;:]?\d{1,3}(?=\s|$)"
)
# A citation closing a block quote (or inside the quotation marks): '... missiles. (Gaddis, 2005, p. 31)'.
_PARENTHETICAL_END = re.compile(r"\(([^()]{1,100})\)[\s.,;:\"”’']*$")
_PAGE = re.compile(r"\b(?:pp?|pages?|paras?|ch|chap|chapter|vol|loc)\.?\s*\d", re.IGNORECASE)


def _cites(content: str) -> bool:
    """Whether a parenthetical names a source: a page (the author named in the sentence), or
    an author with a year or page, not a bare date.

    >>> [_cites(c) for c in ["Gaddis 31", "Gaddis, 2005, p. 31", "p. 12", "1962", "October 1962", "n.d."]]
    [True, True, True, False, False, False]
    """
    if _PAGE.search(content) or re.match(r"\s*ibid\b", content, re.IGNORECASE):
        return True
    words = re.findall(_WORD, re.sub(r"^\s*(?:see|cf\.|qtd\.?\s+in|quoted\s+in)\s+", "", content, flags=re.I))
    if not words or not _names_source(words[0]):
        return False
    # "(Gaddis 31)", "(Gaddis, 2005)", "(Gaddis et al. 2005)", or a name alone, "(Kennan)".
    return bool(re.search(r"\d|\bn\.d\.", content)) or len(words) <= 3


def _attributed_before(before: str) -> bool:
    for pattern in (_NAME_VERB, _VERB_NAME, _IN_WORDS):
        # Every place the pattern fits, not just the first: in "As I said, Gaddis writes" the
        # first fit names nobody and the second names Gaddis.
        match = pattern.search(before)
        while match is not None:
            if all(_names_source(word) for word in match.group("name").split()):
                return True
            if pattern is _NAME_VERB and _dated_by_the_subject(match):
                return True
            match = pattern.search(before, match.start() + 1)
    match = _ACCORDING_TO.search(before)
    # "according to Smith (2019)" names a source; "according to many people" does not.
    return match is not None and any(
        _names_source(w) for w in re.findall(_WORD, re.split(r"[,(:;]", match.group("rest"))[0])
    )


# "as he said in West Berlin on 26 June 1963: ": the essay's subject, and the year he said
# it in (a year: not "the stated aim of 1962", nor "he told 2000 students"), or the text
# of that year it is in ("as she wrote in her 1947 letters", "his 1961 inaugural address").
_DATED_TEXT = (
    r"(?:[^\W\d_]+\s+)?(?:speech(?:es)?|address(?:es)?|letters?|memoirs?|diar(?:y|ies)|articles?"
    r"|books?|interviews?|broadcasts?|messages?|lectures?)\b(?!-)"
)
_SUBJECT_DATED = re.compile(
    rf"(?<![\w'’])(?:he|she)\b.*\b{YEAR}\b(?!\s+(?!{_DATED_TEXT})[^\W\d_])", re.I | re.S
)


def _dated_by_the_subject(match: re.Match[str]) -> bool:
    """Whether a "he said" attribution says when: the person the essay is about, at a
    speech or in a text one can find, not "as he said" of anyone.

    >>> [_dated_by_the_subject(_NAME_VERB.search(b)) for b in ("as he said in June 1963: ", "As he said, ")]
    [True, False]
    """
    return _SUBJECT_DATED.match(match.string, match.start("name"), match.end()) is not None


def _attributed_after(text: str, start: int, end: int) -> bool:
    after = text[end : end + 120]
    parenthetical = _PARENTHETICAL_AFTER.match(after) or _PARENTHETICAL_END.search(text[start:end])
    if parenthetical and _cites(parenthetical.group(1)):
        return True
    if _MARKER_AFTER.match(after):
        return True
    # A speaker named after the quotation only in dialogue form, '"...," Gaddis writes': after a
    # full stop, "Kennedy said ..." starts a new sentence about something else.
    if re.search(r"[,?!—–-][\"”’']?$", text[start:end]) or after.lstrip().startswith(","):
        match = _SPEAKER_AFTER.match(after)
        if match and _names_source(match.group("name") or match.group("after")):
            return True
    return False


def _double_quotes(text: str) -> list[tuple[int, int]]:
    """Spans of the outermost quotations in double quotes, straight or curly.

    Quotations nest: a quoted historian quotes a title in turn. A straight quote opens
    after a space or an opening bracket and before a non-space, and closes otherwise;
    the quotation runs from an opening quote to the closing one that leaves no quote
    open. A paragraph break closes nothing and forgets what was open, as does a
    quotation longer than ``_MAX_QUOTE``.

    >>> text = 'As Gaddis puts it, "he wrote as "X." and called it "containment." Later." Done.'
    >>> [text[a:b] for a, b in _double_quotes(text)]
    ['"he wrote as "X." and called it "containment." Later."']
    >>> text = 'The “iron curtain” and the "Cold War" began.'
    >>> [text[a:b] for a, b in _double_quotes(text)]
    ['“iron curtain”', '"Cold War"']
    """
    spans: list[tuple[int, int]] = []
    open_at: list[int] = []
    for mark in _DOUBLE_QUOTE.finditer(text):
        at = mark.start()
        quote = mark.group()
        if quote.startswith("\n"):
            open_at.clear()
            continue
        open_at = [start for start in open_at if at - start < _MAX_QUOTE]
        before = text[at - 1] if at > 0 else " "
        after = text[at + 1] if at + 1 < len(text) else " "
        if quote == "“":
            opening = True
        elif quote == "”":
            opening = False
        else:
            opening = (before.isspace() or before in "([{—–-/") and not after.isspace()
        if opening:
            open_at.append(at)
        elif open_at:
            start = open_at.pop()
            if not open_at:
                spans.append((start, at + 1))
    return spans


def _single_quotes(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of quotations in single quotes, ‘curly’ or 'straight', outside ``taken`` spans.

    >>> text = "Kennan's 'long telegram' and the students' essays; ‘Stalin’s heirs’ don't agree."
    >>> [text[a:b] for a, b in _single_quotes(text, [])]
    ["'long telegram'", '‘Stalin’s heirs’']
    """
    spans: list[tuple[int, int]] = []
    position = 0
    # Looked up, not searched for again from each quote: a long text holds many apostrophes.
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text)]
    taken = sorted(taken)
    taken_starts = [a for a, _ in taken]
    for match in _SINGLE_OPEN.finditer(text):
        start = match.start()
        inside = bisect_right(taken_starts, start) - 1
        if start < position or (inside >= 0 and start < taken[inside][1]):
            continue
        close = "'" if match.group(1) == "'" else "’"
        limit = min(breaks[bisect_left(breaks, start)], start + _MAX_QUOTE)
        end = _closing(text, start + 1, limit, close)
        if end is not None:
            spans.append((start, end))
            position = end
    return spans


def _closing(text: str, start: int, limit: int, close: str) -> int | None:
    # A closing quote follows a non-space and precedes a non-letter ("don't" is not one). "The
    # students' essays" is most likely a possessive, so it closes only when nothing later does.
    possessive = None
    index = text.find(close, start + 1, limit)
    while index != -1:
        following = text[index + 1 : index + 3]
        if not text[index - 1].isspace() and not following[:1].isalnum():
            if text[index - 1] in "sS" and re.match(r" [a-z]", following):
                possessive = possessive or index + 1
            else:
                return index + 1
        index = text.find(close, index + 1, limit)
    return possessive


def quotations(text: str) -> list[Zone]:
    """Quotations in double, curly or single quotes and block quotes, each cited or not.

    >>> text = 'Kennedy said "Ich bin ein Berliner" in 1963. It was "a great speech" (Smith 2001).'
    >>> [(text[z.start:z.end], str(z.reason)) for z in quotations(text)]
    [('"Ich bin ein Berliner"', 'cited quotation'), ('"a great speech"', 'cited quotation')]
    >>> [str(z.reason) for z in quotations('The "iron curtain" fell. It is often said that "war is hell".')]
    ['quoted', 'quoted']
    """
    spans = _double_quotes(text)
    spans += _single_quotes(text, spans)
    spans += [(m.start(1), m.end()) for m in _BLOCK.finditer(text)]
    return sorted((_zone(text, a, b) for a, b in spans), key=lambda z: (z.start, z.end))


def _zone(text: str, start: int, end: int) -> Zone:
    cited = _attributed_after(text, start, end) or _attributed_before(text[max(0, start - 200) : start])
    return Zone(start, end, CITED_QUOTATION if cited else QUOTATION)
