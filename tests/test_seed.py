"""The project's canonical essay (../shared/seed/): planted passages found with exact offsets."""

from __future__ import annotations

from conftest import shared_path
from simcheck import Document, check


def test_verbatim_and_edited_passages_of_the_seed_essay_are_found() -> None:
    page = shared_path("seed", "destalinization-page.txt").read_text(encoding="utf-8")
    essay_start = page.index("When Joseph Stalin died")
    essay = page[
        essay_start : page.index("You May Also Find", essay_start) if "You May Also Find" in page else None
    ]
    verbatim = essay[
        essay.index("Nikita Khrushchev, a member") : essay.index("The process of destalinization")
    ].strip()
    original = essay[
        essay.index("When Joseph Stalin died") : essay.index("An atmosphere of hysteria")
    ].strip()
    edited = (
        original.replace("died", "passed away")
        .replace("were at their worst", "were at their very worst")
        .replace("Meaningful", "Serious")
        .replace("long since", "long")
        .replace("entering", "moving into")
    )
    assert edited != original
    intro = "This corpus essay was written for the test and talks about other things first. "
    middle = " Between the two borrowed passages sits a sentence of its own about Berlin in 1961. "
    corpus_text = intro + verbatim + middle + edited + " The end."
    submission = Document("destalinization.txt", essay)
    result = check(submission, [Document("corpus.txt", corpus_text)])
    found = {(m.submission_text, m.source_text, m.kind) for m in result.matches}
    sub_start = essay.index(verbatim)
    src_start = corpus_text.index(verbatim)
    verbatim_match = [m for m in result.matches if m.kind == "verbatim"]
    assert (verbatim, verbatim, "verbatim") in found
    assert verbatim_match[0].submission_start == sub_start
    assert verbatim_match[0].submission_end == sub_start + len(verbatim)
    assert verbatim_match[0].source_start == src_start
    edited_match = [m for m in result.matches if m.source_text == edited]
    assert edited_match, found
    assert edited_match[0].kind == "edited"
    assert edited_match[0].submission_text == original
    assert edited_match[0].source_start == corpus_text.index(edited)
