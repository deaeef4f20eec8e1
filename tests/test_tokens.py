from __future__ import annotations

import re

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import awkward_text
from simcheck.tokens import Tokens, normalise, word_count


def test_spans_point_into_unchanged_text() -> None:
    text = "Stalin’s death\r\nin 1953 — and cafe\u0301 talk 🙂 ended."
    tokens = Tokens(text)
    assert tokens.words == ["Stalin’s", "death", "in", "1953", "and", "cafe\u0301", "talk", "ended"]
    for word, start, end in zip(tokens.words, tokens.starts, tokens.ends):
        assert text[start:end] == word
    assert tokens.normal[0] == "stalin's"
    assert tokens.normal[5] == "cafe"
    assert tokens.stems[0] == "stalin"


def test_sentences_cover_words_in_order() -> None:
    text = "Context\nWhen Stalin died, tension was high. Khrushchev rose!\n\nThe Thaw followed"
    tokens = Tokens(text)
    spans = [text[s.start : s.end] for s in tokens.sentences]
    assert spans == [
        "Context",
        "When Stalin died, tension was high.",
        "Khrushchev rose!",
        "The Thaw followed",
    ]
    firsts = [s.first for s in tokens.sentences]
    assert firsts == sorted(firsts)
    assert tokens.sentences[-1].last == len(tokens)


def test_long_wrapped_lines_do_not_split_sentences() -> None:
    line = "word " * 15
    text = f"{line}\n{line}end."
    assert len(Tokens(text).sentences) == 1


@given(st.text())
def test_normalise_is_idempotent(word: str) -> None:
    assert normalise(normalise(word)) == normalise(word)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_token_spans_always_slice_to_the_word(text: str) -> None:
    tokens = Tokens(text)
    assert len(tokens) == word_count(text)
    for word, start, end in zip(tokens.words, tokens.starts.tolist(), tokens.ends.tolist()):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == word
    for sentence in tokens.sentences:
        assert 0 <= sentence.start < sentence.end <= len(text)


@given(st.text(alphabet="ab7 '’-.\n\r\t", max_size=80))
def test_ascii_fast_spans_equal_the_regex_spans(body: str) -> None:
    from simcheck.tokens import WORD_RE

    text = body.replace("’", "'")  # ASCII only: the fast path
    tokens = Tokens(text)
    expected = [m.span() for m in WORD_RE.finditer(text)]
    assert list(zip(tokens.starts.tolist(), tokens.ends.tolist())) == expected
    assert len(tokens.term_ids) == len(expected)
    assert tokens.stems == [Tokens(w).stems[0] for w in tokens.words]


@given(
    st.text(alphabet="aé7 '’-.\n\u0301\u00b2\u2163_\U0001d400\ud800", max_size=80)
    | st.text(alphabet=st.characters(), max_size=80)
)
@example("Ça m’a dit: ‘Stalin’s’ 1961’")
@example("x\u0301y’z")  # a combining mark: the pattern's path
def test_array_spans_equal_the_pattern_spans(text: str) -> None:
    # Text beyond ASCII is split on the array of its characters, with a table for the
    # Basic Multilingual Plane (combining marks count as word characters) and a test of
    # each character beyond it.
    from simcheck.tokens import word_pattern

    tokens = Tokens(text)
    expected = [m.span() for m in word_pattern(text).finditer(text)]
    assert list(zip(tokens.starts.tolist(), tokens.ends.tolist())) == expected


@given(st.lists(st.text(alphabet="aBé7'’ \u0301\U0001d400", max_size=60), max_size=6))
@example(["Disproportionately telecommunications ééééééééé", "Stalin’s STALIN stalin"])
def test_the_lexicon_looks_up_each_spelling_as_itself(texts: list[str]) -> None:
    # Spellings the lexicon has seen are looked up in a table as numbers made of their
    # bytes; every other spelling (new, or of more than 16 bytes) through a dict.
    from simcheck.tokens import WORD_RE, Lexicon, stem

    lexicon = Lexicon()
    # Enough new spellings that each call after these makes the table again, so the
    # texts' own spellings are in it the second time round.
    lexicon.term_ids(" ".join(f"seen{n}" for n in range(300)) + " " + " ".join(texts))
    lexicon.term_ids(" ".join(f"more{n}" for n in range(300)))
    for text in texts + texts:
        stems = [lexicon.stems[term] for term in lexicon.term_ids(text).tolist()]
        assert stems == [stem(normalise(word)) for word in WORD_RE.findall(text)]


@given(awkward_text)
def test_token_spans_are_exact(text: str) -> None:
    tokens = Tokens(text)
    for word, start, end in zip(tokens.words, tokens.starts.tolist(), tokens.ends.tolist()):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == word
    assert np.all(np.diff(tokens.starts) > 0)
    assert np.all(tokens.starts[1:] >= tokens.ends[:-1])


def test_the_stop_words_are_scikit_learns_read_without_importing_it() -> None:
    import subprocess
    import sys

    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from simcheck.tokens.words import english_stop_words

    assert english_stop_words() == ENGLISH_STOP_WORDS
    code = (
        "import sys; from simcheck.tokens import Tokens; "
        "Tokens('The Thaw began.').stems; print('sklearn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_paragraphs_and_sentences_read_windows_line_ends_as_unix_ones() -> None:
    unix = "Containment began in 1947.\nKennan wrote the telegram.\n\nThe airlift followed.\nIn 1948"
    unix_tokens, windows_tokens = Tokens(unix), Tokens(unix.replace("\n", "\r\n"))
    assert unix_tokens.paragraph_of.tolist() == [0] * 4 + [1] * 4 + [2] * 3 + [3] * 2
    assert windows_tokens.paragraph_of.tolist() == unix_tokens.paragraph_of.tolist()

    def bounds(tokens: Tokens) -> list[tuple[int, int]]:
        return [(s.first, s.last) for s in tokens.sentences]

    assert bounds(windows_tokens) == bounds(unix_tokens)


def _sentence_ends(text: str) -> list[int]:
    """Where sentences end, by the rule stated plainly: after a run of . ! ? … (and any
    closing quotes or brackets) that whitespace follows, or after a blank line."""
    ends = []
    for at, char in enumerate(text):
        if char in ".!?…" and (at == 0 or text[at - 1] not in ".!?…"):
            end = at
            while end < len(text) and text[end] in ".!?…":
                end += 1
            while end < len(text) and text[end] in "\"'”’)]":
                end += 1
            if end < len(text) and text[end].isspace():
                ends.append(end)
    return ends


@given(st.text(alphabet=st.sampled_from(list("ab .!?…\"'”’)]\t\r")), max_size=80))
def test_sentences_end_where_the_plain_rule_says(text: str) -> None:
    # One line (line breaks add ends of their own): a sentence starts at the first word
    # after each end, and nowhere else.
    tokens = Tokens(text)
    words = tokens.starts.tolist()
    ends = [end for end in _sentence_ends(text) if words and words[0] < end <= words[-1]]
    expected = {next(w for w in words if w >= end) for end in ends}
    assert [s.start for s in tokens.sentences][1:] == sorted(expected)


# The paragraph rule as patterns: a line break (spaces, tabs and a carriage return before
# it belonging to it, no blank line after it) after a sentence's closing punctuation, and
# one after a word.
AFTER_SENTENCE = re.compile(r"(?<=[.!?…\"'”’)\]])[ \t]*\r?\n(?![ \t\r]*\n)")
MID_SENTENCE = re.compile(r"(?<![.!?…\"'”’)\]\s])[ \t]*\r?\n(?![ \t\r]*\n)")


@given(st.text(alphabet=st.sampled_from(list("ab .!?\"')\n\t\r\u00a0")), max_size=60))
def test_paragraphs_break_where_the_patterns_say(text: str) -> None:
    expected = Tokens(text).paragraph_of
    breaks = [m.end() for m in re.finditer(r"\n[ \t\r]*\n", text)]
    after = [m.end() for m in AFTER_SENTENCE.finditer(text)]
    if len(after) >= sum(1 for _ in MID_SENTENCE.finditer(text)):
        breaks = sorted(breaks + after)
    starts = Tokens(text).starts
    assert (
        expected.tolist() == np.searchsorted(np.array(breaks, dtype=np.int64), starts, side="right").tolist()
    )


# The sentence rule as patterns: an end of sentence, a blank line, a line of at most 60
# characters (a heading, a title).
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n[ \t\r]*\n")
SHORT_LINE = re.compile(r"^[^\n]{1,60}$", re.MULTILINE)


@given(
    st.lists(
        st.sampled_from(
            ["Cold", "war", ". ", "? ", "\n", "\n\n", " ", "\r\n", "x" * 25, "y" * 60, '."', "\t"]
        ),
        max_size=30,
    ).map("".join)
)
@example("y" * 60 + "\nCold war")  # a line of exactly 60 characters is short
def test_sentences_are_cut_where_the_patterns_say(text: str) -> None:
    tokens = Tokens(text)
    cuts = sorted(
        {0, len(text)}
        | {m.end() for m in SENTENCE_END.finditer(text)}
        | {m.end() for m in SHORT_LINE.finditer(text)}
    )
    words = tokens.starts.tolist()
    expected = []
    for lo, hi in zip(cuts, cuts[1:]):
        inside = [i for i, w in enumerate(words) if lo <= w < hi]
        if inside:
            expected.append((inside[0], inside[-1] + 1))
    assert [(s.first, s.last) for s in tokens.sentences] == expected
