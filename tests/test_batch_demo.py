"""The bundled demo class: every planted case found; prompt, cited quotations and
reference lists never counted; clean essays clean; collusion grouped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import more_pasting_the_prompt
from simcheck import compare_batch, load_document
from simcheck.batch_result import BatchResult
from simcheck.tokens import Tokens

ROOT = Path(__file__).resolve().parent.parent
CLASS = ROOT / "corpora" / "demo-class"
TRUTH = json.loads((CLASS / "ground-truth.json").read_text(encoding="utf-8"))
COUNTED = {"verbatim", "edited", "paraphrase", "collusion", "uncited-quotation"}
NOT_COUNTED = {"cited-quotation", "prompt", "references"}


@pytest.fixture(scope="module")
def result() -> BatchResult:
    return compare_batch(
        CLASS / "submissions", ROOT / "corpora" / "coldwar", templates=[load_document(CLASS / "prompt.txt")]
    )


def _opening(text: str) -> str:
    return " ".join(Tokens(text).normal[:6])


def _passages(result: BatchResult, file: str, *, counted: bool) -> list[str]:
    return [
        " ".join(Tokens(m.submission_text).normal)
        for m in result.result.matches
        if m.submission == file and (not m.excluded) == counted
    ]


def test_every_submission_was_read(result: BatchResult) -> None:
    files = {d.path for d in result.result.documents}
    assert files == {p.name for p in (CLASS / "submissions").iterdir()}
    assert {Path(f).suffix for f in files} == {".txt", ".docx", ".pdf", ".md"}
    assert not result.errors


@pytest.mark.parametrize("case", [c for c in TRUTH["cases"] if c["kind"] in COUNTED], ids=lambda c: c["kind"])
def test_copied_passages_are_found_and_counted(result: BatchResult, case: dict[str, str]) -> None:
    opening = _opening(case["excerpt"])
    assert any(opening in passage for passage in _passages(result, case["file"], counted=True)), case


@pytest.mark.parametrize(
    "case", [c for c in TRUTH["cases"] if c["kind"] in NOT_COUNTED], ids=lambda c: c["kind"]
)
def test_prompt_citations_and_references_do_not_count(result: BatchResult, case: dict[str, str]) -> None:
    opening = _opening(case["excerpt"])
    assert not any(opening in passage for passage in _passages(result, case["file"], counted=True)), case


def test_clean_essays_are_clean(result: BatchResult) -> None:
    clean = {c["file"] for c in TRUTH["cases"] if c["kind"] == "clean"}
    planted = {c["file"] for c in TRUTH["cases"] if c["kind"] in COUNTED}
    for document in result.result.documents:
        if document.path in clean - planted:
            assert document.similarity == 0.0, document.path


def test_collusion_pair_and_trio_are_groups(result: BatchResult) -> None:
    groups: dict[int, set[str]] = {}
    for student, group in result.groups.items():
        groups.setdefault(group, set()).add(student)
    collusion = [c for c in TRUTH["cases"] if c["kind"] == "collusion"]
    for case in collusion:
        members = {result.students[case["file"]], *(result.students[s] for s in case["source"])}
        assert members in groups.values(), members


def _truth_groups(result: BatchResult) -> list[set[str]]:
    collusion = [c for c in TRUTH["cases"] if c["kind"] == "collusion"]
    found = {
        frozenset({result.students[c["file"]], *(result.students[s] for s in c["source"])}) for c in collusion
    }
    return sorted((set(g) for g in found), key=sorted)


def _groups(result: BatchResult) -> list[set[str]]:
    members: dict[int, set[str]] = {}
    for student, group in result.groups.items():
        members.setdefault(group, set()).add(student)
    return sorted(members.values(), key=sorted)


def test_the_only_groups_are_the_collusion_of_the_ground_truth(result: BatchResult) -> None:
    # Students on one prompt share topic phrases and sources; no pair rests on them.
    assert _groups(result) == _truth_groups(result)


def test_without_the_prompt_given_it_is_common_text_and_links_no_one() -> None:
    bare = compare_batch(CLASS / "submissions", ROOT / "corpora" / "coldwar")
    assert _groups(bare) == _truth_groups(bare)


def test_a_prompt_more_than_a_fifth_paste_links_no_one(tmp_path: Path) -> None:
    bare = compare_batch(more_pasting_the_prompt(tmp_path / "class"), ROOT / "corpora" / "coldwar")
    assert _groups(bare) == _truth_groups(bare)
    wrong = next(d for d in bare.result.documents if "Zoe Wrong" in d.path)
    assert wrong.similarity == 0.0
    pasted = [m for m in bare.result.matches if "Thaw and its limits" in m.submission_text]
    assert pasted and all(m.excluded for m in pasted)


def test_students_who_copied_nothing_are_at_zero(result: BatchResult) -> None:
    copied = {c["file"] for c in TRUTH["cases"] if c["kind"] in COUNTED}
    for document in result.result.documents:
        if document.path not in copied:
            assert document.similarity == 0.0, document.path
