"""Whether a pair is worth aligning at all: a candidate that one shared phrase alone
proposed is aligned only when the text around the phrase is shared too."""

from __future__ import annotations

import numpy as np

from ..config import CheckConfig
from ..fingerprint import winnow
from ..tokens import Tokens, distinct

#: Shared fingerprints whose surroundings :func:`phrase_in_context` looks at: a lone
#: phrase in common is rarely found more than once or twice in both texts.
_PHRASES_LOOKED_AT = 8


def phrase_in_context(query: Tokens, source: Tokens, config: CheckConfig) -> bool:
    """Whether a fingerprint the two texts share lies in a passage they share: the
    5-word phrases they have in common, fingerprints or not, cover a shortest passage
    (``min_words``) of the query; or the content words within ``2 * max_gap`` words on
    either side of a shared fingerprint share at least half as many stems besides its own.

    One shared 5-word phrase is what two essays on one topic share by chance ("at the
    end of the war"); a copied, edited or reworded passage around it shares its words
    too, and a copy of 18 words or more shares more phrases than the one fingerprint
    (winnowing keeps about one phrase in eight). A candidate that nothing but one such
    phrase proposed is worth aligning only then.

    >>> t = lambda s: Tokens(s, "english")
    >>> copied = ("Stalin blockaded West Berlin in June 1948, and for almost a year the "
    ...           "airlift supplied the city with coal and food by air")
    >>> phrase_in_context(t("As we read, " + copied + "."), t(copied + " alone."), CheckConfig())
    True
    >>> phrase_in_context(t("Wheat prices at the end of the war fell sharply in Kansas."),
    ...                   t("Submarine crews at the end of the war returned to Murmansk."), CheckConfig())
    False
    """
    size = config.shingle_size
    mine = query.shingles(size).in_order
    theirs, their_set = source.shingles(size)
    if mine.shape[0] == 0 or theirs.shape[0] == 0:
        return False
    at = np.minimum(np.searchsorted(their_set, mine), their_set.shape[0] - 1)
    in_common = their_set[at] == mine
    # The query's words inside some phrase the two share.
    covered = np.zeros(mine.shape[0] + size - 1, dtype=bool)
    starts = np.flatnonzero(in_common)
    for offset in range(size):
        covered[starts + offset] = True
    if int(covered.sum()) >= config.min_words:
        return True
    # Distinct by sorting: numpy's unique imports numpy.ma at its first plain call, a
    # thirtieth of a second in every worker process.
    shared = np.intersect1d(
        winnow(theirs, config.winnow_window), distinct(mine[in_common]), assume_unique=True
    )
    reach = 2 * config.max_gap
    for phrase in shared[:_PHRASES_LOOKED_AT]:
        i, j = int(np.argmax(mine == phrase)), int(np.argmax(theirs == phrase))
        around_mine = _context_stems(query, i, size, reach)
        around_theirs = _context_stems(source, j, size, reach)
        if np.intersect1d(around_mine, around_theirs, assume_unique=True).shape[0] * 2 >= config.min_words:
            return True
    return False


def _context_stems(tokens: Tokens, start: int, size: int, reach: int) -> np.ndarray:
    """Distinct content stems within ``reach`` words before and after the phrase of
    ``size`` words at ``start``, the phrase's own words left out."""
    after = start + size
    before = np.arange(max(0, start - reach), start)
    near = np.concatenate([before, np.arange(after, min(len(tokens), after + reach))])
    near = near[~tokens.stopword_mask[near]]
    return distinct(tokens.stem_hashes[near])
