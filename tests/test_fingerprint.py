from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import english
from simcheck import Corpus, Document
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
