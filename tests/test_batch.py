"""A class at once: folders and zips, students, groups, outputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from benchmarks.workloads.synthetic import topic_class
from conftest import OWN, SHARED
from simcheck.batch import compare_batch
from simcheck.batch_result import BatchResult
from simcheck.cli import main
from simcheck.config import CheckConfig
from simcheck.report.files import write_reports

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"


def write_class(folder: Path) -> Path:
    folder.mkdir()
    thaw = (COLDWAR / "khrushchev-and-the-thaw.txt").read_text(encoding="utf-8")
    files = {
        "Ada Lovelace_111_assignsubmission_file_essay.txt": OWN + SHARED,
        "Ada Lovelace_111_assignsubmission_file_draft.txt": OWN + "A draft of my own essay, unfinished.",
        "Bob Smith_222_assignsubmission_file_essay.txt": "Korea in 1950 is where my essay starts. " + SHARED,
        "Cy Young_333_assignsubmission_file_essay.txt": "Intro sentence here. " + thaw[200:900],
        "Di Prince_444_assignsubmission_file_essay.txt": "Compost, watering and soil for a vegetable garden.",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_class_folder_pairs_groups_and_corpus(tmp_path: Path) -> None:
    result = compare_batch(write_class(tmp_path / "class"), COLDWAR)
    pairs = result.pairs
    assert list(zip(pairs["student_a"], pairs["student_b"])) == [("Ada Lovelace", "Bob Smith")]
    assert result.groups == {"Ada Lovelace": 1, "Bob Smith": 1}
    documents = result.documents_frame().set_index("files")
    assert documents.loc["Cy Young_333_assignsubmission_file_essay.txt", "top_source"] == (
        "khrushchev-and-the-thaw.txt"
    )
    assert documents.loc["Di Prince_444_assignsubmission_file_essay.txt", "status"] == "clean"
    # A student's own files share OWN but are never compared with each other.
    assert all(
        not (m.submission.startswith("Ada") and m.source.startswith("Ada")) for m in result.result.matches
    )


def test_outputs_are_written_and_byte_identical(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    write_reports(compare_batch(folder, COLDWAR), tmp_path / "one")
    write_reports(compare_batch(folder, COLDWAR), tmp_path / "two")
    for name in ("report.json", "documents.csv", "pairs.csv", "matches.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    matches = pd.read_csv(tmp_path / "one" / "matches.csv")
    assert set(matches["source"]) >= {"khrushchev-and-the-thaw.txt"}


def test_cli_batch_exit_codes(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    runner = CliRunner()
    result = runner.invoke(main, ["batch", str(folder), "-c", str(COLDWAR), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "documents.csv").is_file()
    over = runner.invoke(main, ["batch", str(folder), "-o", str(tmp_path / "o2"), "--fail-above", "50"])
    assert over.exit_code == 3
    bad = runner.invoke(main, ["batch", str(tmp_path / "out" / "pairs.csv")])
    assert bad.exit_code == 1 and "neither a folder nor a zip archive" in bad.output


def test_cli_batch_lists_the_top_submissions_and_every_unreadable_one(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    (folder / "broken.docx").write_bytes(b"not a docx")
    submissions = len(pd.read_csv(_batch_documents(folder, tmp_path / "all")))
    shown = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out"), "--show", "1"])
    assert shown.exit_code == 0, shown.output
    assert "unreadable" in shown.output
    assert f"and {submissions - 2} more submissions" in shown.output


def _batch_documents(folder: Path, out: Path) -> Path:
    write_reports(compare_batch(folder), out)
    return out / "documents.csv"


@pytest.mark.parametrize("count", [1])
def test_single_submission_has_no_pairs(tmp_path: Path, count: int) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "solo.txt").write_text(OWN, encoding="utf-8")
    result = compare_batch(folder)
    assert result.pairs.empty and result.groups == {}
    assert len(result.documents_frame()) == count


def test_jobs_give_byte_identical_reports(tmp_path: Path) -> None:
    folder = write_class(tmp_path / "class")
    for extra in range(6):
        (folder / f"Extra Student{extra}_9{extra}9_assignsubmission_file_e.txt").write_text(
            OWN.replace("Asia", f"region {extra}") + SHARED, encoding="utf-8"
        )
    write_reports(compare_batch(folder, COLDWAR), tmp_path / "serial")
    write_reports(compare_batch(folder, COLDWAR, jobs=2), tmp_path / "parallel")
    for name in ("report.json", "documents.csv", "students.csv", "pairs.csv", "matches.csv", "common.csv"):
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "parallel" / name).read_bytes()


def test_jobs_with_an_index(tmp_path: Path) -> None:
    from simcheck.index import Index

    Index.build(tmp_path / "c.simcheck", [COLDWAR])[0].close()
    folder = write_class(tmp_path / "class")
    serial = compare_batch(folder, str(tmp_path / "c.simcheck"))
    parallel = compare_batch(folder, str(tmp_path / "c.simcheck"), jobs=2)
    assert serial.result.to_json() == parallel.result.to_json()
    assert any(s.source.endswith("khrushchev-and-the-thaw.txt") for s in parallel.result.sources)


def test_common_text_counts_towards_no_source_or_pair(tmp_path: Path) -> None:
    shared = (
        "The Marshall Plan sent more than thirteen billion dollars of American aid to "
        "rebuild the economies of Western Europe after the Second World War."
    )
    topics = ["volcanoes", "tides", "bees", "glaciers", "comets"]
    folder = tmp_path / "class"
    for number, topic in enumerate(topics):
        own = " ".join(f"The {topic} entry {number * 100 + i} is theirs alone." for i in range(12))
        (folder / f"student{number}").mkdir(parents=True)
        (folder / f"student{number}" / "essay.txt").write_text(f"{own} {shared}", encoding="utf-8")
    batch = compare_batch(folder, None, config=CheckConfig(common_threshold=2))
    assert all(m.excluded == "common text" for m in batch.result.matches)
    assert batch.result.matches
    assert all(s.similarity == 0 and s.identical == 0 and s.passages == 0 for s in batch.result.sources)
    assert batch.pairs.empty


def test_common_table_counts_the_students_holding_the_text_not_the_corpus(tmp_path: Path) -> None:
    handout = (
        "Containment meant that the United States would resist Soviet expansion wherever it "
        "appeared, using economic aid, alliances and, when necessary, military force."
    )
    topics = ["volcanoes", "tides", "bees", "glaciers"]
    folder = tmp_path / "class"
    for number, topic in enumerate(topics):
        own = " ".join(f"The {topic} entry {number * 100 + i} is theirs alone." for i in range(12))
        (folder / f"student{number}").mkdir(parents=True)
        (folder / f"student{number}" / "essay.txt").write_text(f"{own} {handout}", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "source.txt").write_text("An older essay. " + handout + " It ends here.", encoding="utf-8")
    batch = compare_batch(folder, corpus, config=CheckConfig(common_threshold=2))
    table = batch.common_frame()
    assert not table.empty
    assert table["submissions"].tolist() == [4] * len(table)
    assert handout in table["text"].iloc[0]


def test_unreadable_corpus_files_are_reported_by_a_batch_too(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("The Berlin Wall fell in November 1989 after weeks of protest.", "utf-8")
    (corpus / "broken.docx").write_bytes(b"not a docx")
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a.txt").write_text("An essay about tides and the moon, written by one student.", "utf-8")
    (folder / "b.docx").write_bytes(b"not a docx either")
    skipped = compare_batch(folder, corpus).result.skipped
    assert len(skipped) == 2
    assert skipped[0].path == "broken.docx" and skipped[1].path == "b.docx"


def test_report_json_carries_the_class_tables(tmp_path: Path) -> None:
    import json

    folder = tmp_path / "class"
    folder.mkdir()
    text = "The Berlin airlift supplied the western sectors of the city by air for almost eleven months."
    (folder / "Ann Lee_1_assignsubmission_file_essay.txt").write_text(text, "utf-8")
    (folder / "Bo Chan_2_assignsubmission_file_essay.txt").write_text(text, "utf-8")
    (folder / "Cy Doe_3_assignsubmission_file_essay.docx").write_bytes(b"not a docx")
    batch = compare_batch(folder, None, config=CheckConfig(min_words=5))
    write_reports(batch, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    rows = {row["student"]: row for row in report["submissions"]}
    assert rows["Ann Lee"]["status"] == "flagged" and rows["Ann Lee"]["group"] == 1
    assert rows["Cy Doe"]["status"].startswith("unreadable")
    assert report["pairs"] == [
        {
            "student_a": "Ann Lee",
            "student_b": "Bo Chan",
            "similarity_a": 100.0,
            "similarity_b": 100.0,
            "words": 16,
            "passages": 1,
        }
    ]
    assert report["documents"] and report["matches"] and "common" in report


def test_two_batches_run_at_once_in_one_process(tmp_path: Path) -> None:
    # compare_batch keeps no module state: two threads comparing different classes at
    # once get what each gets alone.
    from concurrent.futures import ThreadPoolExecutor

    first, second = write_class(tmp_path / "one"), tmp_path / "two"
    second.mkdir()
    for name in ("x", "y"):
        (second / f"{name}.txt").write_text(
            SHARED + f"Student {name} wrote this part alone.", encoding="utf-8"
        )
    alone = [compare_batch(first).to_json(), compare_batch(second).to_json()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(lambda folder: compare_batch(folder).to_json(), [first, second]))
    assert together == alone
    assert alone[0] != alone[1]


def marshall_paragraph() -> str:
    text = (COLDWAR / "the-marshall-plan.txt").read_text(encoding="utf-8")
    return [p for p in text.split("\n\n") if len(p.split()) > 50][1]


def test_two_students_who_copied_one_corpus_source_are_no_group(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    pasted = marshall_paragraph()
    (folder / "Ann Lee_1_assignsubmission_file_essay.txt").write_text(
        "My view: aid was a tool of foreign policy.\n\n" + pasted + "\n\nThat is all I say.", "utf-8"
    )
    (folder / "Bob Ray_2_assignsubmission_file_essay.txt").write_text(
        "Historians still argue about the money.\n\n" + pasted + "\n\nSome doubt it mattered at all.", "utf-8"
    )
    batch = compare_batch(folder, COLDWAR)
    assert batch.pairs.empty and batch.groups == {}
    classmates = [m for m in batch.result.matches if m.source.endswith("essay.txt")]
    assert classmates and all(m.excluded == "also in a corpus source" for m in classmates)
    documents = batch.documents_frame().set_index("student")
    assert set(documents["top_source"]) == {"the-marshall-plan.txt"}
    assert (documents["similarity"] > 50).all()


def test_students_who_share_the_same_edits_of_a_corpus_source_stay_a_group(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    words = marshall_paragraph().split()
    for i in range(3, len(words), 9):  # the same edits on both sides: one copied the other
        words[i] = "very"
    edited = " ".join(words)
    (folder / "Ann Lee_1_assignsubmission_file_essay.txt").write_text("Aid as policy.\n\n" + edited, "utf-8")
    (folder / "Bob Ray_2_assignsubmission_file_essay.txt").write_text("The money.\n\n" + edited, "utf-8")
    batch = compare_batch(folder, COLDWAR)
    assert batch.groups == {"Ann Lee": 1, "Bob Ray": 1}


def test_common_text_is_relative_to_the_class_and_a_trio_stays_a_group(tmp_path: Path) -> None:
    prompt = (
        "Essay 3: The Thaw and its limits. Between Stalin's death in March 1953 and the early 1960s, "
        "the Cold War changed in ways that were both hopeful and dangerous."
    )
    shared = (
        "On 1 May 1960 a U-2 spy plane flown by Francis Gary Powers was shot down over Sverdlovsk, "
        "and the summit in Paris collapsed before it had properly begun."
    )
    topics = ["volcanoes", "tides", "bees", "glaciers", "comets", "rivers", "ferns", "owls", "salt", "moss"]
    folder = tmp_path / "class"
    folder.mkdir()
    for number, topic in enumerate(topics):
        own = " ".join(f"The {topic} entry {number * 100 + i} is theirs alone." for i in range(12))
        text = (prompt + " " if number < 5 else "") + own + (" " + shared if number >= 7 else "")
        (folder / f"Student {topic}_{number}_assignsubmission_file_essay.txt").write_text(text, "utf-8")
    batch = compare_batch(folder, None)
    assert batch.result.settings["common_threshold"] == 3
    prompt_matches = [m for m in batch.result.matches if "Thaw and its limits" in m.submission_text]
    assert prompt_matches and all(m.excluded == "common text" for m in prompt_matches)
    assert batch.groups == {"Student moss": 1, "Student owls": 1, "Student salt": 1}


def test_students_who_hand_in_one_essay_are_a_group_however_many_they_are(tmp_path: Path) -> None:
    # Four of ten hand in the same essay: more students than the common-text threshold
    # (three here) share it, but it is the whole of each essay, not a prompt.
    prompt = (
        "Essay 3: The Thaw and its limits. Between Stalin's death in March 1953 and the early 1960s, "
        "the Cold War changed in ways that were both hopeful and dangerous."
    )
    essays = sorted(COLDWAR.glob("*.txt"))[:7]
    folder = tmp_path / "class"
    folder.mkdir()
    for number, essay in enumerate(essays[:6]):
        # Four of the six write their own essays under the prompt they paste.
        text = (prompt + "\n\n" if number < 4 else "") + essay.read_text(encoding="utf-8")
        (folder / f"Student {number}_{number}_assignsubmission_file_essay.txt").write_text(text, "utf-8")
    ring = ["Ann", "Bob", "Cy", "Di"]
    for number, name in enumerate(ring, 6):
        (folder / f"{name} Ring_{number}_assignsubmission_file_essay.txt").write_text(
            essays[6].read_text(encoding="utf-8"), "utf-8"
        )
    batch = compare_batch(folder, None)
    assert batch.result.settings["common_threshold"] == 3
    assert batch.groups == dict.fromkeys((f"{name} Ring" for name in ring), 1)
    ringed = [d for d in batch.result.documents if "Ring" in d.path]
    assert len(ringed) == 4 and all(d.similarity > 95 for d in ringed)
    # The prompt that four others paste is still common text.
    prompt_matches = [m for m in batch.result.matches if "Thaw and its limits" in m.submission_text]
    assert prompt_matches and all(m.excluded == "common text" for m in prompt_matches)


def test_one_essay_handed_in_by_five_is_theirs_when_each_rewrote_a_part(tmp_path: Path) -> None:
    # 20 documents: enough for the class to have phrases it holds too widely to look up.
    # Five hand in one essay, each with paragraphs of their own in its middle, so each
    # pair's copy comes in pieces, none of them half of an essay.
    essays = [p.read_text(encoding="utf-8") for p in sorted(COLDWAR.glob("*.txt"))]
    folder = tmp_path / "class"
    folder.mkdir()
    for number in range(15):
        (folder / f"Student{number} X_{1000 + number}_assignsubmission_file_essay.txt").write_text(
            essays[number], "utf-8"
        )
    shared = essays[30].split("\n\n")
    middle = len(shared) // 2
    ring = ["Ann", "Bob", "Cy", "Di", "Ed"]
    for number, name in enumerate(ring):
        own = essays[16 + number].split("\n\n")[2:5]
        text = "\n\n".join(shared[: middle - 1] + own + shared[middle + 1 :])
        (folder / f"{name} Ring_{2000 + number}_assignsubmission_file_essay.txt").write_text(text, "utf-8")
    batch = compare_batch(folder, None)
    ringed = {batch.students[d.path]: d.similarity for d in batch.result.documents if "Ring" in d.path}
    assert all(similarity > 50 for similarity in ringed.values()), ringed
    assert {student for student, group in batch.groups.items() if student in ringed} == set(ringed)
    assert len({batch.groups[student] for student in ringed}) == 1


def test_a_students_second_copy_of_their_essay_makes_no_text_common(tmp_path: Path) -> None:
    # Three of 17 students share two paragraphs, each handing in two copies of the essay:
    # six of the 20 documents hold it, more than retrieval looks up, but three students
    # are no more than the common threshold.
    essays = [p.read_text(encoding="utf-8") for p in sorted(COLDWAR.glob("*.txt"))]
    shared = " ".join([p for p in essays[30].split("\n\n") if len(p.split()) > 40][1:3])
    folder = tmp_path / "class"
    folder.mkdir()
    for number in range(14):
        (folder / f"Student{number} X_{1000 + number}_assignsubmission_file_essay.txt").write_text(
            essays[number], "utf-8"
        )
    trio = ["Ann", "Bob", "Cy"]
    for number, name in enumerate(trio):
        for upload in ("essay.txt", "essay_final.txt"):
            (folder / f"{name} Ring_{2000 + number}_assignsubmission_file_{upload}").write_text(
                essays[14 + number] + "\n\n" + shared, "utf-8"
            )
    batch = compare_batch(folder, None)
    assert batch.result.settings["common_threshold"] == 3
    between = [m for m in batch.result.matches if "Ring" in m.submission and "Ring" in m.source]
    assert between and all(m.excluded == "" for m in between)
    assert len({batch.groups.get(f"{name} Ring") for name in trio} - {None}) == 1


def test_an_unreadable_file_named_as_a_corpus_document_is_no_classmate(tmp_path: Path) -> None:
    essays = [p.read_text(encoding="utf-8") for p in sorted(COLDWAR.glob("*.txt"))]
    handout = " ".join(essays[30].split("\n\n")[1:3])
    folder, corpus = tmp_path / "class", tmp_path / "corpus"
    folder.mkdir()
    corpus.mkdir()
    for number in range(4):
        (folder / f"s{number}.txt").write_text(essays[number] + "\n\n" + handout, "utf-8")
    (folder / "handout.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    (corpus / "handout.txt").write_text(handout, "utf-8")
    batch = compare_batch(folder, corpus, config=CheckConfig(common_threshold=2))
    assert [e.path for e in batch.errors] == ["handout.txt"]
    assert {m.source for m in batch.result.matches if m.source == "handout.txt"}


def test_a_pair_of_classmates_is_checked_both_ways_round(tmp_path: Path) -> None:
    # In this class s0051 rewords a passage of s0094. Retrieval is not symmetric: only
    # s0094's check proposes the other essay, so s0051 is checked again against it.
    folder = tmp_path / "class"
    planted = topic_class(folder, 100, copies=0.3, seed=1)
    assert any(p.copier == "s0051" and p.source == "s0094" and p.how == "reworded" for p in planted)
    result = compare_batch(folder, jobs=2)
    found = {(s.submission, s.source) for s in result.result.sources if s.source in result.students}
    assert ("s0051/essay.txt", "s0094/essay.txt") in found
    assert {(b, a) for a, b in found} == found
    copied = [
        m
        for m in result.result.matches
        if m.submission == "s0051/essay.txt" and m.source == "s0094/essay.txt"
    ]
    assert copied and all(m.words >= 40 for m in copied)
    # The same whatever the workers.
    assert compare_batch(folder, jobs=1).to_json() == result.to_json()


def test_a_class_too_large_for_window_words_alone_is_searched_by_pairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In a large class on one topic nearly every signature word is in too many windows
    # to count, and pairs of them find the reworded copies. This class is small: the
    # point where pairs start is lowered to it.
    from simcheck import windows

    folder = tmp_path / "class"
    planted = topic_class(folder, 150, copies=0.3, seed=1)
    copies = {(p.copier, p.source) for p in planted} | {(p.source, p.copier) for p in planted}

    def classmates(batch: BatchResult) -> set[tuple[str, str]]:
        return {
            (s.submission.split("/")[0], s.source.split("/")[0])
            for s in batch.result.sources
            if s.source in batch.students
        }

    by_words = classmates(compare_batch(folder, jobs=2))
    monkeypatch.setattr(windows, "PAIRS_FROM_POSTINGS", 0)
    result = compare_batch(folder, jobs=2)
    gained = classmates(result) - by_words
    # Two reworded copies more, found both ways round; nothing else gained, nothing lost.
    assert {("s0046", "s0037"), ("s0037", "s0046"), ("s0139", "s0090"), ("s0090", "s0139")} <= gained
    assert gained <= copies and by_words <= classmates(result)
    assert compare_batch(folder, jobs=1).to_json() == result.to_json()
