"""Quotations with an attribution and reference lists do not count; bare quotations do."""

from __future__ import annotations

from simcheck import Document, check
from simcheck.zones import CITED_QUOTATION, QUOTATION, REFERENCE_LIST, exclusion_zones, quotations

SOURCE = Document(
    "speech.txt",
    "Let them come to Berlin. There are some who say that communism is the wave of the future. "
    "Freedom has many difficulties and democracy is not perfect, but we have never had to put a "
    "wall up to keep our people in, to prevent them from leaving us.",
)
QUOTED = (
    "freedom has many difficulties and democracy is not perfect, but we have never had to put a wall "
    "up to keep our people in"
)
OWN = "My essay is about the crisis over Berlin and the speech that the American president gave there. "


def test_cited_quotation_is_kept_but_not_counted() -> None:
    essay = OWN + f'As Kennedy said in 1963, "{QUOTED}." That speech mattered.'
    result = check(essay, [SOURCE])
    assert result.matches and all(m.excluded == CITED_QUOTATION for m in result.matches)
    assert result.similarity == 0.0


def test_parenthetical_citation_counts_as_attribution() -> None:
    essay = OWN + f'The wall was a confession: "{QUOTED}" (Kennedy 1963). That speech mattered.'
    assert check(essay, [SOURCE]).similarity == 0.0


def test_unattributed_quotation_counts_and_is_marked_quoted() -> None:
    essay = OWN + f'The wall was a confession: "{QUOTED}." That speech mattered.'
    result = check(essay, [SOURCE])
    assert [m.kind for m in result.matches] == ["quoted"]
    assert result.matches[0].excluded == ""
    assert result.similarity > 20


def test_reference_list_is_not_counted() -> None:
    body = OWN * 4
    essay = body + "\n\nReferences\n\n" + SOURCE.text + "\n"
    result = check(essay, [SOURCE])
    assert result.matches and all(m.excluded == REFERENCE_LIST for m in result.matches)
    assert result.similarity == 0.0


def test_zone_spans_slice_the_text() -> None:
    text = 'Intro.\n    An indented block quote of some length here.\n(Smith 1999)\nThen "a phrase" ends.'
    zones = exclusion_zones(text)
    assert [z.reason for z in zones] == [CITED_QUOTATION, QUOTATION]
    assert text[zones[0].start : zones[0].end] == "An indented block quote of some length here."
    assert text[zones[1].start : zones[1].end] == '"a phrase"'
    assert quotations("No quotes at all.") == []
