"""All counting (simcheck.score): percentages, identical runs, explained and recounted
matches, settling a result; a class's pairs, groups and common passages."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simcheck.common_text import CommonText, common_passages
from simcheck.models import Document, Excluded, Kind, Match, SourceResult
from simcheck.score import (
    PAIR_COLUMNS,
    Copies,
    WordRuns,
    explained,
    groups,
    identical_runs,
    recounted,
    settle,
    similarity_percent,
    student_pairs,
)
from simcheck.tables import Table
from simcheck.tokens import Tokens

TEN = "one two three four five six seven eight nine ten"
SUBMISSION = "So the Berlin Wall fell in November 1989, to general surprise."
SOURCE = "The Berlin Wall fell in November 1989 after weeks of protest."
# A submission of 20 words; its first ten are copied, and the words 3 to 6 are also
# paraphrased from a second source.
ESSAY = (
    "Containment shaped American policy for decades after Kennan sent his long telegram from Moscow. "
    "My view is that it worked."
)
HANDOUT = (
    "Containment meant that the United States would resist Soviet expansion wherever it appeared, "
    "using economic aid, alliances and military force."
)
STOCK = "The Cold War was a period of geopolitical tension between the two superpowers."
STUDENTS = {"ann.txt": "Ann", "bob.txt": "Bob", "cy.txt": "Cy", "di.txt": "Di"}
#: Characters of each student's essay: long beside the handout they share.
ESSAYS = dict.fromkeys(STUDENTS, 1000)


def _match(
    source: str,
    start: int,
    end: int,
    kind: Kind = Kind.VERBATIM,
    excluded: Excluded = Excluded.COUNTED,
    *,
    submission: str = "essay",
    text: str = "",
) -> Match:
    return Match(submission, source, start, end, 0, end - start, text, text, 10, 0.5, kind, excluded)


def _source(
    submission: str, source: str, similarity: float = 0.0, words: int = 0, passages: int = 0
) -> SourceResult:
    return SourceResult(
        submission=submission,
        source=source,
        similarity=similarity,
        words=words,
        passages=passages,
        tfidf_cosine=0.5,
        jaccard_estimate=0.1,
    )


def _words(text: str, first: int, last: int) -> tuple[int, int]:
    """The character span of words ``first`` to ``last`` (end exclusive) of ``text``."""
    tokens = Tokens(text)
    return int(tokens.starts[first]), int(tokens.ends[last - 1])


def test_similarity_percent_counts_overlapping_spans_once() -> None:
    tokens = Tokens(TEN)
    one_to_three, two_to_four = _words(TEN, 0, 3), _words(TEN, 1, 4)
    assert similarity_percent(tokens, [one_to_three]) == 30.0
    assert similarity_percent(tokens, [one_to_three, two_to_four]) == 40.0  # not 60
    assert similarity_percent(tokens, [one_to_three, one_to_three]) == 30.0
    assert similarity_percent(tokens, [(0, len(TEN))]) == 100.0
    assert similarity_percent(tokens, []) == 0.0
    assert similarity_percent(Tokens(""), [(0, 5)]) == 0.0


def test_identical_runs_are_the_words_left_in_order() -> None:
    submission, source = Tokens(SUBMISSION), Tokens(SOURCE)
    whole_a, whole_b = (0, len(SUBMISSION)), (0, len(SOURCE))
    spans, words = identical_runs(submission, whole_a, WordRuns(source, 5), whole_b)
    assert [SUBMISSION[s:e] for s, e in spans] == ["the Berlin Wall fell in November 1989"]
    assert words == 7
    # Only the stretch of the passage on each side counts.
    spans, words = identical_runs(submission, (0, SUBMISSION.index(" 1989")), WordRuns(source, 5), whole_b)
    assert [SUBMISSION[s:e] for s, e in spans] == ["the Berlin Wall fell in November"] and words == 6
    assert identical_runs(submission, whole_a, WordRuns(source, 5), (0, SOURCE.index(" fell"))) == ((), 0)
    # The same words in another order are no run; case and accents aside they are.
    backwards = Tokens("1989 November in fell Wall Berlin the")
    assert identical_runs(submission, whole_a, WordRuns(backwards, 3), (0, len(backwards.text))) == ((), 0)
    shouted = Tokens("THE BERLÍN WALL FELL IN NOVEMBER 1989")
    assert identical_runs(submission, whole_a, WordRuns(shouted, 5), (0, len(shouted.text)))[1] == 7
    # Runs shorter than the run length are not word for word.
    assert identical_runs(submission, whole_a, WordRuns(source, 8), whole_b) == ((), 0)


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


def test_what_explains_a_loose_match_and_what_does_not() -> None:
    edited = _match("a.txt", 0, 500, Kind.EDITED)
    summary = _match("b.txt", 0, 500, Kind.SUMMARY)
    verbatim_inside = _match("b.txt", 100, 200, Kind.VERBATIM)
    assert explained(summary, [edited, summary])  # an edited copy explains a summary too
    assert not explained(verbatim_inside, [edited, verbatim_inside])  # a copy is never explained
    # A copy that does not count explains nothing that does, nor a copy of another submission.
    cited = _match("a.txt", 0, 500, Kind.VERBATIM, Excluded.CITED_QUOTATION)
    paraphrase = _match("b.txt", 100, 200, Kind.PARAPHRASE)
    assert not explained(paraphrase, [cited, paraphrase])
    assert explained(replace(paraphrase, excluded=Excluded.CITED_QUOTATION), [cited])
    assert not explained(paraphrase, [replace(edited, submission="other"), paraphrase])
    # Wholly inside: one character beyond the copy is not.
    assert not explained(_match("b.txt", 100, 501, Kind.PARAPHRASE), [edited])


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.txt", "b.txt", "c.txt"]),
            st.integers(0, 40),
            st.integers(0, 40),
            st.sampled_from(list(Kind)),
            st.sampled_from([Excluded.COUNTED, Excluded.CITED_QUOTATION]),
            st.sampled_from(["essay", "other"]),
        ),
        max_size=12,
    )
)
def test_copies_explain_exactly_what_explained_does(
    rows: list[tuple[str, int, int, Kind, Excluded, str]],
) -> None:
    matches = [
        _match(source, start, start + length, kind, excluded, submission=submission)
        for source, start, length, kind, excluded, submission in rows
    ]
    copies = Copies(matches)
    assert [copies.explain(m) for m in matches] == [explained(m, matches) for m in matches]


def test_recounted_sources_count_only_what_counts() -> None:
    tokens = Tokens(TEN)
    matches = [
        _match("a.txt", *_words(TEN, 0, 3)),
        _match("a.txt", *_words(TEN, 5, 10), excluded=Excluded.CITED_QUOTATION),
        _match("b.txt", *_words(TEN, 0, 4), excluded=Excluded.REFERENCE_LIST),
    ]
    sources = [_source("essay", name, 99.0, 99, 9) for name in ("a.txt", "b.txt", "c.txt")]
    a, b = recounted(sources, tokens, matches)  # c.txt has no match left: dropped
    assert (a.source, a.similarity, a.words, a.passages) == ("a.txt", 30.0, 3, 1)
    assert (b.source, b.similarity, b.words, b.passages) == ("b.txt", 0.0, 0, 0)
    assert (a.tfidf_cosine, a.jaccard_estimate) == (0.5, 0.1)  # the rest is kept


def test_settle_drops_explained_matches_and_recounts() -> None:
    document, tokens = Document("essay", ESSAY), Tokens(ESSAY)
    copy = _match("a.txt", *_words(ESSAY, 0, 10))
    loose = _match("b.txt", *_words(ESSAY, 3, 6), Kind.PARAPHRASE)
    found = ([copy, loose], [_source("essay", "a.txt"), _source("essay", "b.txt")])
    summary, matches, sources = settle(document, tokens, [found])
    assert matches == [copy]
    assert [(s.source, s.similarity, s.words, s.passages) for s in sources] == [("a.txt", 50.0, 10, 1)]
    assert (summary.path, summary.words, summary.similarity) == ("essay", 20, 50.0)


def test_settle_across_checks_and_with_a_mark() -> None:
    document, tokens = Document("essay", ESSAY), Tokens(ESSAY)
    # A classmate and a corpus file both named x.txt: each check's source is recounted
    # from that check's own matches. The corpus's paraphrase inside the classmate's copy
    # is explained by it, across the two checks.
    classmate = _match("x.txt", *_words(ESSAY, 0, 10))
    corpus_copy = _match("x.txt", *_words(ESSAY, 12, 16))
    corpus_loose = _match("y.txt", *_words(ESSAY, 2, 8), Kind.PARAPHRASE)
    found = [
        ([classmate], [_source("essay", "x.txt")]),
        ([corpus_copy, corpus_loose], [_source("essay", "x.txt"), _source("essay", "y.txt")]),
    ]
    summary, matches, sources = settle(document, tokens, found)
    assert matches == [classmate, corpus_copy]
    assert [(s.source, s.similarity, s.passages) for s in sources] == [("x.txt", 50.0, 1), ("x.txt", 20.0, 1)]
    assert summary.similarity == 70.0

    seen: list[list[Match]] = []

    def common(marked: list[Match]) -> list[Match]:
        seen.append(marked)
        return [replace(m, excluded=Excluded.COMMON_TEXT) if m is classmate else m for m in marked]

    summary, matches, sources = settle(document, tokens, found, mark=common)
    assert seen == [[classmate, corpus_copy]]  # explained matches are gone before marking
    assert matches == [replace(classmate, excluded=Excluded.COMMON_TEXT), corpus_copy]
    assert [(s.source, s.similarity, s.passages) for s in sources] == [("x.txt", 0.0, 0), ("x.txt", 20.0, 1)]
    assert summary.similarity == 20.0


def test_student_pairs_combine_both_directions_most_shared_first() -> None:
    sources = [
        _source("ann.txt", "bob.txt", 40.123, 50, 2),
        _source("bob.txt", "ann.txt", 60.0, 55, 1),
        _source("cy.txt", "ann.txt", 80.0, 30, 1),
        _source("di.txt", "cy.txt", 45.0, 20, 1),
        _source("cy.txt", "di.txt", 80.0, 25, 1),
        _source("cy.txt", "wiki.txt", 90.0, 40, 3),  # a corpus file: no pair
        _source("bob.txt", "cy.txt", 70.0, 0, 0),  # only text that does not count
    ]
    frame = student_pairs(sources, STUDENTS).to_frame()
    assert list(frame.columns) == list(PAIR_COLUMNS)
    assert [tuple(row) for row in frame.itertuples(index=False)] == [
        ("Ann", "Cy", 0.0, 80.0, 30, 1),
        ("Cy", "Di", 80.0, 45.0, 25, 1),  # as far as Ann and Cy: by name
        ("Ann", "Bob", 40.12, 60.0, 55, 2),  # the larger words and passages of the two
    ]
    empty = student_pairs(sources[-2:], STUDENTS).to_frame()
    assert empty.empty and list(empty.columns) == list(PAIR_COLUMNS)


def test_a_students_files_are_one_side_of_a_pair() -> None:
    students = {"ann/essay.txt": "Ann", "ann/notes.txt": "Ann", "bob/essay.txt": "Bob"}
    sources = [
        _source("ann/essay.txt", "bob/essay.txt", 30.0, 20, 1),
        _source("ann/notes.txt", "bob/essay.txt", 55.0, 10, 1),
        _source("bob/essay.txt", "ann/notes.txt", 25.0, 12, 2),
    ]
    frame = student_pairs(sources, students).to_frame()
    assert [tuple(row) for row in frame.itertuples(index=False)] == [("Ann", "Bob", 55.0, 25.0, 20, 2)]


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([], {}),
        ([("bob", "ann")], {"ann": 1, "bob": 1}),
        # Numbered by each group's first member, whatever order the pairs came in.
        ([("yan", "xia"), ("cal", "bea")], {"bea": 1, "cal": 1, "xia": 2, "yan": 2}),
        (
            [("zed", "amy"), ("dan", "bob"), ("bob", "cat")],
            {"amy": 1, "zed": 1, "bob": 2, "cat": 2, "dan": 2},
        ),
        # Linked through a third student: one group.
        ([("eve", "fay"), ("abe", "gus"), ("gus", "fay")], {"abe": 1, "eve": 1, "fay": 1, "gus": 1}),
    ],
)
def test_groups_are_numbered_by_their_first_member(
    pairs: list[tuple[str, str]], expected: dict[str, int]
) -> None:
    assert groups(pairs) == expected


def _class_matches() -> list[Match]:
    """The handout in Ann's, Bob's and Cy's essays; the stock sentence in Di's and Ann's,
    and quoted with a citation in Cy's."""
    handout_longer = HANDOUT + " It began in 1947."
    return [
        _match("bob.txt", 100, 200, submission="ann.txt", text=HANDOUT),
        _match("cy.txt", 100, 200, submission="ann.txt", text=HANDOUT),
        _match("wiki.txt", 100, 200, submission="ann.txt", text=HANDOUT),  # the corpus: no student
        _match("ann.txt", 50, 170, submission="bob.txt", text=handout_longer),
        _match("cy.txt", 50, 150, submission="bob.txt", text=HANDOUT),
        _match("ann.txt", 0, 100, submission="cy.txt", text=HANDOUT),
        _match("ann.txt", 0, 40, submission="di.txt", text=STOCK),
        _match("cy.txt", 0, 40, Kind.VERBATIM, Excluded.CITED_QUOTATION, submission="di.txt", text=STOCK),
    ]


def test_common_text_is_text_enough_other_students_share() -> None:
    matches = _class_matches()
    marked = CommonText(STUDENTS, 2, ESSAYS).mark(matches)
    assert [m.excluded for m in marked] == [
        Excluded.COMMON_TEXT,
        Excluded.COMMON_TEXT,
        Excluded.COMMON_TEXT,  # the corpus's copy of it too: the text is common
        Excluded.COMMON_TEXT,
        Excluded.COMMON_TEXT,
        Excluded.COUNTED,  # Cy's essay shares it with Ann alone
        Excluded.COUNTED,  # a cited quotation does not make Di's sentence common
        Excluded.CITED_QUOTATION,
    ]
    assert [replace(m, excluded=Excluded.COUNTED) for m in marked] == [
        replace(m, excluded=Excluded.COUNTED) for m in matches
    ]
    assert CommonText(STUDENTS, 3, ESSAYS).mark(matches) == matches


def test_text_that_is_most_of_most_essays_holding_it_is_never_common() -> None:
    # Ann, Bob and Cy hand in one essay, the handout being most of each: they copied it,
    # however many they are.
    matches = _class_matches()
    whole = dict.fromkeys(STUDENTS, 200)
    assert CommonText(STUDENTS, 2, whole).mark(matches) == matches
    # Only Ann's is mostly the handout (she handed in little else): it stays common text,
    # for her too, and links no one.
    ann_alone = {**ESSAYS, "ann.txt": 200}
    marked = CommonText(STUDENTS, 2, ann_alone).mark(matches)
    assert marked == CommonText(STUDENTS, 2, ESSAYS).mark(matches)
    # Two of the three: most of them.
    two = {**ESSAYS, "ann.txt": 200, "bob.txt": 200}
    assert CommonText(STUDENTS, 2, two).mark(matches) == matches


def test_text_the_class_holds_more_widely_than_its_pairs_show_is_common() -> None:
    # Di's stock sentence is shared with Ann alone among the pairs aligned, but the class
    # holds it widely (retrieval passed over its phrases): common text.
    matches = _class_matches()
    stock = lambda m: m.submission_text == STOCK  # noqa: E731
    marked = CommonText(STUDENTS, 2, ESSAYS, stock).mark(matches)
    assert marked[6].excluded == Excluded.COMMON_TEXT
    assert marked[7].excluded == Excluded.CITED_QUOTATION  # already excluded: kept
    assert marked[:6] == CommonText(STUDENTS, 2, ESSAYS).mark(matches)[:6]
    # Unless it is most of both texts: Di and Ann handed in that sentence and little else.
    short = {**ESSAYS, "di.txt": 60, "ann.txt": 60}
    assert CommonText(STUDENTS, 2, short, stock).mark(matches)[6] == matches[6]
    # Most of Di's text but not of Ann's: a student who hands in only the prompt.
    di_only = {**ESSAYS, "di.txt": 60}
    assert CommonText(STUDENTS, 2, di_only, stock).mark(matches)[6] == marked[6]


def test_common_passages_count_the_students_holding_each_text() -> None:
    marked = [
        replace(m, excluded=Excluded.COMMON_TEXT) if m.excluded == Excluded.COUNTED else m
        for m in _class_matches()
    ]
    assert common_passages(marked, STUDENTS) == [
        # One row for the handout, in its longest wording; held by Ann, Bob and Cy (the
        # corpus's copy is no submission).
        {"text": HANDOUT + " It began in 1947.", "submissions": 3},
        # Di and Ann: Cy quotes it with a citation, which does not count.
        {"text": STOCK, "submissions": 2},
    ]
    assert common_passages(_class_matches(), STUDENTS) == []  # nothing marked, nothing common


def test_class_tables_are_written_as_pandas_writes_them() -> None:
    # The reports are written from plain rows; the same rows through pandas give the
    # same CSV text, missing values and whole numbers where some are missing included.
    rows = [
        {"student": 'Ann "A", B.', "words": 812, "group": None, "similarity": 12.5, "flag": True},
        {"student": "Bob\nnew line", "words": None, "group": 3, "similarity": None, "flag": False},
        {"student": "Cy", "words": 7, "group": 1, "similarity": 0.0, "flag": True},
    ]
    columns = ("student", "words", "group", "similarity", "flag")
    table = Table(columns, rows, {"words": "Int64", "group": "Int64"})
    assert table.to_csv() == table.to_frame().to_csv(index=False, lineterminator="\n")
    assert table.records() == json.loads(table.to_frame().to_json(orient="records", force_ascii=False))
