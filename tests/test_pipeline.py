from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import CORPUS
from simcheck import CheckConfig, Corpus, CorpusError, Document, InputError, check
from simcheck.models import Match
from simcheck.report import to_csv

AIRLIFT = (CORPUS / "berlin-airlift.txt").read_text(encoding="utf-8")
COPIED = AIRLIFT[AIRLIFT.index("Stalin hoped") : AIRLIFT.index("\n\nAt its peak")]
ESSAY = (
    "Berlin was the first great test of the Cold War. " + COPIED + " Looking back, the crisis "
    "also hardened the division of Germany into two states, which lasted until 1990."
)


def test_check_finds_source_and_percentage() -> None:
    result = check(ESSAY, CORPUS)
    assert [s.source for s in result.sources] == ["berlin-airlift.txt"]
    match = result.matches[0]
    assert match.source_text == COPIED.strip()
    assert match.kind == "verbatim"
    words = len(ESSAY.split())
    assert result.similarity == pytest.approx(100 * match.words / words, abs=0.5)
    source = result.sources[0]
    assert 0 < source.tfidf_cosine <= 1
    assert 0 <= source.jaccard_estimate <= 1
    assert result.stats["corpus_documents"] == 3


def test_identical_document_scores_100_and_clean_one_0(tmp_path: Path) -> None:
    (tmp_path / "copy.txt").write_text(AIRLIFT, encoding="utf-8")
    copied = check(tmp_path / "copy.txt", CORPUS)
    assert copied.similarity == 100.0 and copied.documents[0].identical == 100.0
    clean = "Photosynthesis turns light into sugar inside the chloroplasts of green plant leaves."
    result = check(clean, CORPUS)
    assert result.similarity == 0.0 and result.matches == ()


def test_file_inside_corpus_is_not_matched_with_itself() -> None:
    result = check(CORPUS / "berlin-airlift.txt", CORPUS)
    assert all(s.source != "berlin-airlift.txt" for s in result.sources)


def test_json_contract_and_determinism() -> None:
    first = check(ESSAY, CORPUS).to_json()
    second = check(ESSAY, Corpus.from_folder(CORPUS)).to_json()
    assert first == second
    report = json.loads(first)
    assert {"matches", "documents", "settings", "version"} <= set(report)
    assert report["documents"][0]["path"] == "<text>"
    assert report["documents"][0]["words"] == len(ESSAY.split())
    assert set(report["matches"][0]) == {
        "submission",
        "source",
        "submission_start",
        "submission_end",
        "source_start",
        "source_end",
        "submission_text",
        "source_text",
        "words",
        "identical_words",
        "score",
        "kind",
        "excluded",
    }
    assert report["settings"] == CheckConfig().to_dict()


def test_csv_reads_back_as_the_frame() -> None:
    result = check(ESSAY, CORPUS)
    frame = result.to_frame()
    back = pd.read_csv(io.StringIO(to_csv(result)), keep_default_na=False)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)


def test_settings_change_results() -> None:
    strict = check(ESSAY, CORPUS, config=CheckConfig(min_words=200))
    assert strict.matches == ()


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        check(ESSAY, "no/such/folder")
    with pytest.raises(InputError, match="missing.docx: does not exist"):
        check("missing.docx", CORPUS)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CorpusError, match=r"no readable documents in the corpus folder \(1 unreadable\)"):
        check(ESSAY, tmp_path)


def test_corpus_from_documents() -> None:
    corpus = Corpus([Document("a", AIRLIFT), Document("b", "Unrelated words about gardening and soil.")])
    assert check(ESSAY, corpus).sources[0].source == "a"
    with pytest.raises(CorpusError, match="unique"):
        Corpus([Document("a", "x"), Document("a", "y")])


def test_identical_share_separates_a_pasted_copy_from_a_rewritten_one() -> None:
    source = Document(
        "wall.txt",
        "In August 1961 East German soldiers began building the wall that would divide Berlin "
        "for twenty-eight years. Families on either side were cut off overnight, and many "
        "never saw their relatives again until the border opened in November 1989.",
    )
    pasted = check("Everyone knows this. " + source.text, [source])
    rewritten = check(
        "In the summer of 1961 soldiers of East Germany started to build a wall which split "
        "Berlin for 28 years. Families on both sides were separated in a single night, and "
        "many did not see their relatives again until the border opened in November 1989.",
        [source],
    )
    assert pasted.documents[0].identical == pytest.approx(pasted.similarity)
    assert rewritten.similarity > 50
    assert 0 < rewritten.documents[0].identical < rewritten.similarity / 2
    (match,) = rewritten.matches
    text = rewritten.texts["<text>"]
    assert [text[s:e] for s, e in match.identical_spans] == [
        "their relatives again until the border opened in November 1989"
    ]
    assert match.identical_words == 10


def test_a_loose_match_inside_a_copy_from_another_source_is_not_listed() -> None:
    from simcheck.score import explained

    def match(source: str, start: int, end: int, kind: str) -> Match:
        return Match("essay", source, start, end, 0, end - start, "", "", 10, 0.5, kind)

    copy = match("a.txt", 0, 500, "verbatim")
    inside = match("b.txt", 100, 200, "paraphrase")
    beyond = match("b.txt", 400, 600, "paraphrase")
    same_source = match("a.txt", 100, 200, "paraphrase")
    matches = [copy, inside, beyond, same_source]
    assert [explained(m, matches) for m in matches] == [False, True, False, False]
