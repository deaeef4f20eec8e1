"""Setting aside what a teacher has reviewed (issue 19, point 4): a corpus source or a
classmate (--exclude-source), or sources and pairs in an allow-list file. Their passages
are still listed in every report, with the reason, and counted nowhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED
from simcheck import check, compare_batch
from simcheck.cli import main
from simcheck.models import Excluded
from simcheck.report import render_text
from simcheck.review import SetAside, read_allow_list

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"
THAW = (COLDWAR / "khrushchev-and-the-thaw.txt").read_text(encoding="utf-8")
ANN = "Ann Lee_101_assignsubmission_file_essay.txt"
BO = "Bo Chan_102_assignsubmission_file_essay.txt"
CY = "Cy Doe_103_assignsubmission_file_essay.txt"
DI = "Di Ray_104_assignsubmission_file_essay.txt"


def write_class(folder: Path) -> Path:
    folder.mkdir()
    texts = {
        ANN: "Volcanoes and tides are my subject before the war. " + SHARED,
        BO: "My essay begins with Korea in the summer of 1950. " + SHARED,
        CY: "An opening sentence of my own. " + THAW[200:900],
        DI: "Compost, watering and soil for a vegetable garden, all summer long.",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_class(tmp_path / "class")


def _reasons(matches: object) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for m in matches:  # type: ignore[attr-defined]
        found.setdefault((m.submission, m.source), set()).add(str(m.excluded))
    return found


def test_a_set_aside_source_and_pair_are_listed_but_not_counted(folder: Path) -> None:
    before = compare_batch(folder, COLDWAR)
    assert {row.file: row.status for row in before.file_rows()} == {
        ANN: "flagged",
        BO: "flagged",
        CY: "flagged",
        DI: "clean",
    }
    aside = SetAside(sources=("khrushchev-and-the-thaw.txt",), allowed=(("Ann Lee", "Bo Chan"),))
    batch = compare_batch(folder, COLDWAR, set_aside=aside)
    # Every passage is still there, each with why it does not count.
    assert len(batch.result.matches) == len(before.result.matches)
    assert _reasons(batch.result.matches) == {
        (ANN, BO): {"allow-listed"},
        (BO, ANN): {"allow-listed"},
        (CY, "khrushchev-and-the-thaw.txt"): {"excluded source"},
    }
    assert all(d.similarity == 0 and d.status == "clean" for d in batch.result.documents)
    assert all(s.passages == 0 for s in batch.result.sources)
    assert batch.pairs.empty and batch.groups == {}


def test_names_ids_and_a_classmate_set_aside_both_ways(folder: Path) -> None:
    by_id = compare_batch(folder, COLDWAR, set_aside=SetAside(allowed=(("102", "101"),)))
    assert _reasons(by_id.result.matches)[(ANN, BO)] == {"allow-listed"}
    # A classmate set aside: what they share with anyone, in both directions.
    classmate = compare_batch(folder, COLDWAR, set_aside=SetAside(sources=("bo chan",)))
    assert _reasons(classmate.result.matches)[(ANN, BO)] == {"excluded source"}
    assert _reasons(classmate.result.matches)[(BO, ANN)] == {"excluded source"}
    assert _reasons(classmate.result.matches)[(CY, "khrushchev-and-the-thaw.txt")] == {""}


def test_the_allow_list_file(tmp_path: Path) -> None:
    listed = tmp_path / "reviewed.csv"
    listed.write_text(
        "# reviewed on 3 March: permitted group work\nAnn Lee, Bo Chan\n\nkhrushchev-and-the-thaw.txt\n",
        encoding="utf-8",
    )
    assert read_allow_list(listed) == (("Ann Lee", "Bo Chan"), ("khrushchev-and-the-thaw.txt",))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"line 1: .*one name \(a source\) or two \(a pair\)"):
        read_allow_list(bad)


def test_every_batch_report_lists_them_with_the_reason(folder: Path, tmp_path: Path) -> None:
    listed = tmp_path / "reviewed.txt"
    listed.write_text("Ann Lee,Bo Chan\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(folder), "-c", str(COLDWAR), "-o", str(out), "--allow-list", str(listed)]
    result = CliRunner().invoke(main, [*args, "--exclude-source", "khrushchev-and-the-thaw.txt"])
    assert result.exit_code == 0, result.output
    with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
        assert {row["status"] for row in csv.DictReader(handle)} == {"clean"}
    with open(out / "matches.csv", encoding="utf-8", newline="") as handle:
        excluded = sorted(row["excluded"] for row in csv.DictReader(handle))
    assert excluded == ["allow-listed", "allow-listed", "excluded source"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert sorted(m["excluded"] for m in report["matches"]) == excluded
    assert report["set_aside"] == {
        "exclude_source": ["khrushchev-and-the-thaw.txt"],
        "allow_list": [["Ann Lee", "Bo Chan"]],
    }
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<tr><td>allow-listed</td>" in page and "<tr><td>excluded source</td>" in page
    assert "not counted: allow-listed" in page and "not counted: excluded source" in page
    assert "Ann Lee, Bo Chan" in page  # what was set aside, in the provenance
    assert "3 passages set aside, listed but not counted" in result.stdout
    assert "allow-listed 2, excluded source 1" in result.stdout


def test_check_takes_them_too(tmp_path: Path) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text("An opening sentence of my own. " + THAW[200:900], encoding="utf-8")
    aside = check(essay, COLDWAR, set_aside=SetAside(sources=("khrushchev-and-the-thaw.txt",)))
    assert aside.similarity == 0 and aside.matches
    assert {m.excluded for m in aside.matches} == {Excluded.EXCLUDED_SOURCE}
    assert "not counted: excluded source" in render_text(aside)
    listed = tmp_path / "allow.csv"
    listed.write_text("essay.txt,khrushchev-and-the-thaw.txt\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["check", str(essay), "-c", str(COLDWAR), "-f", "json", "--allow-list", str(listed)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"][0]["similarity"] == 0 and report["documents"][0]["status"] == "clean"
    assert {m["excluded"] for m in report["matches"]} == {"allow-listed"}


def test_an_entry_that_sets_nothing_aside_is_named(folder: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(folder),
            "-c",
            str(COLDWAR),
            "-o",
            str(tmp_path / "out"),
            "--exclude-source",
            "typo.txt",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "simcheck: --exclude-source typo.txt set aside no passage" in result.stderr
