"""One submission checked against a corpus (simcheck.pipeline.check): sources, percentages,
the JSON contract, errors; the demo essay and the seed page with their planted passages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AWKWARD, CORPUS, awkward_text, english, shared_path
from simcheck import CheckConfig, Corpus, CorpusError, Document, InputError, check
from simcheck.fingerprint import jaccard
from simcheck.load import load_text
from simcheck.report import to_csv
from simcheck.tokens import Tokens

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"
AIRLIFT = (CORPUS / "berlin-airlift.txt").read_text(encoding="utf-8")
COPIED = AIRLIFT[AIRLIFT.index("Stalin hoped") : AIRLIFT.index("\n\nAt its peak")]
SPACE_RACE = (CORPUS / "space-race.txt").read_text(encoding="utf-8")[:600]
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


def test_a_check_reports_its_progress_while_it_aligns() -> None:
    # A ready corpus: no folder to index, so every call is the check's own.
    corpus = Corpus([load_text(p.read_text(encoding="utf-8"), p.name) for p in sorted(CORPUS.glob("*.txt"))])
    calls: list[tuple[int, int]] = []
    essay = ESSAY + "\n\n" + SPACE_RACE
    result = check(essay, corpus, progress=lambda done, total: calls.append((done, total)))
    candidates = result.stats["candidates"]
    assert candidates == 2
    assert calls == [(done, candidates) for done in range(candidates + 1)]


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


# --- the bundled demo: every planted passage in corpora/demo is found, and nothing else ---


def test_demo_essay_matches_its_ground_truth() -> None:
    truth = json.loads((DEMO / "ground-truth.json").read_text(encoding="utf-8"))
    essay = (DEMO / "sample-essay.txt").read_text(encoding="utf-8")
    result = check(DEMO / "sample-essay.txt", ROOT / "corpora" / "coldwar")
    assert {s.source for s in result.sources} == {case["source"] for case in truth}
    for case in truth:
        start = essay.index(case["submission_excerpt"])
        found = [m for m in result.matches if m.source == case["source"]]
        assert len(found) == 1, case
        match = found[0]
        assert match.kind == case["kind"]
        assert match.submission_start == start
        source_text = (ROOT / "corpora" / "coldwar" / case["source"]).read_text(encoding="utf-8")
        assert match.source_start == source_text.index(case["source_excerpt"])


def test_demo_corpus_size() -> None:
    essays = sorted((ROOT / "corpora" / "coldwar").glob("*.txt"))
    assert len(essays) >= 12
    for path in essays:
        words = len(path.read_text(encoding="utf-8").split())
        assert 400 <= words <= 1200, path.name


# --- the project's canonical essay (../shared/seed/): planted passages with exact offsets ---


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


@given(
    prefix=awkward_text,
    shared=english,
    noise=st.lists(st.sampled_from(AWKWARD), max_size=5),
    suffix=awkward_text,
)
def test_copied_passage_offsets_are_exact_on_both_sides(
    prefix: str, shared: str, noise: list[str], suffix: str
) -> None:
    # The shared passage sits at different offsets, after awkward text, on each side.
    submission = load_text(prefix + " " + shared + " " + suffix, "a")
    source = load_text("".join(noise) + suffix + "\n\n" + shared + "\r\n" + prefix, "b")
    result = check(submission, [source])
    assert result.matches, "a passage of 12+ shared words is found"
    for match in result.matches:
        assert submission.text[match.submission_start : match.submission_end] == match.submission_text
        assert source.text[match.source_start : match.source_end] == match.source_text
        assert 0 <= match.score <= 1
    assert 0 <= result.similarity <= 100
    for found in result.sources:
        assert 0 <= found.jaccard_estimate <= 1 and -1e-9 <= found.tfidf_cosine <= 1 + 1e-9
    report = json.loads(result.to_json().encode("utf-8"))  # always writable as UTF-8
    first = report["matches"][0]
    assert submission.text[first["submission_start"] : first["submission_end"]] == first["submission_text"]


@settings(max_examples=25)
@given(english, awkward_text)
def test_identical_documents_score_one_both_ways(text: str, extra: str) -> None:
    whole = load_text(text + " " + extra, "x")
    ha = np.unique(Tokens(whole.text).stem_hashes)
    assert jaccard(ha, ha) == 1.0
    assert check(whole, [Document("y", whole.text)]).similarity == 100.0
