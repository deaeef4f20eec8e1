"""Synthetic essays with real-English word frequencies (the ``wordfreq`` package).

Shared by the benchmark scripts: a corpus of random-but-plausible essays, and a query
essay with planted verbatim and edited passages from known corpus essays.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from wordfreq import top_n_list, word_frequency

VOCABULARY = 30_000


class EssayWriter:
    """Words drawn with their English frequencies, sentences of 8-25 words, paragraphs of
    six sentences; a fixed seed, so runs are repeatable."""

    def __init__(self, seed: int = 7) -> None:
        self.words = np.array(top_n_list("en", VOCABULARY), dtype=object)
        weights = np.array([word_frequency(w, "en") for w in self.words])
        self.cumulative = np.cumsum(weights / weights.sum())
        self.rng = np.random.default_rng(seed)

    def essay(self, words: int = 1000) -> str:
        picks = np.minimum(np.searchsorted(self.cumulative, self.rng.random(words)), len(self.words) - 1)
        tokens = list(self.words[picks])
        sentences, position = [], 0
        while position < len(tokens):
            length = int(self.rng.integers(8, 26))
            sentences.append(" ".join(tokens[position : position + length]).capitalize() + ".")
            position += length
        paragraphs = [" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
        return "\n\n".join(paragraphs) + "\n"

    def edit(self, text: str, rate: float) -> str:
        """Drop, replace or insert words at ``rate`` (light rewriting)."""
        out = []
        for word in text.split(" "):
            roll = self.rng.random()
            if roll < rate / 3:
                continue
            if roll < 2 * rate / 3:
                out.append(str(self.words[int(self.rng.integers(0, 5000))]))
                continue
            out.append(word)
            if roll < rate:
                out.append(str(self.words[int(self.rng.integers(0, 5000))]))
        return " ".join(out)


def passage(text: str, words: int, rng: np.random.Generator) -> str:
    tokens = text.split()
    start = int(rng.integers(0, max(1, len(tokens) - words)))
    return " ".join(tokens[start : start + words])


def write_corpus(folder: Path, count: int, words: int = 1000, seed: int = 7) -> list[Path]:
    """``count`` essays of about ``words`` words in ``folder``; existing ones are kept."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"essay-{i:06d}.txt" for i in range(count)]
    if all(p.exists() for p in paths):
        return paths
    writer = EssayWriter(seed)
    for path in paths:
        path.write_text(writer.essay(words), encoding="utf-8")
    return paths
