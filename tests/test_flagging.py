"""What "flagged" means (issue 19, point 4): a submission is flagged when its similarity
is above ``flag_above``, or when one counted passage has ``flag_passage_words`` words or
more; not for any shared phrase. The status is the same in every report."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simcheck import check, compare_batch, load_document
from simcheck.batch_result import BatchResult
from simcheck.cli import main
from simcheck.config import CheckConfig
from simcheck.errors import ConfigError
from simcheck.report import render_text
from simcheck.report.html import render_batch_html

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"
THAW = re.split(r"(?<=[.!?])\s+", (COLDWAR / "khrushchev-and-the-thaw.txt").read_text(encoding="utf-8"))
BRIEF = "Ann Lee_101_assignsubmission_file_essay.txt"  # one sentence of 22 words in common
PASTED = "Bo Chan_102_assignsubmission_file_essay.txt"  # a paragraph of 60 words pasted
PIECES = "Cy Doe_103_assignsubmission_file_essay.txt"  # five sentences of 14-19 words, apart
OWN = "Di Ray_104_assignsubmission_file_essay.txt"  # nothing in common


def own_words(seed: int, words: int) -> str:
    """Sentences of made-up words: text no source and no classmate shares."""
    rng = random.Random(seed)
    made = [
        "".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(words)
    ]
    return " ".join(" ".join(made[i : i + 12]).capitalize() + "." for i in range(0, words, 12))


def thaw(*sentences: int) -> str:
    """Whole sentences of a corpus essay."""
    return " ".join(THAW[i] for i in sentences)


def write_class(folder: Path) -> Path:
    folder.mkdir()
    texts = {
        BRIEF: own_words(1, 300) + " " + thaw(19) + " " + own_words(2, 40),
        PASTED: own_words(3, 300) + " " + thaw(22, 23, 24) + " " + own_words(4, 40),
        PIECES: " ".join(own_words(5 + i, 48) + " " + thaw(n) for i, n in enumerate((5, 11, 13, 20, 39))),
        OWN: own_words(20, 340),
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_class(tmp_path_factory.mktemp("flag") / "class")


def _statuses(batch: BatchResult) -> dict[str, str]:
    return {row.file: row.status for row in batch.file_rows()}


def test_one_shared_phrase_does_not_flag_a_submission(folder: Path) -> None:
    batch = compare_batch(folder, COLDWAR)
    similarity = {d.path: d.similarity for d in batch.result.documents}
    assert 0 < similarity[BRIEF] < 10 and 10 < similarity[PASTED] < 20 and similarity[PIECES] > 20
    # Before: every submission with any passage was "flagged", BRIEF's one sentence too.
    assert _statuses(batch) == {BRIEF: "clean", PASTED: "flagged", PIECES: "flagged", OWN: "clean"}


def test_flag_above_and_the_passage_minimum_set_the_status(folder: Path) -> None:
    # Only the percentage: PASTED's one paragraph (under 20%) no longer flags it.
    only_share = compare_batch(folder, COLDWAR, config=CheckConfig(flag_above=20, flag_passage_words=0))
    assert _statuses(only_share) == {BRIEF: "clean", PASTED: "clean", PIECES: "flagged", OWN: "clean"}
    # A passage of 15 words or more flags on its own: BRIEF's phrase does.
    strict = compare_batch(folder, COLDWAR, config=CheckConfig(flag_above=50, flag_passage_words=15))
    assert _statuses(strict) == {BRIEF: "flagged", PASTED: "flagged", PIECES: "flagged", OWN: "clean"}


def test_every_report_gives_the_same_status(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["batch", str(folder), "-c", str(COLDWAR), "-o", str(out), "--flag-above", "20%"]
    )
    assert result.exit_code == 0, result.output
    expected = {BRIEF: "clean", PASTED: "flagged", PIECES: "flagged", OWN: "clean"}
    with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
        assert {row["files"]: row["status"] for row in csv.DictReader(handle)} == expected
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {row["files"]: row["status"] for row in report["submissions"]} == expected
    assert {d["path"]: d["status"] for d in report["documents"]} == expected
    assert report["settings"]["flag_above"] == 20.0 and report["settings"]["flag_passage_words"] == 25
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('<tr data-status="flagged">') == 2 and page.count('<tr data-status="clean">') == 2
    assert page.count("<dt>Status</dt><dd>flagged</dd>") == 2
    for line in result.stdout.splitlines():
        for name, status in expected.items():
            if line.startswith(name.split("_")[0]):
                assert line.rstrip().endswith(status), line


def test_check_reports_the_status_too(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    brief = check(load_document(folder / BRIEF), COLDWAR)
    assert brief.similarity > 0 and brief.to_dict()["documents"][0]["status"] == "clean"
    assert render_text(brief, width=300).splitlines()[0].endswith("clean")
    pasted = check(load_document(folder / PASTED), COLDWAR, config=CheckConfig(flag_passage_words=50))
    assert pasted.to_dict()["documents"][0]["status"] == "flagged"
    assert render_text(pasted, width=300).splitlines()[0].endswith("flagged")
    out = CliRunner().invoke(
        main,
        [
            "check",
            str(folder / PASTED),
            "-c",
            str(COLDWAR),
            "-f",
            "json",
            "--flag-passage-words",
            "70",
            "--flag-above",
            "20",
        ],
    )
    assert json.loads(out.output)["documents"][0]["status"] == "clean"


@pytest.mark.parametrize(
    "changes", [{"flag_above": -1}, {"flag_above": 100.5}, {"flag_above": True}, {"flag_passage_words": -1}]
)
def test_flag_settings_are_validated(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        CheckConfig(**changes)  # type: ignore[arg-type]


def test_the_demo_class_flags_every_copier_and_no_one_else() -> None:
    # The default, checked on the quick start's class: flagged = the students the ground
    # truth says copied (from the corpus or a classmate, or an uncited quotation).
    demo = ROOT / "corpora" / "demo-class"
    truth = json.loads((demo / "ground-truth.json").read_text(encoding="utf-8"))
    copied = {"verbatim", "edited", "paraphrase", "collusion", "uncited-quotation"}
    copiers = {case["file"] for case in truth["cases"] if case["kind"] in copied}
    batch = compare_batch(
        demo / "submissions", COLDWAR, templates=[load_document(demo / "prompt.txt")], jobs=2
    )
    flagged = {file for file, status in _statuses(batch).items() if status == "flagged"}
    assert flagged == copiers
    assert "Status</dt><dd>flagged" in render_batch_html(batch, created="today")


def test_a_long_essay_name_puts_the_figures_on_a_line_of_their_own(tmp_path: Path) -> None:
    # Where name and figures did not fit one line, the figures broke mid-way
    # ("... similarity" / "32.7%  identical ...").
    folder = write_class(tmp_path / "class")
    pasted = check(load_document(folder / PASTED), COLDWAR)
    path = pasted.documents[0].path
    first, second = render_text(pasted, width=len(path) + 20).splitlines()[:2]
    assert first.rstrip() == path
    assert re.fullmatch(r"  \d+ words  similarity \d+\.\d%  identical \d+\.\d%  flagged\s*", second)
    one_line = render_text(pasted, width=len(path) + 80).splitlines()[0]
    assert one_line.startswith(path + "  ") and one_line.rstrip().endswith("flagged")
