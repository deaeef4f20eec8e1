"""Every setting simcheck uses, with its default, in one frozen dataclass.

Override with :meth:`CheckConfig.replace` or keyword arguments; the same names are the
CLI options (``min_words`` is ``--min-words``), the JSON ``settings`` keys and the CSV
columns where they appear. Each setting's description is kept once, in its field's
metadata: the class docstring and the CLI's ``--help`` are both made from it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .errors import ConfigError

# By default, text in more submissions than this share of a class's students, and than
# MIN_COMMON_THRESHOLD, is common text: the prompt that five of 26 students paste is, a
# passage that three friends share is not.
COMMON_CLASS_SHARE = 0.15
MIN_COMMON_THRESHOLD = 3


def _setting(
    default: Any,
    help: str,
    *,
    shapes_index: bool = False,
    batch_only: bool = False,
    shown: str = "",
    percent: bool = False,
) -> Any:
    """A field with its description (first sentence: the CLI's help), where it applies,
    how its default reads where it is no plain value (``shown``), and whether it is a
    percentage (the CLI then takes ``20`` or ``20%``)."""
    metadata = {
        "help": help,
        "index": shapes_index,
        "batch": batch_only,
        "shown": shown or str(default),
        "percent": percent,
    }
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class CheckConfig:
    shingle_size: int = _setting(
        5, "Words per shingle in the retrieval fingerprints and the MinHash signatures.", shapes_index=True
    )
    winnow_window: int = _setting(
        14,
        "Winnowing window (fingerprint density). Any run of shingle_size + winnow_window - 1 "
        "(18) shared words is sure to share a fingerprint; shorter or edited copies usually do, "
        "as a query looks up every one of its shingles. About one shingle in eight is kept.",
        shapes_index=True,
    )
    seed_size: int = _setting(3, "Words per n-gram seed in alignment (stemmed, case-folded).")
    max_gap: int = _setting(
        16, "Words between two pieces of evidence (on either side) still merged into one passage."
    )
    min_words: int = _setting(10, "Shortest passage reported, in submission words.")
    sentence_cosine: float = _setting(
        0.45, "Sentence TF-IDF cosine above which two sentences seed a paraphrase."
    )
    sentence_dice: float = _setting(
        0.35, "Dice coefficient of the sentences' content-word stems also required of a paraphrase seed."
    )
    num_perm: int = _setting(128, "MinHash permutations (datasketch num_perm).", shapes_index=True)
    lsh_bands: int = _setting(
        16,
        "LSH bands of the MinHash signature in an index; num_perm must be a multiple. With 16 "
        "bands of 8 rows, documents with a Jaccard estimate near 0.7 or above share a band "
        "(near-duplicates).",
        shapes_index=True,
    )
    seed: int = _setting(
        1, "MinHash seed (datasketch seed); fixed so results are reproducible.", shapes_index=True
    )
    max_fingerprint_df: float = _setting(
        0.2,
        "Share of corpus documents above which a fingerprint is ignored. Such fingerprints are "
        "common phrases and give no evidence (MOSS-style cap); only applied to corpora of at "
        "least 20 documents.",
    )
    common_threshold: int | None = _setting(
        None,
        "Passages in more submissions than this are common text. In a batch such a passage (the "
        "prompt, a shared handout, a stock phrase) is not counted, like MOSS's -m. By default it "
        f"is {COMMON_CLASS_SHARE:.0%} of the class's students, and at least {MIN_COMMON_THRESHOLD}: a "
        "class of 12 has common text as one of 300 does, and a passage that a few students share "
        "stays theirs. Text that is most of the essay of most students holding it is never common: "
        "they handed in one essay.",
        batch_only=True,
        shown=f"{COMMON_CLASS_SHARE:.0%} of the students, at least {MIN_COMMON_THRESHOLD}",
    )
    language: str = _setting("english", "Stemmer language (Snowball).", shapes_index=True)
    flag_above: float = _setting(
        15.0,
        "Similarity above which a submission is flagged, in percent. A submission is also "
        "flagged by one counted passage of flag_passage_words; flagged means worth reading "
        "for copying, not proof of it. 15 is above every independent answer of the "
        "Clough-Stevenson corpus (the highest scores 12.1%), so short overlaps flag only "
        "when they add up to more than chance gives.",
        percent=True,
    )
    flag_passage_words: int = _setting(
        25,
        "Words of one counted passage that flag its submission whatever its similarity (0: "
        "only flag_above flags). A sentence or more taken from a source is worth reading in "
        "an essay of any length; a shorter overlap (a name and a date, a stock phrase) is "
        "common on one topic. 25 words is the shortest passage the PAN figures count as a "
        "case (BENCHMARKS.md).",
    )

    def common_threshold_for(self, students: int) -> int:
        """The common-text threshold for a class of ``students``: the one set, else
        ``COMMON_CLASS_SHARE`` of the class, at least ``MIN_COMMON_THRESHOLD``."""
        if self.common_threshold is not None:
            return self.common_threshold
        return max(MIN_COMMON_THRESHOLD, math.ceil(COMMON_CLASS_SHARE * students))

    def __post_init__(self) -> None:
        for name in ("shingle_size", "winnow_window", "seed_size", "min_words", "num_perm", "lsh_bands"):
            _int_at_least(self, name, 1)
        if self.num_perm % self.lsh_bands:
            raise ConfigError(
                f"num_perm ({self.num_perm}) must be a multiple of lsh_bands ({self.lsh_bands})"
            )
        if self.common_threshold is not None:
            _int_at_least(self, "common_threshold", 2)
        _int_at_least(self, "max_gap", 0)
        _int_at_least(self, "flag_passage_words", 0)
        number = isinstance(self.flag_above, (int, float)) and not isinstance(self.flag_above, bool)
        if not number or not 0 <= self.flag_above <= 100:
            raise ConfigError(f"flag_above must be a percentage from 0 to 100, got {self.flag_above!r}")
        object.__setattr__(self, "flag_above", float(self.flag_above))  # 20 and 20.0 report alike
        _int_at_least(self, "seed", 0)
        for name in ("sentence_cosine", "sentence_dice"):
            _fraction(self, name)
        _fraction(self, "max_fingerprint_df", low_open=True)
        import snowballstemmer  # the language list; the stemmer itself is imported by tokens

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
    INDEX_SETTINGS: ClassVar[tuple[str, ...]]
    #: Settings only a whole class uses (``batch``); ``check`` has no option for them.
    BATCH_SETTINGS: ClassVar[tuple[str, ...]]

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (the ``settings`` object of a report)."""
        return dataclasses.asdict(self)

    def conflicts(self, other: CheckConfig, names: tuple[str, ...]) -> list[str]:
        """The settings among ``names`` on which this config and ``other`` differ.

        >>> CheckConfig(shingle_size=4).conflicts(CheckConfig(), ("shingle_size", "seed"))
        ['shingle_size']
        """
        return [name for name in names if getattr(self, name) != getattr(other, name)]


def help_of(name: str) -> str:
    """The first sentence of a setting's description: its CLI help.

    >>> help_of("min_words")
    'Shortest passage reported, in submission words.'
    """
    text: str = CHECK_FIELDS[name].metadata["help"]
    first, dot, _ = text.partition(". ")
    return first + "." if dot else text


CHECK_FIELDS = {f.name: f for f in dataclasses.fields(CheckConfig)}
CheckConfig.INDEX_SETTINGS = tuple(name for name, f in CHECK_FIELDS.items() if f.metadata["index"])
CheckConfig.BATCH_SETTINGS = tuple(name for name, f in CHECK_FIELDS.items() if f.metadata["batch"])
CheckConfig.__doc__ = "\n".join(
    [
        "Settings of one check.",
        "",
        "Parameters",
        "----------",
        *(
            f"{name} : {f.type}, default={f.default!r}\n    {f.metadata['help']}"
            for name, f in CHECK_FIELDS.items()
        ),
        "",
        "Examples",
        "--------",
        ">>> CheckConfig(min_words=5).min_words",
        "5",
        ">>> CheckConfig(min_words=0)",
        "Traceback (most recent call last):",
        "...",
        "simcheck.errors.ConfigError: min_words must be an integer >= 1, got 0",
    ]
)


def _int_at_least(config: CheckConfig, name: str, low: int) -> None:
    value = getattr(config, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}")


def _fraction(config: CheckConfig, name: str, *, low_open: bool = False) -> None:
    value = getattr(config, name)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and (0 < value <= 1 if low_open else 0 <= value <= 1)
    if not ok:
        bound = "0 < value <= 1" if low_open else "0 <= value <= 1"
        raise ConfigError(f"{name} must be a number with {bound}, got {value!r}")
