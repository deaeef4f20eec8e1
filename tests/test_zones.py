"""Quotations with an attribution and reference lists do not count; bare quotations do."""

from __future__ import annotations

from simcheck import Document, check
from simcheck.report.files import write_reports
from simcheck.zones import (
    CITED_QUOTATION,
    QUOTATION,
    REFERENCE_LIST,
    exclusion_zones,
    quotations,
    reference_lists,
)

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


REFERENCES = (
    "Gaddis, J. L. (2005). The Cold War: A new history. New York: Penguin Press.\n"
    "Kennan, G. F. (1947). The sources of Soviet conduct. Foreign Affairs, 25(4), 566-582.\n"
    "Taubman, W. (2003). Khrushchev: The man and his era. New York: W. W. Norton.\n"
)


def test_reference_list_is_not_counted() -> None:
    # Another student citing the same books: the shared entries are not copying. (Prose under
    # a "References" heading does count: see test_zones_review.py.)
    other = Document("other.txt", SOURCE.text + "\n\nReferences\n\n" + REFERENCES)
    essay = OWN * 4 + "\n\nReferences\n\n" + REFERENCES
    result = check(essay, [other])
    assert result.matches and all(m.excluded == REFERENCE_LIST for m in result.matches)
    assert result.similarity == 0.0


def test_zone_spans_slice_the_text() -> None:
    text = 'Intro.\n    An indented block quote of some length here.\n(Smith 1999)\nThen "a phrase" ends.'
    zones = exclusion_zones(text)
    assert [z.reason for z in zones] == [CITED_QUOTATION, QUOTATION]
    assert text[zones[0].start : zones[0].end] == "An indented block quote of some length here."
    assert text[zones[1].start : zones[1].end] == '"a phrase"'
    assert quotations("No quotes at all.") == []


PROMPT = (
    "Assignment: explain how the Berlin crisis of 1961 changed relations between the superpowers, "
    "using at least two primary sources and citing them in your reference list."
)


def test_template_text_is_not_counted_even_when_edited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    edited_prompt = PROMPT.replace("explain how", "explain in detail how").replace("at least two", "two")
    corpus_copy = Document("other-essay.txt", "An earlier essay that also began with the prompt. " + PROMPT)
    essay = edited_prompt + " " + OWN * 3
    assert check(essay, [corpus_copy]).similarity > 10
    prompt_file = tmp_path / "prompt.txt"
    prompt_file.write_text(PROMPT, encoding="utf-8")
    result = check(essay, [corpus_copy], templates=[prompt_file])
    assert result.matches and all(m.excluded == "template" for m in result.matches)
    assert result.similarity == 0.0


def test_batch_common_text_and_template(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from simcheck import CheckConfig, compare_batch

    stock = (
        "The Cold War was a period of geopolitical tension between the United States and the Soviet "
        "Union and their respective allies that began after the Second World War ended in Europe. "
    )
    folder = tmp_path / "class"
    folder.mkdir()
    openings = ["Korea", "Cuba", "Berlin", "Vietnam"]
    for number, topic in enumerate(openings):
        own = (
            f"My own paragraph about {topic} and what happened there in the years after {1950 + number}. " * 2
        )
        (folder / f"student{number}.txt").write_text(stock + own, encoding="utf-8")
    result = compare_batch(folder, config=CheckConfig(common_threshold=3))
    assert result.result.matches
    assert all(m.excluded == "common text" for m in result.result.matches)
    assert all(d.similarity == 0.0 for d in result.result.documents)
    write_reports(result, tmp_path / "out")
    common = (tmp_path / "out" / "common.csv").read_text(encoding="utf-8").splitlines()
    assert common[0] == "text,submissions" and common[1].endswith(",4")


def test_text_report_says_what_is_not_counted() -> None:
    from simcheck.report import render_text

    essay = OWN + f'As Kennedy said in 1963, "{QUOTED}." That speech mattered.'
    text = render_text(check(essay, [SOURCE]), width=120)
    assert "not counted: cited quotation" in text
    assert "similarity 0.0%" in text


def test_a_reference_entry_wrapped_onto_a_plain_line_stays_whole() -> None:
    # A PDF wraps an annotated entry: its second line has no mark of a reference, but
    # the line above stopped mid-entry, so it belongs to that entry.
    text = (
        "My essay ends here with a conclusion of my own.\n\nWorks Cited\n"
        "Gaddis, John Lewis. The Cold War: A New History. Penguin Press, 2005. A readable survey\n"
        "of the whole conflict that many students use as their first book on the subject\n"
        'Kennan, George F. "The Sources of Soviet Conduct." Foreign Affairs, vol. 25, no. 4, 1947,\n'
        "pp. 566-582.\n"
    )
    zones = reference_lists(text)
    assert [text[z.start : z.end] for z in zones] == [text[text.index("Works Cited") :].rstrip("\n")]
