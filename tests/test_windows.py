"""Sentence windows and the postings that find them (simcheck.windows): lookups of
sorted hash keys, pairs of signature words, and windows alike by words or by pairs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simcheck.windows import (
    MIN_RARE_PAIRS,
    MIN_SHARED_PAIRS,
    PAIR_LIMIT,
    SIGNATURE_TERMS,
    Postings,
    Runs,
    Signatures,
    passage_windows,
    rare_pair_limit,
    shared_windows,
    word_pairs,
    words_behind,
)

KEYS = st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=80)


def found_by_search(ordered: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What ``Runs.find`` must answer, by searching every entry: where each key's run
    begins (for held keys) and how long it is."""
    lo = np.searchsorted(ordered, keys, side="left")
    return lo, np.searchsorted(ordered, keys, side="right") - lo


def same_answers(runs: Runs, ordered: np.ndarray, keys: np.ndarray) -> None:
    begins, sizes = runs.find(keys)
    expected_begins, expected_sizes = found_by_search(ordered, keys)
    assert sizes.tolist() == expected_sizes.tolist()
    assert begins[sizes > 0].tolist() == expected_begins[expected_sizes > 0].tolist()


@given(KEYS, KEYS)
def test_runs_find_what_a_search_of_every_entry_finds(held: list[int], asked: list[int]) -> None:
    ordered = np.sort(np.array(held + held[:5], dtype=np.uint64))
    keys = np.array(asked + held[:10], dtype=np.uint64)
    same_answers(Runs.of(ordered), ordered, keys)


@pytest.mark.parametrize("bits", [64, 47])  # hashes, and an index's stored keys
def test_runs_of_a_table_too_large_to_search_read_buckets_and_find_the_same(bits: int) -> None:
    rng = np.random.default_rng(bits)
    drawn = rng.integers(0, 2**63, 1_100_000, dtype=np.int64).astype(np.uint64) >> np.uint64(64 - bits)
    ordered = np.sort(np.concatenate([drawn, drawn[:50_000], drawn[:1_000]]))
    runs = Runs.of(ordered)
    assert runs.directory.shape[0] > 1000  # read by buckets, not searched
    absent = rng.integers(0, 2**63, 5_000, dtype=np.int64).astype(np.uint64) >> np.uint64(64 - bits)
    beyond = np.array([ordered[-1] + np.uint64(1), ordered[0], 0, 2**64 - 1], dtype=np.uint64)
    same_answers(runs, ordered, np.concatenate([drawn[::97], absent, beyond]))


def signatures(*windows: list[int]) -> Signatures:
    """A text's signatures: window ``i`` holds the words ``windows[i]``."""
    window = np.repeat(np.arange(len(windows), dtype=np.int32), [len(w) for w in windows])
    terms = np.array([t for w in windows for t in w], dtype=np.uint64)
    bounds = np.array([[2 * i, 2 * i + 4] for i in range(len(windows))], dtype=np.int64)
    return Signatures(window, terms, np.ones(terms.shape[0]), bounds)


def test_each_window_gives_every_pair_of_its_words_once_in_either_order() -> None:
    pairs = word_pairs(signatures(list(range(1, SIGNATURE_TERMS + 1)), [7, 3, 9], [5]))
    assert np.bincount(pairs.window).tolist() == [SIGNATURE_TERMS * (SIGNATURE_TERMS - 1) // 2, 3]
    first, second = set(pairs.terms[pairs.window == 0].tolist()), pairs.terms[pairs.window == 1].tolist()
    assert len(first) == pairs.terms.shape[0] - 3 and set(second) <= first  # 3, 7 and 9 are in both
    swapped = word_pairs(signatures([9, 7, 3]))
    assert sorted(swapped.terms.tolist()) == sorted(second)


def test_postings_merged_from_runs_of_documents_are_those_of_all_at_once() -> None:
    rng = np.random.default_rng(3)
    texts = [
        signatures(*[rng.integers(1, 40, 6).tolist() for _ in range(rng.integers(0, 4))]) for _ in range(30)
    ]
    whole = Postings.of([word_pairs(t) for t in texts])
    merged = Postings.merged(
        [Postings.of([word_pairs(t) for t in texts[a:b]], a) for a, b in [(0, 7), (7, 8), (8, 30)]]
    )
    for mine, theirs in [(whole.runs.keys, merged.runs.keys), (whole.runs.starts, merged.runs.starts)]:
        assert mine.tolist() == theirs.tolist()
    assert whole.docs.tolist() == merged.docs.tolist() and whole.wins.tolist() == merged.wins.tolist()


def test_words_too_common_to_count_alone_still_find_a_window_in_pairs() -> None:
    # Five words, each in more windows of the corpus than either limit, but only one
    # window holds them together with the others of its kind: the source.
    limit = 20
    crowd_size = PAIR_LIMIT + 5
    crowd = [[1, 2, 100 + n] for n in range(crowd_size)] + [[3, 4, 200 + n] for n in range(crowd_size)]
    crowd += [[5, 300 + n] for n in range(crowd_size)]
    source = [1, 2, 3, 4, 5, 900]
    corpus = [signatures(words) for words in crowd] + [signatures(source)]
    query = signatures([5, 4, 3, 2, 1, 800])
    words = Postings.of(corpus)
    pairs = Postings.of([word_pairs(s) for s in corpus])
    assert shared_windows(query, words, limit) == {}  # every shared word is the topic
    # Ten pairs shared; (1, 2) and (3, 4) are in too many windows: eight count.
    assert passage_windows(query, words, pairs, limit) == {len(corpus) - 1: words_behind(8)}
    assert words_behind(8) == 4
    assert passage_windows(query, words, Postings.of([]), limit) == {}
    # Three words in common make three pairs, fewer than MIN_SHARED_PAIRS; and two
    # more windows hold them, so they are not rare enough to count as three.
    echo = [signatures([1, 3, 5, 700]), signatures([1, 3, 5, 701])]
    words, pairs = Postings.of(corpus + echo), Postings.of([word_pairs(s) for s in corpus + echo])
    assert rare_pair_limit(len(words)) == 2 and MIN_SHARED_PAIRS > 3 == MIN_RARE_PAIRS
    assert passage_windows(signatures([1, 3, 5]), words, pairs, limit) == {}


def test_three_words_whose_pairings_are_rare_find_a_window() -> None:
    # Every word is in more windows than the word limit, so the words alone prove
    # nothing; and the three share only three pairs. But no other window holds any of
    # those pairings: they are as rare as pairs can be.
    limit = 20
    crowd = [[word, 100 + 10 * n + word] for word in (1, 3, 5) for n in range(limit + 1)]
    corpus = [signatures(words) for words in crowd] + [signatures([5, 3, 1, 900])]
    words = Postings.of(corpus)
    pairs = Postings.of([word_pairs(s) for s in corpus])
    query = signatures([1, 3, 5, 800])
    assert shared_windows(query, words, limit) == {}
    assert passage_windows(query, words, pairs, limit) == {len(corpus) - 1: 3}
    # One more window holding all three: each pairing is held by two windows, the
    # limit itself, and still counts.
    echoed = corpus + [signatures([1, 3, 5, 602])]
    echoed_words, echoed_pairs = Postings.of(echoed), Postings.of([word_pairs(s) for s in echoed])
    assert rare_pair_limit(len(echoed_words)) == 2
    found = passage_windows(query, echoed_words, echoed_pairs, limit)
    assert found == {len(corpus) - 1: 3, len(corpus): 3}
    # Two more windows holding one of the pairings: it is over the rare limit, and the
    # two pairs left are too few.
    crowded = corpus + [signatures([1, 3, 600]), signatures([1, 3, 601])]
    crowded_pairs = Postings.of([word_pairs(s) for s in crowded])
    assert rare_pair_limit(len(Postings.of(crowded))) == 2
    assert passage_windows(query, Postings.of(crowded), crowded_pairs, limit) == {}


def test_a_pair_held_by_more_windows_than_the_pair_limit_does_not_count() -> None:
    # Four words the source's window shares with the query's: six pairs. Each word is in
    # more windows than the word limit; the pair (1, 2) is under the word limit but in
    # more windows than the pair limit, so five pairs count, too few. (The five are
    # held by the source alone, rare enough to count as three pairs that few windows hold.)
    limit = PAIR_LIMIT + 20
    crowd = [[1, 2, 100 + n] for n in range(PAIR_LIMIT)]  # with the source, one too many
    crowd += [[word, 400 + 10 * n + word] for word in (1, 2, 3, 4) for n in range(limit + 1)]
    corpus = [signatures(words) for words in crowd] + [signatures([1, 2, 3, 4, 900])]
    words = Postings.of(corpus)
    pairs = Postings.of([word_pairs(s) for s in corpus])
    query = signatures([4, 3, 2, 1, 800])
    assert shared_windows(query, words, limit) == {}
    assert passage_windows(query, words, pairs, limit, rare_pairs=None) == {}
    assert passage_windows(query, words, pairs, limit) == {len(corpus) - 1: words_behind(5)}
    # With one crowding window fewer, the pair (1, 2) is within the pair limit again.
    fewer = [signatures(words) for words in crowd[1:]] + [signatures([1, 2, 3, 4, 900])]
    fewer_pairs = Postings.of([word_pairs(s) for s in fewer])
    found = passage_windows(query, Postings.of(fewer), fewer_pairs, limit, rare_pairs=None)
    assert found == {len(fewer) - 1: 4}
