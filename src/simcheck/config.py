"""Every setting simcheck uses, with its default, in one frozen dataclass.

Override with :func:`dataclasses.replace` or keyword arguments; the same names are the
CLI options (``min_words`` is ``--min-words``), the JSON ``settings`` keys and the CSV
columns where they appear.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from .errors import ConfigError


@dataclass(frozen=True)
class CheckConfig:
    """Settings of one check.

    Parameters
    ----------
    shingle_size : int, default=5
        Words per shingle for the retrieval fingerprints and the MinHash signatures.
    winnow_window : int, default=14
        Winnowing window: any run of ``shingle_size + winnow_window - 1`` (18) shared
        words is guaranteed to share a fingerprint; shorter or edited copies usually
        do, as a query looks up every one of its shingles. About one shingle in eight
        is kept.
    seed_size : int, default=3
        Words per n-gram seed in passage alignment (stemmed, case-folded).
    max_gap : int, default=16
        Words that may separate two pieces of evidence (on either side) and still be
        merged into one passage.
    min_words : int, default=10
        A passage shorter than this (submission words) is not reported.
    sentence_cosine : float, default=0.45
        TF-IDF cosine of two sentences above which they seed a paraphrase passage.
    sentence_dice : float, default=0.35
        Dice coefficient of the sentences' content-word stems also required of a
        sentence seed.
    num_perm : int, default=128
        MinHash permutations (datasketch ``num_perm``).
    lsh_bands : int, default=16
        LSH bands of the MinHash signature in a saved index; ``num_perm`` must be a
        multiple. With 16 bands of 8 rows, documents with a Jaccard estimate near 0.7 or
        above share a band (near-duplicates).
    seed : int, default=1
        MinHash seed (datasketch ``seed``); fixed so results are reproducible.
    max_candidates : int, default=30
        Corpus documents aligned per check, ranked by shared fingerprints.
    tfidf_neighbours : int, default=5
        Corpus documents nearest by whole-document TF-IDF cosine also aligned, so that
        paraphrase with no shared shingles is still examined.
    min_tfidf_cosine : float, default=0.2
        TF-IDF neighbours below this cosine are not aligned.
    max_fingerprint_df : float, default=0.2
        Fingerprints found in more than this share of corpus documents are common
        phrases and give no evidence (MOSS-style cap); only applied to corpora of
        at least 20 documents.
    common_threshold : int, default=10
        In a batch, a passage found in more than this many submissions is common text
        (a stock phrase, a shared handout) and not counted, like MOSS's ``-m``.
    language : str, default="english"
        Snowball stemmer language.

    Examples
    --------
    >>> CheckConfig(min_words=5).min_words
    5
    >>> CheckConfig(min_words=0)
    Traceback (most recent call last):
    ...
    simcheck.errors.ConfigError: min_words must be an integer >= 1, got 0
    """

    shingle_size: int = 5
    winnow_window: int = 14
    seed_size: int = 3
    max_gap: int = 16
    min_words: int = 10
    sentence_cosine: float = 0.45
    sentence_dice: float = 0.35
    num_perm: int = 128
    lsh_bands: int = 16
    seed: int = 1
    max_candidates: int = 30
    tfidf_neighbours: int = 5
    min_tfidf_cosine: float = 0.2
    max_fingerprint_df: float = 0.2
    common_threshold: int = 10
    language: str = "english"

    def __post_init__(self) -> None:
        _positive_int(self, "shingle_size")
        _positive_int(self, "winnow_window")
        _positive_int(self, "seed_size")
        _positive_int(self, "min_words")
        _positive_int(self, "num_perm")
        _positive_int(self, "lsh_bands")
        if self.num_perm % self.lsh_bands:
            raise ConfigError(
                f"num_perm ({self.num_perm}) must be a multiple of lsh_bands ({self.lsh_bands})"
            )
        _positive_int(self, "max_candidates")
        _int_at_least(self, "common_threshold", 2)
        _int_at_least(self, "max_gap", 0)
        _int_at_least(self, "seed", 0)
        _int_at_least(self, "tfidf_neighbours", 0)
        for name in ("sentence_cosine", "sentence_dice", "min_tfidf_cosine"):
            _fraction(self, name)
        _fraction(self, "max_fingerprint_df", low_open=True)
        import snowballstemmer

        if self.language not in snowballstemmer.algorithms():
            raise ConfigError(
                f"language must be one of {', '.join(snowballstemmer.algorithms())}, got {self.language!r}"
            )

    def replace(self, **changes: Any) -> CheckConfig:
        """Return a copy with ``changes`` applied and validated."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)

    #: Settings a saved index is built with; a query must use the same values.
    INDEX_SETTINGS: ClassVar[tuple[str, ...]] = (
        "shingle_size",
        "winnow_window",
        "num_perm",
        "seed",
        "lsh_bands",
        "language",
    )

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (the ``settings`` object of a report)."""
        return dataclasses.asdict(self)


def _int_at_least(config: CheckConfig, name: str, low: int) -> None:
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}")


def _positive_int(config: CheckConfig, name: str) -> None:
    _int_at_least(config, name, 1)


def _fraction(config: CheckConfig, name: str, *, low_open: bool = False) -> None:
    value = getattr(config, name)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and (0 < value <= 1 if low_open else 0 <= value <= 1)
    if not ok:
        bound = "0 < value <= 1" if low_open else "0 <= value <= 1"
        raise ConfigError(f"{name} must be a number with {bound}, got {value!r}")
