"""Step 1, seeds: shared word n-grams of stems (verbatim and edited copying), and
sentence pairs whose TF-IDF cosine and stem Dice are both high (paraphrase)."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
from scipy import sparse

from ..config import CheckConfig
from ..fingerprint import shingle_hashes
from ..tokens import Tokens
from .rects import EDITED_DENSITY, MIN_SHARED_SENTENCE_WORDS, Rect, content_stems, coverage

# Sentence seeds this similar (Sanchez-Perez, Sidorov and Gelbukh, PAN 2014) that are
# each other's best match join a passage that stronger evidence makes, never make one.
_WEAK_COSINE = 0.33
_WEAK_DICE = 0.33
# An n-gram more frequent than this on either side is a stock phrase, not evidence.
_MAX_SEED_REPEATS = 8


def ngram_seeds(ta: Tokens, tb: Tokens, n: int) -> list[Rect]:
    """Every shared n-gram of stems that is not made of function words alone."""
    if len(ta) < n or len(tb) < n:
        return []
    ha = shingle_hashes(ta.stem_hashes, n)
    hb = shingle_hashes(tb.stem_hashes, n)
    # An n-gram made only of stop words ("it is a") is no evidence.
    content_a = _any_content(ta.stopword_mask, n)
    content_b = _any_content(tb.stopword_mask, n)
    ha_idx = np.flatnonzero(content_a)
    hb_idx = np.flatnonzero(content_b)
    order = np.argsort(hb[hb_idx], kind="stable")
    hb_sorted = hb[hb_idx][order]
    hb_pos = hb_idx[order]
    lo = np.searchsorted(hb_sorted, ha[ha_idx], side="left")
    hi = np.searchsorted(hb_sorted, ha[ha_idx], side="right")
    counts = hi - lo
    _, inverse, counts_a = np.unique(ha[ha_idx], return_inverse=True, return_counts=True)
    repeated = (counts > 1) | (counts_a[inverse] > 1)
    keep = (counts > 0) & (counts <= _MAX_SEED_REPEATS)
    seeds: list[Rect] = []
    for i, start, stop, again in zip(
        ha_idx[keep].tolist(), lo[keep].tolist(), hi[keep].tolist(), repeated[keep].tolist()
    ):
        for j in hb_pos[start:stop].tolist():
            seeds.append(Rect(i, i + n, j, j + n, repeated=again))
    return seeds


def _any_content(stop_mask: np.ndarray, n: int) -> np.ndarray:
    content = (~stop_mask).astype(np.int64)
    window_sums = np.convolve(content, np.ones(n, dtype=np.int64), mode="valid")
    return window_sums > 0


def _sentence_term_counts(tokens: Tokens) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sentence, term hash, count) of every content word, sentence by sentence."""
    firsts = np.array([s.first for s in tokens.sentences], dtype=np.int64)
    content = np.flatnonzero(~tokens.stopword_mask)
    # Tokens between sentences (none, as sentences cover every word) would map to -1.
    sentence_of = np.searchsorted(firsts, content, side="right") - 1
    hashes = tokens.stem_hashes[content]
    pairs = np.stack([sentence_of.astype(np.uint64), hashes])
    unique, counts = np.unique(pairs, axis=1, return_counts=True)
    return unique[0].astype(np.int64), unique[1], counts


def sentence_seeds(ta: Tokens, tb: Tokens, config: CheckConfig) -> list[Rect]:
    """Sentence pairs similar enough in content words to be a paraphrase of each other."""
    sa, sb = ta.sentences, tb.sentences
    if not sa or not sb:
        return []
    rows_a, terms_a, counts_a = _sentence_term_counts(ta)
    rows_b, terms_b, counts_b = _sentence_term_counts(tb)
    if terms_a.shape[0] == 0 or terms_b.shape[0] == 0:
        return []
    vocabulary, columns = np.unique(np.concatenate([terms_a, terms_b]), return_inverse=True)
    counts = sparse.csr_matrix(
        (
            np.concatenate([counts_a, counts_b]).astype(np.float64),
            (np.concatenate([rows_a, rows_b + len(sa)]), columns),
        ),
        shape=(len(sa) + len(sb), vocabulary.shape[0]),
    )
    # IDF over the sentences of both texts (tf-isf): words common in the pair weigh less.
    from sklearn.feature_extraction.text import TfidfTransformer  # a second to import: when needed

    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    cosine = (matrix[: len(sa)] @ matrix[len(sa) :].T).tocoo()
    if cosine.nnz == 0:
        return []
    pick_a, pick_b, strong, weak = _best_pairs(cosine.row, cosine.col, cosine.data, len(sa), len(sb), config)
    if pick_a.shape[0] == 0:
        return []
    present = counts.copy()
    present.data[:] = 1.0
    sizes = np.asarray(present.sum(axis=1)).ravel()
    shared = np.asarray(present[pick_a].multiply(present[pick_b + len(sa)]).sum(axis=1)).ravel()
    dice = 2 * shared / (sizes[pick_a] + sizes[pick_b + len(sa)])
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


def _best_pairs(
    row: np.ndarray, col: np.ndarray, data: np.ndarray, len_a: int, len_b: int, config: CheckConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The sentence pairs that may seed a passage, of the pairs with cosine ``data``
    between sentence ``row`` of a and sentence ``col`` of b: each one's sentence of a,
    its sentence of b, and whether its cosine makes it a strong seed, and a weak one."""
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
    return row[keep], col[keep], strong[keep], weak[keep]


def unexplained(sentence_seeds: list[Rect], word_seeds: list[Rect], ta: Tokens, tb: Tokens) -> list[Rect]:
    """Sentence seeds for sentences that shared n-grams do not already explain.

    Where n-grams cover most of a sentence, they say exactly where it came from: a
    sentence seed there either agrees (and would only widen the boundaries to words
    that were not copied) or points somewhere else on topic alone. Sentence seeds are
    for the sentences that n-grams cannot see: paraphrase. A shared phrase inside the
    two sentences counts as one shared word: "information retrieval system" and "use"
    are a term and a word in common, the topic, not three words of a paraphrase.
    """
    covered_a = coverage(len(ta), word_seeds, "a")
    covered_b = coverage(len(tb), word_seeds, "b")
    candidates = [
        s
        for s in sentence_seeds
        if covered_a[s.a_first : s.a_last].mean() < EDITED_DENSITY
        and covered_b[s.b_first : s.b_last].mean() < EDITED_DENSITY
    ]
    if not candidates or not word_seeds:
        return candidates
    by_a = sorted(word_seeds, key=lambda r: r.a_first)
    firsts = [r.a_first for r in by_a]
    kept = []
    for s in candidates:
        shared = content_stems(ta, s.a_first, s.a_last) & content_stems(tb, s.b_first, s.b_last)
        inside = [
            r
            for r in by_a[bisect_left(firsts, s.a_first) : bisect_left(firsts, s.a_last)]
            if r.a_last <= s.a_last and s.b_first <= r.b_first and r.b_last <= s.b_last
        ]
        # Overlapping seeds make one phrase; its shared content words count once.
        phrases: list[set[str]] = []
        run_last = -1
        for r in inside:
            words = content_stems(ta, r.a_first, r.a_last) & shared
            if r.a_first < run_last and phrases:
                phrases[-1] |= words
            else:
                phrases.append(words)
            run_last = max(run_last, r.a_last)
        in_phrases: set[str] = set().union(*phrases)
        if len(shared - in_phrases) + sum(1 for p in phrases if p) >= MIN_SHARED_SENTENCE_WORDS:
            kept.append(s)
    return kept
