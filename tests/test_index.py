"""The saved index: same answers as a folder, incremental changes, settings, verify, related
documents, own copies. Killed and racing writers are in test_index_crash.py."""

from __future__ import annotations

import io
import random
import sqlite3
import zipfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import own_words_essay, random_essay
from simcheck import CheckConfig, ConfigError, CorpusError, check
from simcheck.cli import main
from simcheck.index import FORMAT_VERSION, Index
from simcheck.index import build as index_build
from simcheck.index.postings import PrintBuckets, encode, pack, unpack
from simcheck.load import load_document
from simcheck.models import Candidate
from simcheck.tokens import Tokens

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"
DEMO = ROOT / "corpora" / "demo" / "sample-essay.txt"
ESSAYS = len(list(COLDWAR.glob("*.txt")))
MARSHALL = (
    "The Marshall Plan sent American money to rebuild western Europe after the war, and "
    "Stalin forbade the countries of eastern Europe to take any of it. "
)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    path = tmp_path / "coldwar.simcheck"
    index, result = Index.build(path, [COLDWAR])
    index.close()
    assert len(result.added) == ESSAYS and not result.errors
    return path


def sides(result: object) -> list[tuple[str, int, int, int, int, str]]:
    return [
        (Path(m.source).name, m.submission_start, m.submission_end, m.source_start, m.source_end, m.kind)
        for m in result.matches  # type: ignore[attr-defined]
    ]


def test_index_gives_the_same_matches_as_the_folder(built: Path) -> None:
    from_folder = check(DEMO, COLDWAR)
    with Index(built) as index:
        from_index = check(DEMO, index)
        assert len(index) == ESSAYS
    assert sides(from_index) == sides(from_folder)
    assert from_index.similarity == from_folder.similarity
    for a, b in zip(from_index.sources, from_folder.sources):
        assert a.tfidf_cosine == pytest.approx(b.tfidf_cosine, abs=0.05)
        assert a.jaccard_estimate == b.jaccard_estimate


def test_a_class_against_an_index_gets_the_reports_of_the_folder_it_holds(
    built: Path, tmp_path: Path
) -> None:
    # Two students of the demo class reworded a paragraph throughout: only a window of
    # sentences sharing rare words finds the source. The index lacked that route, and
    # both came out at 0% against it.
    from simcheck import compare_batch, load_document, write_reports

    submissions = COLDWAR.parent / "demo-class" / "submissions"
    prompt = [load_document(COLDWAR.parent / "demo-class" / "prompt.txt")]
    write_reports(compare_batch(submissions, COLDWAR, templates=prompt), tmp_path / "folder")
    write_reports(compare_batch(submissions, built, templates=prompt), tmp_path / "index")
    for name in ("documents.csv", "students.csv", "pairs.csv", "matches.csv"):
        from_index = (tmp_path / "index" / name).read_text(encoding="utf-8")
        from_folder = (tmp_path / "folder" / name).read_text(encoding="utf-8")
        assert from_index.replace(f"{COLDWAR.name}/", "") == from_folder, name
    assert "Grace Adeyemi" in from_index and "Hassan Rahimi" in from_index


def test_stored_documents_are_every_text_once_in_pages(built: Path) -> None:
    with Index(built) as index:
        index.remove(["coldwar/the-berlin-wall.txt"])  # a gap in the ids, which pages skip over
        paged = list(index.stored_documents(batch=7))
        assert [d.doc_id for d in paged] == [d.doc_id for d in index.stored_documents(batch=1000)]
    assert len(paged) == ESSAYS - 1 and "coldwar/the-berlin-wall.txt" not in {d.doc_id for d in paged}
    for document in paged:
        assert document.text == load_document(COLDWAR / Path(document.doc_id).name).text


def test_reopened_index_gives_the_same_candidates(built: Path) -> None:
    query = Tokens(DEMO.read_text(encoding="utf-8"))
    with Index(built) as first:
        before = first.candidates(query, first.config)
    with Index(built) as second:
        assert second.candidates(query, second.config) == before
    assert before, "the demo essay has sources in the corpus"


def test_source_text_comes_from_the_index(tmp_path: Path) -> None:
    # The original files are not needed once indexed.
    text = (COLDWAR / "the-berlin-blockade-and-airlift.txt").read_text(encoding="utf-8")
    source = tmp_path / "airlift.txt"
    source.write_text(text, encoding="utf-8")
    Index.build(tmp_path / "a.simcheck", [source])[0].close()
    source.unlink()
    start = text.index("\n\n") + 2
    passage = text[start : text.index(".", start + 500) + 1]
    with Index(tmp_path / "a.simcheck") as index:
        result = check("An essay that copies. " + passage, index)
    assert result.matches and all(m.source_text in passage for m in result.matches)
    # A file added alone is named after the folder it is in, as a folder's files are.
    assert result.matches[0].source == f"{tmp_path.name}/airlift.txt"


def test_add_skips_unchanged_replaces_changed_and_remove(built: Path, tmp_path: Path) -> None:
    rng = random.Random(1)
    folder = tmp_path / "spring"
    folder.mkdir()
    (folder / "a.txt").write_text(random_essay(rng), encoding="utf-8")
    (folder / "b.txt").write_text(random_essay(rng), encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"not a docx")
    with Index(built) as index:
        first = index.add([folder])
        assert sorted(first.added) == ["spring/a.txt", "spring/b.txt"]
        assert [Path(e.path).name for e in first.errors] == ["broken.docx"]
        again = index.add([folder])
        assert again.added == [] and sorted(again.unchanged) == ["spring/a.txt", "spring/b.txt"]
        (folder / "a.txt").write_text(random_essay(rng), encoding="utf-8")
        changed = index.add([folder / "a.txt"])
        assert changed.replaced == ["spring/a.txt"]
        assert len(index) == ESSAYS + 2
        assert index.remove(["spring/a.txt"]) == ["spring/a.txt"]
        doc = index._db.execute("SELECT id FROM documents WHERE path = 'spring/b.txt'").fetchone()[0]
        assert index.remove([str(doc)]) == ["spring/b.txt"]
        assert len(index) == ESSAYS
        with pytest.raises(CorpusError, match="no document 'nope.txt'"):
            index.remove([index.doc_ids()[0], "nope.txt"])
        assert len(index) == ESSAYS
        assert index.verify() == []


def test_an_add_that_replaces_documents_counts_words_as_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer counts words in memory and writes the terms table at the end; a
    # replaced document's words are counted down in the table, so what was counted
    # before it must be there first. One document a batch: batches come before and
    # after each replacement.
    monkeypatch.setattr(index_build, "_BATCH", 1)
    rng = random.Random(3)
    folder = tmp_path / "class"
    folder.mkdir()
    for name in "abcd":
        (folder / f"{name}.txt").write_text(random_essay(rng), encoding="utf-8")

    def terms(index: Index) -> list[tuple[int, int]]:
        return index._db.execute("SELECT term, df FROM terms ORDER BY term").fetchall()

    def windows_counted(index: Index) -> tuple[int, int, int]:
        listed = sum(
            int(unpack(packed)[1].sum())
            for (packed,) in index._db.execute("SELECT postings FROM window_postings")
        )
        in_terms = index._db.execute("SELECT sum(windows) FROM terms").fetchone()[0]
        meta = index._db.execute("SELECT value FROM meta WHERE key = 'window_postings'").fetchone()[0]
        return listed, int(in_terms), int(meta)

    index, _ = Index.build(tmp_path / "grown.simcheck", [folder])
    with index:
        for name in "bde":
            (folder / f"{name}.txt").write_text(random_essay(rng), encoding="utf-8")
        result = index.add([folder])
        assert sorted(result.replaced) == ["class/b.txt", "class/d.txt"] and result.added == ["class/e.txt"]
        grown = terms(index)
        listed, in_terms, meta = windows_counted(index)
        assert listed == in_terms == meta > 0
        assert index.verify() == []
    fresh, _ = Index.build(tmp_path / "fresh.simcheck", [folder])
    with fresh:
        assert grown == terms(fresh)


def test_remove_leaves_no_trace(tmp_path: Path) -> None:
    rng = random.Random(2)
    (tmp_path / "one.txt").write_text(random_essay(rng), encoding="utf-8")
    index, _ = Index.build(tmp_path / "x.simcheck", [tmp_path / "one.txt"])
    with index:
        index.remove(["one.txt"])
        for table in ("documents", "fingerprints", "bands", "terms", "topics", "window_postings"):
            assert index._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert index._db.execute("SELECT value FROM meta WHERE key = 'window_postings'").fetchone() == ("0",)


def test_add_then_remove_leaves_the_window_words_as_they_were(built: Path, tmp_path: Path) -> None:
    essay = tmp_path / "spring" / "essay.txt"
    essay.parent.mkdir()
    essay.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")

    def window_state(index: Index) -> tuple[list[tuple[object, ...]], ...]:
        rows = [
            (term, *(a.tolist() for a in unpack(packed)))
            for term, packed in index._db.execute("SELECT term, postings FROM window_postings ORDER BY term")
        ]
        counts = index._db.execute(
            "SELECT term, windows FROM terms WHERE windows > 0 ORDER BY term"
        ).fetchall()
        total = index._db.execute("SELECT value FROM meta WHERE key = 'window_postings'").fetchall()
        return rows, counts, total

    with Index(built) as index:
        before = window_state(index)
        assert before[0] and int(before[2][0][0]) == sum(n for _, n in before[1])
        index.add([essay])
        assert window_state(index) != before
        index.remove(["spring/essay.txt"])
        assert window_state(index) == before


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_remove_takes_out_a_whole_class_added_as_a_zip_or_a_folder(tmp_path: Path, kind: str) -> None:
    # Before, only single files could be removed: the zip or folder a class was added
    # from was "no document" in the index.
    export = tmp_path / "exports" / "class.zip"
    _moodle_zip(export)
    source = export
    if kind == "folder":
        source = tmp_path / "class"
        with zipfile.ZipFile(export) as archive:
            archive.extractall(source)
    other = tmp_path / "corpus"
    other.mkdir()
    (other / "airlift.txt").write_text(MARSHALL, encoding="utf-8")
    index, _ = Index.build(tmp_path / "archive.simcheck", [other, source])
    with index:
        stored = len(index)
        removed = index.remove([str(source)])
        prefix = "exports/class.zip/" if kind == "zip" else "class/"
        assert len(removed) == stored - 1 and all(name.startswith(prefix) for name in removed)
        assert index.doc_ids() == ["corpus/airlift.txt"]
        assert index.verify() == []
        with pytest.raises(CorpusError, match="no document"):
            index.remove([str(source)])


def test_settings_and_format_are_enforced(built: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="built with shingle_size=5, asked for 4"):
        Index(built, CheckConfig(shingle_size=4))
    Index(built, CheckConfig(min_words=20)).close()  # query-time settings may differ
    db = sqlite3.connect(built)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'format'")
    db.commit()
    db.close()
    with pytest.raises(CorpusError, match=f"index format 99 but this simcheck reads format {FORMAT_VERSION}"):
        Index(built)
    (tmp_path / "plain.simcheck").write_text("not a database", encoding="utf-8")
    with pytest.raises(CorpusError, match="is a file but not a simcheck index"):
        check("text", str(tmp_path / "plain.simcheck"))
    with pytest.raises(CorpusError, match="already exists"):
        Index.build(built, [COLDWAR])


def test_verify_finds_damage(built: Path) -> None:
    db = sqlite3.connect(built)
    db.execute("UPDATE documents SET text = x'00112233' WHERE id = 1")
    # One fingerprint of document 2 taken out of its bucket.
    for bucket, packed in db.execute("SELECT bucket, prints FROM fingerprints ORDER BY bucket").fetchall():
        keys, docs = PrintBuckets().unpack([(bucket, packed)])
        if 2 in docs.tolist():
            kept = np.ones(docs.shape[0], dtype=bool)
            kept[int(np.flatnonzero(docs == 2)[0])] = False
            rest = PrintBuckets().pack(keys[kept], docs[kept])
            db.execute(
                "UPDATE fingerprints SET prints = ? WHERE bucket = ?", (rest[0][1] if rest else b"", bucket)
            )
            break
    db.commit()
    db.close()
    with Index(built) as index:
        problems = index.verify()
    assert len(problems) == 2
    assert "stored text" in problems[0]
    assert "fingerprints do not match its text" in problems[1]


def test_near_duplicate_is_reported_as_such(built: Path) -> None:
    text = (COLDWAR / "the-korean-war.txt").read_text(encoding="utf-8")
    near = text.replace("Korea", "the Korean peninsula", 1).replace(" very ", " ")
    with Index(built) as index:
        result = check(near, index)
    top = result.sources[0]
    assert top.source.endswith("the-korean-war.txt")
    assert top.near_duplicate and top.jaccard_estimate > 0.8
    assert all(not s.near_duplicate for s in result.sources[1:])


def test_related_lists_titles_excerpts_and_lengths(built: Path) -> None:
    document = load_document(COLDWAR / "the-berlin-wall.txt")
    query = Tokens(document.text)
    with Index(built) as index:
        own = index.own_copy(document)
        assert own is not None
        found = index.related(query, 3, exclude=[own] if own is not None else [])
    assert len(found) == 3
    assert all(not r.doc_id.endswith("the-berlin-wall.txt") for r in found)
    cosines = [r.tfidf_cosine for r in found]
    assert cosines == sorted(cosines, reverse=True)
    first = found[0]
    assert first.title and first.excerpt and first.words > 400


def test_cli_index_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "a.simcheck"
    result = runner.invoke(main, ["index", "build", str(path), str(COLDWAR)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"added {ESSAYS}, replaced 0, unchanged 0, unreadable 0")
    info = runner.invoke(main, ["index", "info", str(path), "--list"])
    assert f"documents: {ESSAYS}" in info.output and "settings: " in info.output
    verify = runner.invoke(main, ["index", "verify", str(path)])
    assert verify.exit_code == 0 and f"ok: {ESSAYS} documents verified" in verify.output
    checked = runner.invoke(main, ["check", str(DEMO), "--corpus", str(path), "-f", "json"])
    assert checked.exit_code == 0 and '"matches"' in checked.output
    mismatch = runner.invoke(main, ["check", str(DEMO), "--corpus", str(path), "--shingle-size", "4"])
    assert mismatch.exit_code == 1 and "built with shingle_size=5, asked for 4" in mismatch.output
    related = runner.invoke(main, ["related", str(DEMO), "--corpus", str(path), "-k", "2"])
    assert related.exit_code == 0 and related.output.startswith("1. ")
    again = runner.invoke(main, ["index", "build", str(path), str(COLDWAR)])
    assert again.exit_code == 1 and "already exists" in again.output
    gone = runner.invoke(main, ["index", "remove", str(path), "missing.txt"])
    assert gone.exit_code == 1 and "no document 'missing.txt'" in gone.output


def test_a_file_is_not_matched_with_its_own_copy_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Built from tmp_path: the stored ids are "class/<student>/essay.txt".
    rng = random.Random(7)
    for student in ("ann", "bob"):
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "essay.txt").write_text(random_essay(rng), encoding="utf-8")
    Index.build(tmp_path / "archive.simcheck", [tmp_path / "class"])[0].close()
    monkeypatch.chdir(tmp_path / "class")
    own = check("ann/essay.txt", tmp_path / "archive.simcheck")
    assert own.similarity == 0 and own.sources == ()
    # The same name with other text ("essay.txt" of someone else) is no copy of it.
    (tmp_path / "other" / "ann").mkdir(parents=True)
    (tmp_path / "other" / "ann" / "essay.txt").write_text(
        (tmp_path / "class" / "bob" / "essay.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path / "other")
    copied = check("ann/essay.txt", tmp_path / "archive.simcheck")
    assert copied.similarity == 100 and copied.sources[0].source == "class/bob/essay.txt"


def test_batch_against_an_archive_holding_the_class_skips_each_own_file(tmp_path: Path) -> None:
    from conftest import SHARED
    from simcheck.batch import compare_batch

    rng = random.Random(8)
    for student in ("ann", "bob", "cy"):
        (tmp_path / "class" / student).mkdir(parents=True)
        # Ann and Bob share a paragraph; Cy writes alone.
        text = random_essay(rng) + ("\n\n" + SHARED if student != "cy" else "")
        (tmp_path / "class" / student / "essay.txt").write_text(text, encoding="utf-8")
    Index.build(tmp_path / "archive.simcheck", [tmp_path / "class"])[0].close()
    alone = compare_batch(tmp_path / "class", None)
    batch = compare_batch(tmp_path / "class", tmp_path / "archive.simcheck")
    # Nobody's own file matches, nor a classmate's archived copy: Ann and Bob are matched
    # with each other, as without the archive.
    assert [s.source for s in batch.result.sources] == [s.source for s in alone.result.sources]
    assert not any(s.source.startswith("class/") for s in batch.result.sources)  # archived names
    assert [d.similarity for d in batch.result.documents] == [d.similarity for d in alone.result.documents]


def test_index_add_names_an_odd_folder_link_once_escaped(tmp_path: Path) -> None:
    # A control character in a name is shown escaped (\x01), and the escape itself is
    # not escaped again (\x5cx01) when the name has passed through the index's naming.
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "a.txt").write_text("The Berlin Wall fell in November 1989.", encoding="utf-8")
    (folder / "li\x01nk").symlink_to(tmp_path, target_is_directory=True)
    (folder / "notes\x01.doc").write_bytes(b"old Word file")
    with Index.create(tmp_path / "essays.simcheck") as index:
        errors = [str(e) for e in index.add([folder]).errors]
    assert any("li\\x01nk: is a symbolic link to a folder" in e for e in errors), errors
    assert any("notes\\x01.doc" in e for e in errors), errors
    assert not any("\\x5c" in e for e in errors), errors


def test_index_build_lists_files_it_does_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "essay.txt").write_text(MARSHALL * 2, encoding="utf-8")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    result = CliRunner().invoke(main, ["index", "build", str(tmp_path / "a.simcheck"), str(folder)])
    assert result.exit_code == 0, result.output
    assert "added 1" in result.output and "unreadable 1" in result.output
    assert "old.doc: is a legacy Word .doc file" in result.output


@pytest.mark.parametrize("how", ["zip", "copy"])
def test_a_class_checked_against_its_own_archive_is_never_matched_with_itself(
    tmp_path: Path, how: str
) -> None:
    # Archived as a folder, checked again from a zip or from a copy of the folder: before,
    # every student came out at 100% against their own archived files.
    import shutil
    import zipfile

    from conftest import SHARED
    from simcheck.batch import compare_batch

    rng = random.Random(11)
    folder = tmp_path / "class"
    for number, student in enumerate(("Ann Lee", "Bob Roy", "Cy Dunn")):
        name = f"{student}_{41000 + number}_assignsubmission_file_"
        (folder / name).mkdir(parents=True)
        (folder / name / "essay.txt").write_text(
            own_words_essay(rng) + ("\n\n" + SHARED if number < 2 else ""), "utf-8"
        )
        (folder / name / "notes.txt").write_text(own_words_essay(rng), encoding="utf-8")
    Index.build(tmp_path / "archive.simcheck", [folder])[0].close()
    if how == "zip":
        again = tmp_path / "class.zip"
        with zipfile.ZipFile(again, "w") as archive:
            for path in sorted(folder.rglob("*.txt")):
                archive.write(path, path.relative_to(folder).as_posix())
    else:
        again = tmp_path / "copy"
        shutil.copytree(folder, again)
    alone = compare_batch(again, None)
    batch = compare_batch(again, tmp_path / "archive.simcheck")
    students = batch.students
    for source in batch.result.sources:
        if source.source not in students:  # an archived file: never the student's own
            assert f"{students[source.submission]}_" not in source.source
    # Nor a classmate's archived copy of what they hand in again: Ann and Bob are compared
    # directly, as one group, with the same top sources as without the archive (before,
    # each was matched with the other's archived copy and the group was lost).
    assert batch.documents_frame().equals(alone.documents_frame())
    assert [s.source for s in batch.result.sources] == [s.source for s in alone.result.sources]
    # The archive still serves the next class: a student of another name who hands in
    # Bob's archived essay is matched with it.
    later = tmp_path / "later"
    (later / "Dee Fox_42000_assignsubmission_file_").mkdir(parents=True)
    bob = next(folder.glob("Bob Roy_*")) / "essay.txt"
    shutil.copy(bob, later / "Dee Fox_42000_assignsubmission_file_" / "essay.txt")
    (later / "Eve Hall_42001_assignsubmission_file_essay.txt").write_text(own_words_essay(rng), "utf-8")
    next_class = compare_batch(later, tmp_path / "archive.simcheck")
    assert [(next_class.students[d.path], d.similarity) for d in next_class.result.documents] == [
        ("Dee Fox", 100.0),
        ("Eve Hall", 0.0),
    ]


def _moodle_zip(path: Path) -> dict[str, str]:
    """A Moodle export as a zip: a file per student, one handed in inside a zip of their
    own, and an old Word file; returns the essays by member name as batch names them."""
    rng = random.Random(9)
    essays = {
        "Ada Lovelace_111_assignsubmission_file_essay.txt": random_essay(rng) + "\n\n" + MARSHALL,
        "Bob Smith_222_assignsubmission_file_essay.txt": random_essay(rng) + "\n\n" + MARSHALL,
    }
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("essay.txt", random_essay(rng))
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in essays.items():
            archive.writestr(name, text)
        archive.writestr("Cy Young_333_assignsubmission_file_work.zip", inner.getvalue())
        archive.writestr("Di Prince_444_assignsubmission_file_old.doc", b"\xd0\xcf\x11\xe0 legacy word")
    return essays


@pytest.mark.parametrize("command", ["add", "build"])
def test_index_reads_an_lms_zip_as_batch_does(tmp_path: Path, command: str) -> None:
    from simcheck.batch import compare_batch, load_submissions

    export = tmp_path / "exports" / "class.zip"
    _moodle_zip(export)
    index = tmp_path / "archive.simcheck"
    if command == "add":
        Index.create(index).close()
    result = CliRunner().invoke(main, ["index", command, str(index), str(export)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("added 3, replaced 0, unchanged 0, unreadable 1")
    old = "exports/class.zip/Di Prince_444_assignsubmission_file_old.doc"
    assert f"skipped {old}: is a legacy" in result.output
    documents, _ = load_submissions(export)
    with Index(index) as opened:
        assert sorted(opened.doc_ids()) == sorted(f"exports/class.zip/{d.doc_id}" for d in documents)
    # The class checked against the archive that holds it: nobody matches their own copy.
    alone = compare_batch(export)
    archived = compare_batch(export, index)
    assert [d.similarity for d in archived.result.documents] == [d.similarity for d in alone.result.documents]
    assert all(not s.source.endswith(s.submission) for s in archived.result.sources)


def test_a_command_that_read_nothing_exits_1_with_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "a.doc").write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    (tmp_path / "damaged.zip").write_bytes(b"PK\x03\x04 not really a zip")
    index = tmp_path / "archive.simcheck"
    built = runner.invoke(main, ["index", "build", str(index), str(folder)])
    assert built.exit_code == 1
    assert built.output.splitlines()[-1] == f"Error: {index}: nothing indexed (1 unreadable)"
    assert not index.exists() and list(tmp_path.glob(".archive.simcheck*")) == []
    Index.create(index).close()
    for sources in ([folder], [tmp_path / "damaged.zip"]):
        added = runner.invoke(main, ["index", "add", str(index), *map(str, sources)])
        assert added.exit_code == 1, added.output
        assert added.output.splitlines()[-1] == f"Error: {index}: nothing indexed (1 unreadable)"
    batch = runner.invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert batch.exit_code == 1 and batch.output.startswith(f"Error: {folder}: no readable submissions")


def test_a_class_named_from_a_class_list_is_still_never_matched_with_its_archived_files(
    tmp_path: Path,
) -> None:
    # The archive knows Canvas students by their login names (leebo); a class list names
    # them Bo Lee in the reports. Before, the two names did not meet and every student was
    # matched with their own archived essay.
    from simcheck.batch import compare_batch

    rng = random.Random(12)
    folder = tmp_path / "class"
    folder.mkdir()
    for login, number in (("leebo", "12345"), ("parkann", "12346")):
        (folder / f"{login}_{number}_700{number[-1]}_essay.txt").write_text(own_words_essay(rng), "utf-8")
        (folder / f"{login}_{number}_700{number[-1]}_notes.txt").write_text(own_words_essay(rng), "utf-8")
    Index.build(tmp_path / "archive.simcheck", [folder])[0].close()
    names = {"12345": "Bo Lee", "12346": "Ann Park"}
    # Checked from a copy, with the notes rewritten: only the student's name ties them.
    again = tmp_path / "again"
    again.mkdir()
    for path in folder.glob("*_essay.txt"):
        (again / path.name).write_text(path.read_text("utf-8"), "utf-8")
    for path in folder.glob("*_notes.txt"):
        (again / path.name).write_text(path.read_text("utf-8") + " Revised.", "utf-8")
    batch = compare_batch(again, tmp_path / "archive.simcheck", class_list=names)
    assert set(batch.students.values()) == {"Bo Lee", "Ann Park"}
    alone = compare_batch(again, None, class_list=names)
    assert [s.source for s in batch.result.sources] == [s.source for s in alone.result.sources]
    assert [d.similarity for d in batch.result.documents] == [d.similarity for d in alone.result.documents]


def _class_with_notes(folder: Path, rng: random.Random) -> None:
    """Three Moodle students; Ann's notes repeat half her essay (her own words twice, as
    Uma Krishnan's in the demo), and Ann and Bob share a paragraph."""
    from conftest import SHARED

    for number, student in enumerate(("Ann Lee", "Bob Roy", "Cy Dunn")):
        essay = random_essay(rng) + ("\n\n" + SHARED if number < 2 else "")
        name = f"{student}_{41000 + number}_assignsubmission_file_"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}essay.txt").write_text(essay, encoding="utf-8")
        notes = essay[: len(essay) // 2] if number == 0 else random_essay(rng)
        (folder / f"{name}notes.txt").write_text(notes, encoding="utf-8")


@pytest.mark.parametrize("layout", ["zip beside sources", "term folders", "folder corpus", "saved again"])
def test_a_class_in_an_archive_of_many_sources_is_never_matched_with_itself(
    tmp_path: Path, layout: str
) -> None:
    # Before, the archive read its students as if it held one class alone: with the
    # sources beside it, or the class below a folder per term, every archived file
    # belonged to "class.zip" or "2026", and Ann was at 100% against her own essay.
    # A class saved again with other line ends lost its groups to the archived copies.
    from simcheck.batch import compare_batch

    rng = random.Random(13)
    root = tmp_path / "archive"
    sources = root / "sources"
    sources.mkdir(parents=True)
    (sources / "plan.txt").write_text(MARSHALL, encoding="utf-8")
    klass = root / "2026" / "essay3" if layout == "term folders" else root / "essay3"
    _class_with_notes(klass, rng)
    again = klass
    if layout == "zip beside sources":
        again = root / "essay3.zip"
        with zipfile.ZipFile(again, "w") as archive:
            for path in sorted(klass.iterdir()):
                archive.write(path, path.name)
    if layout == "saved again":
        again = tmp_path / "resaved"
        again.mkdir()
        for path in klass.iterdir():
            (again / path.name).write_bytes(path.read_bytes().replace(b"\n", b"\r\n") + b"\r\n")
    if layout == "folder corpus":
        corpus: Path = root
    else:
        corpus = tmp_path / "archive.simcheck"
        added = [
            sources,
            again if layout == "zip beside sources" else root / ("2026" if "term" in layout else "essay3"),
        ]
        Index.build(corpus, added)[0].close()
    alone = compare_batch(again, sources)
    batch = compare_batch(again, corpus)
    assert batch.documents_frame().equals(alone.documents_frame())
    assert batch.groups == alone.groups and batch.groups["Ann Lee"] == batch.groups["Bob Roy"]


def test_remove_by_folder_takes_files_gone_since_and_a_file_named_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, a folder's documents were looked for by the files in it now (renamed and
    # deleted ones stayed), and naming the folder and one of its files failed.
    rng = random.Random(14)
    monkeypatch.chdir(tmp_path)
    for student in ("Ada", "Bob", "Cat"):
        (tmp_path / "class" / student).mkdir(parents=True)
        (tmp_path / "class" / student / "essay.txt").write_text(random_essay(rng), encoding="utf-8")
    index, _ = Index.build(tmp_path / "x.simcheck", [Path("class")])
    with index:
        (tmp_path / "class" / "Ada" / "essay.txt").rename(tmp_path / "class" / "Ada" / "final.txt")
        (tmp_path / "class" / "Bob" / "essay.txt").unlink()
        removed = index.remove(["class", "class/Cat/essay.txt"])
        assert removed == ["class/Ada/essay.txt", "class/Bob/essay.txt", "class/Cat/essay.txt"]
        assert len(index) == 0


def test_remove_refuses_a_number_that_is_also_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(15)
    monkeypatch.chdir(tmp_path)
    for term in ("2", "1"):
        (tmp_path / term).mkdir()
        (tmp_path / term / "essay.txt").write_text(random_essay(rng), encoding="utf-8")
    index, _ = Index.build(tmp_path / "x.simcheck", [Path("2"), Path("1")])
    with index:
        with pytest.raises(CorpusError, match="'1' is both a document id and a file or folder"):
            index.remove(["1"])
        assert index.remove(["./1"]) == ["1/essay.txt"]
        assert index.doc_ids() == ["2/essay.txt"]


def test_the_index_finds_the_windows_a_folder_finds(built: Path) -> None:
    # Every essay of the corpus as a query: the index's window route (stored word
    # postings, read by key, then compared window by window) gives what the folder's does.
    from simcheck import Corpus

    folder = Corpus.from_folder(COLDWAR)

    def windows(candidates: list[Candidate], own: str) -> dict[str, int]:
        named = {Path(c.doc_id).name: c.window_terms for c in candidates if c.window_terms}
        named.pop(own, None)
        return named

    compared = 0
    with Index(built) as index:
        for key, document in enumerate(folder.documents):
            query, own = folder.tokens(key), Path(document.doc_id).name
            from_folder = windows(folder.candidates(query, folder.config), own)
            assert windows(index.candidates(query, index.config), own) == from_folder, own
            compared += len(from_folder)
    assert compared > 0


@given(
    st.lists(
        st.tuples(st.integers(0, 2**40), st.integers(0, 2**20)).map(sorted), min_size=0, max_size=40
    ).map(lambda pairs: (np.cumsum([a for a, _ in pairs], dtype=np.int64), [b for _, b in pairs]))
)
def test_posting_lists_come_back_as_they_were_packed(lists: tuple[np.ndarray, list[int]]) -> None:
    # Gaps and counts of every size the encoder meets: one byte, several, and ids far
    # beyond any class.
    docs, counts = lists
    found_docs, found_counts = unpack(pack(docs, np.array(counts, dtype=np.int64)))
    assert found_docs.tolist() == docs.tolist()
    assert found_counts.tolist() == counts
    assert encode(np.array([0, 127, 128, 2**63])).tolist() == [0, 127, 128, 1] + [128] * 9 + [1]
