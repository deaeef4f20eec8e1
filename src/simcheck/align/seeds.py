"""Step 1, seeds: shared word n-grams of stems (verbatim and edited copying), and
sentence pairs whose TF-IDF cosine and stem Dice are both high (paraphrase)."""

from __future__ import annotations

import numpy as np

from ..config import CheckConfig
from ..fingerprint import tfidf_weights
from ..frequencies import Rarity
from ..tokens import SentenceVocabulary, Tokens
from .rects import EDITED_DENSITY, MIN_SHARED_SENTENCE_WORDS, Rect, Seeds, content_stems, covered_from

# Sentence seeds this similar (Sanchez-Perez, Sidorov and Gelbukh, PAN 2014) that are
# each other's best match join a passage that stronger evidence makes, never make one.
_WEAK_COSINE = 0.33
_WEAK_DICE = 0.33
# An n-gram more frequent than this on either side is a stock phrase, not evidence.
_MAX_SEED_REPEATS = 8
#: Words copied exactly, one after another, that are evidence however common each is.
LONG_RUN_WORDS = 8


def shared_ngrams(ta: Tokens, tb: Tokens, n: int, rarity: Rarity | None = None) -> Seeds:
    """Every shared n-gram of stems that is not made of function words alone.

    With a ``rarity``, an n-gram whose content words are all common in the corpus (the
    topic's stock phrases: "the Soviet Union", "the nuclear arms race") is a weak seed:
    it extends a passage that other evidence makes, and makes none.

    Each n-gram of ``b`` is looked up among those of ``a``, not the other way: the cost
    is the source's and the seeds', however long the submission.
    """
    none = np.zeros(0, dtype=np.int64)
    if len(ta) < n or len(tb) < n:
        return Seeds(none, none, n, none.astype(bool), none.astype(bool))
    a, b = ta.ngrams(n), tb.ngrams(n)
    hashes, b_lo, b_n = np.unique(b.sorted_hashes, return_index=True, return_counts=True)
    a_lo = np.searchsorted(a.sorted_hashes, hashes, side="left")
    a_n = np.searchsorted(a.sorted_hashes, hashes, side="right") - a_lo
    use = (a_n > 0) & (b_n <= _MAX_SEED_REPEATS)
    a_lo, a_n, b_lo, b_n = a_lo[use], a_n[use], b_lo[use], b_n[use]
    # Every occurrence in a of each shared n-gram with every occurrence in b.
    pairs = a_n * b_n
    shared = np.repeat(np.arange(pairs.shape[0]), pairs)
    within = np.arange(int(pairs.sum())) - np.repeat(np.cumsum(pairs) - pairs, pairs)
    i = a.sorted_positions[a_lo[shared] + within // b_n[shared]]
    j = b.sorted_positions[b_lo[shared] + within % b_n[shared]]
    repeated = (b_n[shared] > 1) | (a_n[shared] > 1)
    order = np.lexsort((j, i))
    i, j, repeated = i[order], j[order], repeated[order]
    if rarity is None:
        return Seeds(i, j, n, repeated, np.zeros(i.shape[0], dtype=bool))
    return Seeds(i, j, n, repeated, _firm_long_runs(i, j, n, _topical(ta, i, n, rarity)))


def _firm_long_runs(i: np.ndarray, j: np.ndarray, n: int, weak: np.ndarray) -> np.ndarray:
    """Stock phrases within a long word-for-word run are evidence after all: a stretch of
    ``LONG_RUN_WORDS`` words copied exactly is no chance, whatever words it is made of.
    ``weak`` with the seeds of such runs (overlapping n-grams on one diagonal) made firm."""
    if i.shape[0] == 0:
        return weak
    order = np.lexsort((i, j - i))
    diagonal, first = (j - i)[order], i[order]
    # A run goes on while the next seed on its diagonal starts inside the one before.
    new = np.ones(order.shape[0], dtype=bool)
    new[1:] = (diagonal[1:] != diagonal[:-1]) | (first[1:] > first[:-1] + n)
    run = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], order.shape[0]) - 1
    long = first[ends] + n - first[starts] >= LONG_RUN_WORDS
    firm = weak.copy()
    firm[order[long[run]]] = False
    return firm


def _topical(tokens: Tokens, positions: np.ndarray, n: int, rarity: Rarity) -> np.ndarray:
    """Whether each n-gram starting at ``positions`` holds no content word that is rare
    (only the seeds' words are looked up, not the whole text)."""
    if positions.shape[0] == 0:
        return np.zeros(0, dtype=bool)
    places, back = np.unique(positions, return_inverse=True)
    words = (places[:, None] + np.arange(n)).ravel()
    rare = ~tokens.stopword_mask[words] & ~rarity.common(tokens.stem_hashes[words])
    topical: np.ndarray = ~rare.reshape(-1, n).any(axis=1)
    return topical[back]


def sentence_seeds(ta: Tokens, tb: Tokens, config: CheckConfig, rarity: Rarity | None = None) -> list[Rect]:
    """Sentence pairs similar enough in content words to be a paraphrase of each other.

    Words weigh by how rare they are in the pair's sentences (tf-isf) and, with a
    ``rarity``, in the corpus too: sentences that share only the topic's words are not
    a paraphrase of each other.
    """
    sa, sb = ta.sentences, tb.sentences
    if not sa or not sb:
        return []
    rows_a, _, counts_a = ta.sentence_terms
    rows_b, _, counts_b = tb.sentence_terms
    if rows_a.shape[0] == 0 or rows_b.shape[0] == 0:
        return []
    # Each text's vocabulary is sorted once (a submission is aligned with many sources);
    # the pair only looks its shared words up.
    va, vb = ta.sentence_vocabulary, tb.sentence_vocabulary
    at = np.minimum(np.searchsorted(va.terms, vb.terms), va.terms.shape[0] - 1)
    found = va.terms[at] == vb.terms
    words_a, words_b = at[found], np.flatnonzero(found)
    # IDF over the sentences of both texts (tf-isf): words common in the pair weigh less.
    n_rows = len(sa) + len(sb)
    weights_a = _weights(va, counts_a, rows_a, words_a, vb.sentences[words_b], n_rows, rarity)
    weights_b = _weights(vb, counts_b, rows_b, words_b, va.sentences[words_a], n_rows, rarity)
    pairs, cosine, shared = _products(va, rows_a, weights_a, words_a, vb, rows_b, weights_b, words_b, len(sb))
    if pairs.shape[0] == 0:
        return []
    pick, strong, weak = _best_pairs(pairs // len(sb), pairs % len(sb), cosine, len(sa), len(sb), config)
    if pick.shape[0] == 0:
        return []
    pick_a, pick_b, shared = pick // len(sb), pick % len(sb), shared[np.searchsorted(pairs, pick)]
    sizes_a, sizes_b = np.bincount(rows_a, minlength=len(sa)), np.bincount(rows_b, minlength=len(sb))
    dice = 2 * shared / (sizes_a[pick_a] + sizes_b[pick_b])
    # Two shared words ("The U.S.", "Whale Watching") are a topic, not a paraphrase,
    # however high the cosine of such short sentences.
    strong &= dice >= config.sentence_dice
    # A weak seed is always a mutual best match, also when its cosine was strong but
    # its Dice was not.
    weak &= dice >= min(_WEAK_DICE, config.sentence_dice)
    good = (shared >= MIN_SHARED_SENTENCE_WORDS) & (strong | weak)
    return [
        Rect(sa[i].first, sa[i].last, sb[j].first, sb[j].last, sentence=True, weak=not firm)
        for i, j, firm in zip(pick_a[good].tolist(), pick_b[good].tolist(), strong[good].tolist())
    ]


def _weights(
    vocabulary: SentenceVocabulary,
    counts: np.ndarray,
    rows: np.ndarray,
    shared: np.ndarray,
    other_sentences: np.ndarray,
    n_rows: int,
    rarity: Rarity | None,
) -> np.ndarray:
    """The TF-IDF weight of each term of one text's sentences, its IDF over the ``n_rows``
    sentences of both texts: the other holds the terms ``shared`` (numbers in
    ``vocabulary``) in ``other_sentences`` sentences each."""
    in_sentences = vocabulary.sentences.copy()
    in_sentences[shared] += other_sentences
    weights = tfidf_weights(counts, in_sentences[vocabulary.columns], n_rows, rows)
    if rarity is not None:
        weights = _normalised(weights * rarity.idf(vocabulary.terms)[vocabulary.columns], rows)
    return weights


def _normalised(weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``weights`` scaled to unit length within each row."""
    norms = np.sqrt(np.bincount(rows, weights=weights**2))
    scaled: np.ndarray = weights / np.where(norms > 0, norms, 1)[rows]
    return scaled


def _products(
    va: SentenceVocabulary,
    rows_a: np.ndarray,
    weights_a: np.ndarray,
    words_a: np.ndarray,
    vb: SentenceVocabulary,
    rows_b: np.ndarray,
    weights_b: np.ndarray,
    words_b: np.ndarray,
    len_b: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of sentences of a and b that share a word, as ``row_a * len_b + row_b``
    (sorted), with the dot product of their weights and the number of words they share.
    ``words_a`` and ``words_b`` are the shared words' numbers in each vocabulary.

    The products are added word by word in the words' order, as a sparse matrix product
    adds them, so the cosines are the same to the last bit.
    """
    if words_a.shape[0] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.astype(np.float64), empty
    # Each term of a sentence of a (in order: by sentence, then by word) with each
    # sentence of b holding it. The pairs come out by sentence of a, each one's words in
    # order, so a stable sort groups them cheaply and keeps their words' order.
    in_b = np.full(va.terms.shape[0], -1, dtype=np.int64)
    in_b[words_a] = words_b
    word_b = in_b[va.columns]
    entries = np.flatnonzero(word_b >= 0)
    word_b = word_b[entries]
    held = vb.sentences[word_b]
    entry_a = np.repeat(entries, held)
    within = np.arange(entry_a.shape[0]) - np.repeat(np.cumsum(held) - held, held)
    entry_b = vb.by_term[np.repeat(vb.term_starts[word_b], held) + within]
    keys = rows_a[entry_a] * len_b + rows_b[entry_b]
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new = np.ones(ordered.shape[0], dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty_like(order)
    inverse[order] = np.cumsum(new) - 1
    pairs = ordered[new]
    dot = np.bincount(inverse, weights=weights_a[entry_a] * weights_b[entry_b], minlength=pairs.shape[0])
    return pairs, dot, np.bincount(inverse, minlength=pairs.shape[0])


def _best_pairs(
    row: np.ndarray, col: np.ndarray, data: np.ndarray, len_a: int, len_b: int, config: CheckConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sentence pairs that may seed a passage, of the pairs with cosine ``data``
    between sentence ``row`` of a and sentence ``col`` of b: each one (as
    ``row * len_b + col``), and whether its cosine makes it a strong seed, and a weak one."""
    # A sentence of b is the source of at most one sentence of a (its closest): a
    # summary condenses several sentences of b into one of a, never the reverse, and
    # one source sentence paired with four similar ones would swell a passage.
    best_for_b = np.zeros(len_b)
    np.maximum.at(best_for_b, col, data)
    best_for_a = np.zeros(len_a)
    np.maximum.at(best_for_a, row, data)
    strong = data >= config.sentence_cosine
    mutual = data >= best_for_a[row]
    weak_cosine = min(_WEAK_COSINE, config.sentence_cosine)
    weak = (data >= weak_cosine) & mutual
    keep = np.flatnonzero((weak | strong) & (data >= best_for_b[col]))
    # Equally close sentences of a (a sentence a text repeats) tie for one of b: the
    # one nearest the same place in its text is taken, so each keeps one.
    place = np.abs(row[keep] / len_a - col[keep] / len_b)
    order = np.lexsort((place, col[keep]))
    first = np.ones(order.shape[0], dtype=bool)
    first[1:] = col[keep][order][1:] != col[keep][order][:-1]
    keep = np.sort(keep[order[first]])
    return row[keep] * len_b + col[keep], strong[keep], weak[keep]


def unexplained(
    sentence_seeds: list[Rect], word_seeds: Seeds, ta: Tokens, tb: Tokens, gap: int
) -> list[Rect]:
    """Sentence seeds for sentences that shared n-grams do not already explain.

    Where n-grams cover most of a sentence, they say exactly where it came from: a
    sentence seed there either agrees (and would only widen the boundaries to words
    that were not copied) or points somewhere else on topic alone. Sentence seeds are
    for the sentences that n-grams cannot see: paraphrase. A shared phrase inside the
    two sentences counts as one shared word: "information retrieval system" and "use"
    are a term and a word in common, the topic, not three words of a paraphrase.

    The topic's stock phrases (weak n-grams: "the soviet union", "nuclear weapons") do
    not say where a sentence came from, since every essay on the topic has them. A
    sentence seed that only they explain stays when it is part of a run: the next or
    the last sentence of ``a`` also pairs with a sentence of ``b`` within ``gap`` words
    of its own. A reworded paragraph keeps its stock phrases in sentence after
    sentence; one sentence that shares them is the topic, and so are sentences that
    share only names and numbers. Such a seed reaches no further than its phrases
    where the run begins and ends.
    """
    if not sentence_seeds:
        return []
    kept = _unexplained_by(sentence_seeds, word_seeds, ta, tb)
    if not word_seeds.weak.any():
        return kept
    explained = {id(s) for s in kept}
    starting: dict[int, list[Rect]] = {}
    ending: dict[int, list[Rect]] = {}
    for seed in sentence_seeds:
        starting.setdefault(seed.a_first, []).append(seed)
        ending.setdefault(seed.a_last, []).append(seed)
    rescued = {
        id(s)
        for s in _unexplained_by(sentence_seeds, word_seeds.firm(), ta, tb)
        if id(s) not in explained
        and _in_run(s, starting.get(s.a_last, []) + ending.get(s.a_first, []), gap)
        and _telling(s, ta, tb)
    }
    chosen = [s for s in sentence_seeds if id(s) in explained or id(s) in rescued]
    starts = {s.a_first for s in chosen}
    ends = {s.a_last for s in chosen}
    return [
        s if id(s) in explained else _within_phrases(s, word_seeds, s.a_first in ends, s.a_last in starts)
        for s in chosen
    ]


def _within_phrases(seed: Rect, word_seeds: Seeds, after: bool, before: bool) -> Rect:
    """``seed`` cut to the shared phrases inside it: a sentence pair that only stock
    phrases explain is evidence as far as they reach, since the first or last sentence
    of a copy may be begun or ended inside a sentence. Its sentence of ``a`` keeps its
    start when it comes ``after`` another sentence seed, and its end when it comes
    ``before`` one: a run of sentences is one."""
    inside = (
        (word_seeds.a_first >= seed.a_first)
        & (word_seeds.a_last <= seed.a_last)
        & (word_seeds.b_first >= seed.b_first)
        & (word_seeds.b_last <= seed.b_last)
    )
    if not inside.any():
        return seed
    return Rect(
        seed.a_first if after else int(word_seeds.a_first[inside].min()),
        seed.a_last if before else int(word_seeds.a_last[inside].max()),
        int(word_seeds.b_first[inside].min()),
        int(word_seeds.b_last[inside].max()),
        sentence=True,
        weak=seed.weak,
    )


def _telling(seed: Rect, ta: Tokens, tb: Tokens) -> bool:
    """Whether the two sentences share ``MIN_SHARED_SENTENCE_WORDS`` content words that
    are not names or numbers: two students who name the same speeches ("Ronald
    Reagan's address at the Brandenburg Gate in June 1987") share only those."""
    stems, stop, named = ta.stems, ta.stopword_mask, ta.capitalised
    telling = {stems[i] for i in range(seed.a_first, seed.a_last) if not stop[i] and not named[i]}
    return len(telling & content_stems(tb, seed.b_first, seed.b_last)) >= MIN_SHARED_SENTENCE_WORDS


def _in_run(seed: Rect, neighbours: list[Rect], gap: int) -> bool:
    """Whether one of ``neighbours`` (the seeds of the sentences of ``a`` just before and
    after ``seed``'s) pairs its sentence with one of ``b`` within ``gap`` words of
    ``seed``'s."""
    return any(max(other.b_first - seed.b_last, seed.b_first - other.b_last) <= gap for other in neighbours)


def _unexplained_by(sentence_seeds: list[Rect], word_seeds: Seeds, ta: Tokens, tb: Tokens) -> list[Rect]:
    """The sentence seeds that ``word_seeds`` do not explain (see :func:`unexplained`)."""
    covered_a = covered_from(len(ta), word_seeds.a_first, word_seeds.size)
    covered_b = covered_from(len(tb), word_seeds.b_first, word_seeds.size)
    candidates = [
        s
        for s in sentence_seeds
        if covered_a[s.a_first : s.a_last].mean() < EDITED_DENSITY
        and covered_b[s.b_first : s.b_last].mean() < EDITED_DENSITY
    ]
    if not candidates or not len(word_seeds):
        return candidates
    firsts = word_seeds.a_first  # in order already
    kept = []
    for s in candidates:
        shared = content_stems(ta, s.a_first, s.a_last) & content_stems(tb, s.b_first, s.b_last)
        lo, hi = np.searchsorted(firsts, [s.a_first, s.a_last], side="left").tolist()
        a_last, b_first, b_last = (
            word_seeds.a_last[lo:hi],
            word_seeds.b_first[lo:hi],
            word_seeds.b_last[lo:hi],
        )
        inside = lo + np.flatnonzero((a_last <= s.a_last) & (s.b_first <= b_first) & (b_last <= s.b_last))
        # Overlapping seeds make one phrase; its shared content words count once.
        phrases: list[set[str]] = []
        run_last = -1
        for r_first in firsts[inside].tolist():
            r_last = r_first + word_seeds.size
            words = content_stems(ta, r_first, r_last) & shared
            if r_first < run_last and phrases:
                phrases[-1] |= words
            else:
                phrases.append(words)
            run_last = max(run_last, r_last)
        in_phrases: set[str] = set().union(*phrases)
        if len(shared - in_phrases) + sum(1 for p in phrases if p) >= MIN_SHARED_SENTENCE_WORDS:
            kept.append(s)
    return kept
