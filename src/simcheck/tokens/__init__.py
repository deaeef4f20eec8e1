"""Words with character spans, their normal forms, and sentences.

``text`` is never rewritten: case folding, accent stripping and stemming apply to token
strings, and every token keeps the ``(start, end)`` span it came from.

The modules: :mod:`~simcheck.tokens.words` (finding words, normal forms, stems, stable
hashes), :mod:`~simcheck.tokens.lexicon` (each spelling resolved once per process),
:mod:`~simcheck.tokens.text` (a text's tokens and sentences), each importing only those
before it.
"""

from .lexicon import Lexicon, shared_lexicon
from .text import Ngrams, Sentence, SentenceVocabulary, Tokens
from .words import (
    WORD_RE,
    count_pairs,
    distinct,
    normalise,
    run_starts,
    shingle_hashes,
    stem,
    stop_stems,
    word_count,
    word_hash,
    word_hashes,
    word_pattern,
)

__all__ = [
    "WORD_RE",
    "Lexicon",
    "Ngrams",
    "Sentence",
    "SentenceVocabulary",
    "Tokens",
    "count_pairs",
    "distinct",
    "normalise",
    "run_starts",
    "shared_lexicon",
    "shingle_hashes",
    "stem",
    "stop_stems",
    "word_count",
    "word_hash",
    "word_hashes",
    "word_pattern",
]
