"""Before step 2: which seeds are worth merging. A long text shares stray phrases with
a source all over; merging them one by one would cost more than everything else, and
none of them makes a passage. Seeds are cut into clusters that merging never joins,
and the clusters that could make no passage are left out."""

from __future__ import annotations

import numpy as np

from .rects import BLOCK_WORDS, Rect, Seeds, covered_from

# Times seeds are cut into clusters, along a and b in turn, before merging (at most).
_CUT_ROUNDS = 12


def worth_merging(
    word_seeds: Seeds, sentence_seeds: list[Rect], gap: int, content: np.ndarray, min_content: int
) -> list[Rect]:
    """The seeds, as rectangles in order (word seeds, then sentence seeds), less those
    that cannot be part of a passage: a long text shares stray phrases with a source all
    over, and merging them one by one would cost more than everything else.

    The seeds are cut into clusters that merging never joins (:func:`_clusters`), so a
    cluster's groups are the ones merging all the seeds would make there. A cluster is
    dropped, unmerged, when all its groups would be dropped once made: when all its
    seeds are weak (never corroborated) and cover too few words of ``a`` to be packed
    into a copy (:func:`~.rects.packed`), or when the stretch of ``a`` it spans holds
    fewer than the ``min_content`` content words a piece of evidence holds (never
    supported); ``content`` marks the words of ``a`` that count, content words covered
    by a seed.
    """
    if not len(word_seeds) and not sentence_seeds:
        return []
    a_first = np.concatenate([word_seeds.a_first, [s.a_first for s in sentence_seeds]]).astype(np.int64)
    a_last = np.concatenate([word_seeds.a_last, [s.a_last for s in sentence_seeds]]).astype(np.int64)
    b_first = np.concatenate([word_seeds.b_first, [s.b_first for s in sentence_seeds]]).astype(np.int64)
    b_last = np.concatenate([word_seeds.b_last, [s.b_last for s in sentence_seeds]]).astype(np.int64)
    weak = np.concatenate([word_seeds.weak, [s.weak for s in sentence_seeds]]).astype(bool)
    piece, alone = _stray(a_first, a_last, gap)
    cluster = piece.copy()
    rest = np.flatnonzero(~alone)
    if rest.shape[0]:
        clustered = _clusters(a_first[rest], a_last[rest], b_first[rest], b_last[rest], gap)
        cluster[rest] = int(piece.max()) + 1 + clustered
    # Numbered anew without gaps: the pieces that were clustered further left theirs.
    used = np.zeros(int(cluster.max()) + 1, dtype=bool)
    used[cluster] = True
    cluster = (np.cumsum(used) - 1)[cluster]
    count = int(used.sum())
    firm = np.bincount(cluster, weights=~weak, minlength=count) > 0
    lowest = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(lowest, cluster, a_first)
    highest = np.zeros(count, dtype=np.int64)
    np.maximum.at(highest, cluster, a_last)
    counted = np.concatenate([[0], np.cumsum(content, dtype=np.int64)])
    phrases = covered_from(content.shape[0], word_seeds.a_first, word_seeds.size)
    in_phrases = np.concatenate([[0], np.cumsum(phrases, dtype=np.int64)])
    firm |= in_phrases[highest] - in_phrases[lowest] >= BLOCK_WORDS
    keep = (firm & (counted[highest] - counted[lowest] >= min_content))[cluster]
    split = len(word_seeds)
    return word_seeds.rects(keep[:split]) + [
        s for s, kept in zip(sentence_seeds, keep[split:].tolist()) if kept
    ]


def _stray(a_first: np.ndarray, a_last: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """The seeds cut into pieces along ``a`` where more than ``gap`` words lie between
    them, a number for each piece, and whether the seed's piece never merges with any
    other: a piece at most ``gap / 2`` words long reaches no further than ``gap`` (see
    :func:`_cut`). Most stray phrases are such; they are judged alone, not clustered."""
    order = np.argsort(a_first, kind="stable")
    start, end = a_first[order], a_last[order]
    reach = np.maximum.accumulate(end)
    new = np.ones(order.shape[0], dtype=bool)
    new[1:] = start[1:] - reach[:-1] > gap
    places = np.flatnonzero(new)
    extent = np.maximum.reduceat(end, places) - start[places]
    ordered = np.cumsum(new) - 1
    piece = np.empty_like(ordered)
    piece[order] = ordered
    alone: np.ndarray = (2 * extent <= gap)[piece]
    return piece, alone


def _clusters(
    a_first: np.ndarray, a_last: np.ndarray, b_first: np.ndarray, b_last: np.ndarray, gap: int
) -> np.ndarray:
    """A cluster number for each seed, such that merging never joins seeds of two clusters.

    Two groups merge only when they lie within ``gap`` words of each other on both sides,
    or within the reach of both (:meth:`Rect.reach`: twice a group's length in ``a``,
    which is at most its cluster's). So the seeds are cut along ``a`` (:func:`_cut`),
    each cluster then along ``b``, and so on while that cuts more.
    """
    cluster = np.zeros(a_first.shape[0], dtype=np.int64)
    count, unchanged = 1, 0
    # Each cut is sound alone; a few rounds leave almost nothing more to cut.
    for turn in range(_CUT_ROUNDS):
        first, last = (a_first, a_last) if turn % 2 == 0 else (b_first, b_last)
        cluster = _cut(cluster, first, last, a_first, a_last, gap)
        cut_count = int(cluster.max()) + 1
        unchanged = unchanged + 1 if cut_count == count else 0
        if unchanged == 2:
            break
        count = cut_count
    return cluster


def _cut(
    cluster: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    a_first: np.ndarray,
    a_last: np.ndarray,
    gap: int,
) -> np.ndarray:
    """Each cluster cut into pieces along one side (``first``, ``last``): seeds within
    ``gap`` of each other there stay together, and pieces join while any two of them lie
    within twice the smaller one's length in ``a`` (see :func:`_clusters`)."""
    order = np.lexsort((first, cluster))
    parent, start, end = cluster[order], first[order], last[order]
    # The furthest end so far within the cluster: cluster numbers lift each one above the
    # one before, so a running maximum never carries over from one to the next.
    lift = parent * (int(end.max()) - int(start.min()) + 1)
    reach = np.maximum.accumulate(end + lift) - lift
    forced = np.ones(order.shape[0], dtype=bool)
    forced[1:] = parent[1:] != parent[:-1]
    places = np.flatnonzero(forced | np.append(False, start[1:] - reach[:-1] > gap))
    ends = np.append(places[1:], order.shape[0]) - 1
    pieces = zip(
        places.tolist(),
        forced[places].tolist(),
        start[places].tolist(),
        reach[ends].tolist(),
        np.minimum.reduceat(a_first[order], places).tolist(),
        np.maximum.reduceat(a_last[order], places).tolist(),
    )
    # Clusters so far, each [first piece, start, end, a_first, a_last]; the last is open.
    stack: list[list[int]] = []
    opens: list[int] = []
    for at, new_parent, low, high, a_low, a_high in pieces:
        if new_parent:
            opens.extend(c[0] for c in stack)
            stack = []
        piece = [at, low, high, a_low, a_high]
        while stack:
            size = piece[4] - piece[3]
            for depth in range(len(stack) - 1, -1, -1):
                other = stack[depth]
                distance = piece[1] - other[2]
                if distance > max(gap, 2 * size):
                    depth = -1  # those before are further still
                    break
                if distance <= max(gap, 2 * min(size, other[4] - other[3])):
                    break
            else:
                depth = -1
            if depth < 0:
                break
            joined = stack[depth:]
            piece = [
                joined[0][0],
                joined[0][1],
                max(piece[2], *(c[2] for c in joined)),
                min(piece[3], *(c[3] for c in joined)),
                max(piece[4], *(c[4] for c in joined)),
            ]
            del stack[depth:]
        stack.append(piece)
    opens.extend(c[0] for c in stack)
    opened = np.zeros(order.shape[0], dtype=np.int64)
    opened[opens] = 1
    result = np.empty_like(cluster)
    result[order] = np.cumsum(opened) - 1
    return result
