"""Defects found in review, each kept from coming back."""

from __future__ import annotations

import os
import pickle
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from simcheck import Corpus, Document
from simcheck.cli import main
from simcheck.errors import InputError
from simcheck.load import load_bytes, load_folder

ESSAY = (
    "The Marshall Plan sent American money to rebuild western Europe after the war, and "
    "Stalin forbade the countries of eastern Europe to take any of it. "
)


def test_rtf_emoji_and_lone_surrogates_load_as_whole_characters(tmp_path: Path) -> None:
    # striprtf turns each \uN escape into one UTF-16 unit: an emoji arrives as a pair.
    rtf = rb"{\rtf1 " + ESSAY.encode() + rb"Smile \u-10179?\u-8704? and lone \u-10240? end.}"
    document = load_bytes(rtf, "smile.rtf")
    assert "Smile \U0001f600 and lone \ufffd end." in document.text
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "smile.rtf").write_bytes(rtf)
    (folder / "other.txt").write_text(ESSAY * 2, encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "\U0001f600" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_a_corpus_pickles_without_its_lexicon_and_still_answers() -> None:
    corpus = Corpus([Document("a.txt", ESSAY * 3), Document("b.txt", "Khrushchev denounced Stalin in 1956.")])
    copy = pickle.loads(pickle.dumps(corpus))
    assert copy._lexicon is None
    assert copy.tokens(0).words == corpus.tokens(0).words
    assert [c.doc_id for c in copy.candidates(corpus.tokens(0), corpus.config)] == ["a.txt"]


def test_a_timeout_is_not_taken_for_damage_inside_a_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import simcheck.load.files as files  # the module whose load_bytes reads both

    def careful_but_endless(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
        give_up = time.monotonic() + 5  # so that a regression fails instead of hanging
        while time.monotonic() < give_up:
            try:
                time.sleep(0.01)
            except Exception:  # a parser's own catch-all must not swallow the timeout
                pass
        return "read after all", "utf-8"

    monkeypatch.setitem(files.READERS, ".pdf", careful_but_endless)
    monkeypatch.setattr(files, "MAX_READ_SECONDS", 0.2)
    with pytest.raises(InputError, match="took over 0.2 s to read"):
        load_bytes(b"%PDF-1.7", "hang.pdf")


def test_a_callers_own_timer_is_left_alone() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        load_bytes(ESSAY.encode(), "a.txt")
        time.sleep(0.6)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert fired == [signal.SIGALRM]


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_two_names_never_show_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w", encoding="utf-8") as handle:
        handle.write(ESSAY)
    (folder / "caf\\xe9.txt").write_text("Detente eased tension in the 1970s. " * 5, encoding="utf-8")
    documents, errors = load_folder(folder)
    assert not errors
    assert sorted(d.doc_id for d in documents) == ["caf\\x5cxe9.txt", "caf\\xe9.txt"]


def test_file_names_in_the_terminal_summary_are_not_markup(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "a.txt").write_text(ESSAY * 2, encoding="utf-8")
    (folder / "z.[bold]").write_text("hello", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "[bold]" in result.output.replace("\n", "").replace(" ", "").replace("│", "")


def test_index_build_lists_files_it_does_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "essay.txt").write_text(ESSAY * 2, encoding="utf-8")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 legacy word")
    result = CliRunner().invoke(main, ["index", "build", str(tmp_path / "a.simcheck"), str(folder)])
    assert result.exit_code == 0, result.output
    assert "added 1" in result.output and "unreadable 1" in result.output
    assert "old.doc: is a legacy Word .doc file" in result.output


def test_a_weak_sentence_seed_left_over_from_a_trim_makes_no_passage() -> None:
    # The copied paragraph P appears twice in the source; the better copy claims the
    # essay's P, and the other group keeps only a loosely similar sentence pair (a weak
    # seed), which once made a "summary" spanning the whole source.
    from simcheck import align_passages

    story = (
        "Quentin Tarantino directed several violent crime films during the nineties, including "
        "Pulp Fiction and Jackie Brown, which critics praised for their dialogue and nonlinear structure. "
    )
    copied = (
        "The Berlin airlift supplied the western sectors of the city by air for almost eleven months "
        "after the Soviet blockade closed every road and railway. "
    )
    filler = (
        "Glaciers carve deep valleys into mountain ranges over thousands of years, leaving "
        "moraines and lakes behind them when the climate warms again. "
    )
    essay = (
        story + copied + "Farmers across the valley planted barley, wheat and oats during a dry spring "
        "season. Nothing else here relates at all to anything in the other text whatsoever."
    )
    source = (
        story
        + copied
        + "Octopuses can change colour in milliseconds using specialised pigment cells in their skin. "
        + filler * 4
        + copied
        + "During that spring the farmers sowed oats and barley in fields near the river. "
        + "Completely unrelated closing words about chess openings."
    )
    passages = align_passages(essay, source)
    assert [(p.kind, p.a_start, p.b_start) for p in passages] == [("verbatim", 0, 0)]
    assert passages[0].b_end == len(story + copied) - 1


def test_a_pasted_paragraph_stops_at_its_end_when_both_next_ones_open_with_the() -> None:
    from simcheck import align_passages

    paragraph = (
        "Khrushchev decided to place medium-range missiles in Cuba in the spring of 1962. "
        "The weapons would protect the island and close the gap in long-range forces at the same "
        "time. The secret operation to ship them across the Atlantic was code-named Anadyr."
    )
    source = "Background first.\n\n" + paragraph + "\n\nThe secret did not last. Photographs showed it."
    essay = "My essay opens here.\n\n" + paragraph + "\n\nThe crisis lasted thirteen days in October."
    (passage,) = align_passages(essay, source)
    assert passage.kind == "verbatim"
    assert essay[passage.a_start : passage.a_end] == paragraph
    assert source[passage.b_start : passage.b_end] == paragraph
