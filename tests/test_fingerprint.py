from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import english
from simcheck import CheckConfig, Corpus, Document
from simcheck.align import phrase_in_context
from simcheck.fingerprint import (
    distinct,
    fingerprints,
    jaccard,
    shingle_hashes,
    winnow,
    word_hash,
    word_hashes,
)
from simcheck.tokens import Tokens

WORDS = st.lists(st.sampled_from("the iron curtain fell over europe in 1946 and stayed".split()), max_size=60)


def test_word_hash_is_stable_across_processes() -> None:
    # Python's hash() is salted per process; ours must not be.
    code = "from simcheck.fingerprint import word_hash; print(word_hash('containment'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == word_hash("containment") == 0xC3E26145DB0D0533


@given(WORDS, st.integers(min_value=1, max_value=8))
def test_shingle_count_is_n_minus_k_plus_one(words: list[str], size: int) -> None:
    assert shingle_hashes(word_hashes(words), size).shape[0] == max(0, len(words) - size + 1)


@given(WORDS, st.integers(min_value=1, max_value=5))
def test_equal_shingles_hash_equal(words: list[str], size: int) -> None:
    hashes = shingle_hashes(word_hashes(words), size)
    for i in range(len(hashes)):
        for j in range(len(hashes)):
            if words[i : i + size] == words[j : j + size]:
                assert hashes[i] == hashes[j]


@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=1, max_size=80), st.integers(1, 6))
def test_winnowing_keeps_exactly_the_window_minima(values: list[int], window: int) -> None:
    hashes = np.array(values, dtype=np.uint64)
    windows = range(max(1, len(values) - window + 1))
    expected = sorted({int(hashes[start : start + window].min()) for start in windows})
    assert winnow(hashes, window).tolist() == expected


def test_shared_run_guarantees_a_shared_fingerprint() -> None:
    shared = "the long telegram argued that soviet pressure could be contained".split()
    a = "kennan wrote from moscow in 1946 and".split() + shared + "so began containment".split()
    b = "a different opening".split() + shared + "with other words after it".split()
    common = np.intersect1d(fingerprints(word_hashes(a), 5, 4), fingerprints(word_hashes(b), 5, 4))
    assert common.shape[0] >= 1


def test_jaccard_of_fingerprint_sets() -> None:
    a = shingle_hashes(word_hashes([f"w{i}" for i in range(300)]), 3)
    b = shingle_hashes(word_hashes([f"w{i}" for i in range(150, 450)]), 3)
    assert jaccard(a, a) == 1.0
    assert jaccard(a, b) == pytest.approx(148 / 448)  # 148 shingles shared, 448 in all
    assert jaccard(a, np.zeros(0, dtype=np.uint64)) == 0.0


@given(english, english)
def test_pair_scores_symmetric_and_in_range(a: str, b: str) -> None:
    ta, tb = Tokens(a), Tokens(b)
    ha, hb = np.unique(ta.stem_hashes), np.unique(tb.stem_hashes)
    forward, backward = jaccard(ha, hb), jaccard(hb, ha)
    assert forward == backward and 0 <= forward <= 1
    corpus = Corpus([Document("a", a), Document("b", b)])
    ab, ba = corpus.tfidf_cosine(ta, 1), corpus.tfidf_cosine(tb, 0)
    assert abs(ab - ba) < 1e-9 and -1e-9 <= ab <= 1 + 1e-9


def test_distinct_is_numpy_unique() -> None:
    rng = np.random.default_rng(3)
    for values in (
        rng.integers(0, 2**63, 5000).astype(np.uint64),
        rng.integers(0, 50, 5000),
        np.zeros(0, dtype=np.uint64),
    ):
        assert np.array_equal(distinct(values), np.unique(values))


def _made_up_words(rng: random.Random, count: int) -> list[str]:
    syllables = [c + v for c in "bcdfgklmnprstvz" for v in "aeiou"]
    return ["".join(rng.choice(syllables) for _ in range(3)) for _ in range(count)]


def _source_and_fingerprinted_phrase(seed: int) -> tuple[list[str], int]:
    """A source of made-up words and the position of a 5-word phrase of it that is one
    of its winnowed fingerprints (the phrase a query must share to be proposed)."""
    words = _made_up_words(random.Random(seed), 200)
    tokens = Tokens(" ".join(words), "english")
    assert len(tokens) == len(words)
    config = CheckConfig()
    shingles = shingle_hashes(tokens.stem_hashes, config.shingle_size)
    kept = fingerprints(tokens.stem_hashes, config.shingle_size, config.winnow_window)
    places = [p for p in np.flatnonzero(np.isin(shingles, kept)).tolist() if 60 <= p <= 130]
    return words, places[0]


def _in_context(query_words: list[str], source_words: list[str]) -> bool:
    return phrase_in_context(
        Tokens(" ".join(query_words), "english"), Tokens(" ".join(source_words), "english"), CheckConfig()
    )


def test_a_lone_shared_phrase_in_other_words_is_not_worth_aligning() -> None:
    source, at = _source_and_fingerprinted_phrase(1)
    own = _made_up_words(random.Random(2), 200)
    assert not _in_context(own[:80] + source[at : at + 5] + own[80:], source)


def test_a_short_copy_through_the_phrase_is_worth_aligning() -> None:
    # 12 words copied word for word: one fingerprint, no window in common, and a
    # passage longer than the shortest reported.
    source, at = _source_and_fingerprinted_phrase(3)
    own = _made_up_words(random.Random(4), 200)
    assert _in_context(own[:80] + source[at - 4 : at + 8] + own[80:], source)
    assert not _in_context(own[:80] + source[at - 2 : at + 6] + own[80:], source)  # 8 words: too short


def test_a_reworded_passage_around_the_phrase_is_worth_aligning() -> None:
    # The words around the phrase kept but reordered (a rewording keeps most content words).
    source, at = _source_and_fingerprinted_phrase(5)
    own = _made_up_words(random.Random(6), 200)
    before, after = source[at - 12 : at - 1], source[at + 6 : at + 16]
    random.Random(7).shuffle(before)
    random.Random(8).shuffle(after)
    assert _in_context(own[:80] + before + ["zzq"] + source[at : at + 5] + ["qqz"] + after + own[80:], source)


def test_phrases_in_common_elsewhere_back_the_fingerprint() -> None:
    # A rewording that moved its sentences: two short runs of the source, far apart in
    # the copy, with the copier's own words around each. Neither run reaches a shortest
    # passage, and the words around the fingerprint are the copier's.
    source, at = _source_and_fingerprinted_phrase(9)
    own = _made_up_words(random.Random(10), 200)
    moved = own[:80] + source[at - 2 : at + 6] + own[80:150] + source[at + 60 : at + 66] + own[150:]
    assert _in_context(moved, source)
    assert not _in_context(own[:80] + source[at - 2 : at + 6] + own[80:], source)
