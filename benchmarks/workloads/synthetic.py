"""Synthetic essays and classes for benchmarks and equivalence checks.

Two kinds of writer, both seeded so every run makes the same files:

- :class:`EssayWriter`: real-English word frequencies (the ``wordfreq`` package), no
  topic. Essays share only common words: the easy case.
- :class:`TopicWriter`: one topic, as a real class writes on one prompt. Word pairs
  follow the bundled Cold War corpus (``corpora/coldwar``, written for this project),
  mixed with common English, so every essay shares topic phrases ("the Soviet Union",
  "nuclear weapons") with its classmates and with the corpus: the hard, realistic case.

:func:`topic_class` writes a class of such essays with planted copies from classmates
and from the corpus, and returns what was planted.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

VOCABULARY = 30_000
ROOT = Path(__file__).resolve().parents[2]
COLDWAR = ROOT / "corpora" / "coldwar"


class EssayWriter:
    """Words drawn with their English frequencies, sentences of 8-25 words, paragraphs of
    six sentences; a fixed seed, so runs are repeatable."""

    def __init__(self, seed: int = 7) -> None:
        from wordfreq import top_n_list, word_frequency  # only the benchmarks install it

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
        return edit_words(text, rate, self.rng, self.words[:5000])


def edit_words(text: str, rate: float, rng: np.random.Generator, others: np.ndarray) -> str:
    """Drop, replace or insert words at ``rate`` (light rewriting), new words drawn from
    ``others``."""
    out = []
    for word in text.split(" "):
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(str(others[int(rng.integers(0, len(others)))]))
            continue
        out.append(word)
        if roll < rate:
            out.append(str(others[int(rng.integers(0, len(others)))]))
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


def make_class(folder: Path, essays: int, pairs: int) -> set[tuple[str, str]]:
    """A class of topic-free essays, one folder per student, in which ``pairs`` pairs of
    students share a 40-150-word passage (half of them edited); the planted pairs."""
    writer = EssayWriter(seed=21)
    picker = random.Random(9)
    texts = {f"s{i:04d}": writer.essay(1000) for i in range(essays)}
    planted: set[tuple[str, str]] = set()
    students = sorted(texts)
    while len(planted) < pairs:
        source, copier = picker.sample(students, 2)
        if tuple(sorted((source, copier))) in planted:
            continue
        words = texts[source].split()
        length = picker.randint(40, 150)
        start = picker.randrange(0, len(words) - length)
        copied = " ".join(words[start : start + length])
        if picker.random() < 0.5:
            copied = writer.edit(copied, picker.uniform(0.03, 0.15))
        paragraphs = texts[copier].split("\n\n")
        paragraphs.insert(picker.randrange(1, len(paragraphs)), copied)
        texts[copier] = "\n\n".join(paragraphs)
        planted.add(tuple(sorted((source, copier))))  # type: ignore[arg-type]
    for student, text in texts.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        (folder / student / "essay.txt").write_text(text, encoding="utf-8")
    return planted


def cached_class(workdir: Path, essays: int, pairs: int) -> tuple[Path, set[tuple[str, ...]]]:
    """The class of ``essays`` in ``workdir`` and its planted pairs, made on first use."""
    folder = workdir / f"class-{essays}"
    truth = workdir / f"class-{essays}-pairs.json"
    if not truth.exists():
        planted = make_class(folder, essays, pairs)
        truth.write_text(json.dumps(sorted(planted)), encoding="utf-8")
    return folder, {tuple(pair) for pair in json.loads(truth.read_text(encoding="utf-8"))}


# --- one topic ----------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
# Chance of the next word following the corpus's word pairs rather than being drawn
# alone: high enough for topic phrases, low enough that long runs of the corpus are rare.
_FOLLOW = 0.6
# Words that may follow each other as in the corpus: its most frequent ones.
_COMMON = 2000


class TopicWriter:
    """Essays on the Cold War: a common word is followed, with probability ``_FOLLOW``,
    by a common word that follows it in the bundled corpus; any other word is drawn by
    its frequency in the corpus. Topic phrases ("the soviet union", "nuclear weapons")
    recur in every essay, as they do in a real class; rare words (names, places) come
    alone, so the corpus's own sentences are not strung back together.

    >>> writer = TopicWriter(seed=1)
    >>> essay = writer.essay(120)
    >>> 100 <= len(essay.split()) <= 140, essay[0].isupper()
    (True, True)
    """

    def __init__(self, seed: int = 7, corpus: Path = COLDWAR) -> None:
        self.rng = np.random.default_rng(seed)
        words: list[str] = []
        for path in sorted(corpus.glob("*.txt")):
            words.extend(w.lower() for w in _WORD.findall(path.read_text(encoding="utf-8")))
        vocabulary, ids, counts = np.unique(
            np.array(words, dtype=object), return_inverse=True, return_counts=True
        )
        self.vocabulary = vocabulary
        self.unigram = np.cumsum(counts / counts.sum())
        common = np.zeros(len(vocabulary), dtype=bool)
        common[np.argsort(-counts, kind="stable")[:_COMMON]] = True
        self.common = vocabulary[common]
        # Common words' common successors, with their counts, as one sorted array of pairs.
        pairs = np.stack([ids[:-1], ids[1:]], axis=1)
        pairs = pairs[common[pairs[:, 0]] & common[pairs[:, 1]]]
        unique, pair_counts = np.unique(pairs, axis=0, return_counts=True)
        self._pair_words = unique
        self._pair_counts = pair_counts
        self._first = np.searchsorted(unique[:, 0], np.arange(len(vocabulary)), side="left")
        self._last = np.searchsorted(unique[:, 0], np.arange(len(vocabulary)), side="right")

    def _next(self, word: int) -> int:
        first, last = self._first[word], self._last[word]
        if last > first and self.rng.random() < _FOLLOW:
            weights = self._pair_counts[first:last]
            pick = int(np.searchsorted(np.cumsum(weights), self.rng.random() * weights.sum(), side="right"))
            return int(self._pair_words[first + min(pick, last - first - 1), 1])
        return int(min(np.searchsorted(self.unigram, self.rng.random()), len(self.vocabulary) - 1))

    def sentence(self) -> str:
        length = int(self.rng.integers(9, 28))
        word = int(min(np.searchsorted(self.unigram, self.rng.random()), len(self.vocabulary) - 1))
        chosen = [word]
        while len(chosen) < length:
            word = self._next(word)
            chosen.append(word)
        text = " ".join(str(self.vocabulary[w]) for w in chosen)
        return text[0].upper() + text[1:] + "."

    def essay(self, words: int = 1000) -> str:
        sentences: list[str] = []
        count = 0
        while count < words:
            sentences.append(self.sentence())
            count += len(sentences[-1].split())
        paragraphs, at = [], 0
        while at < len(sentences):
            size = int(self.rng.integers(4, 8))
            paragraphs.append(" ".join(sentences[at : at + size]))
            at += size
        return "\n\n".join(paragraphs) + "\n"

    def edit(self, text: str, rate: float) -> str:
        """Drop, replace or insert words at ``rate`` (light rewriting)."""
        return edit_words(text, rate, self.rng, self.common)


def reword(text: str, rate: float, writer: TopicWriter, picker: random.Random) -> str:
    """A mechanical stand-in for rewording: the sentences in another order and ``rate``
    of the words dropped, replaced or joined by other topic words."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    picker.shuffle(sentences)
    return writer.edit(" ".join(sentences), rate)


@dataclass(frozen=True)
class Planted:
    """A passage planted in ``copier``'s essay from ``source`` (a classmate's folder or
    a corpus file name), ``words`` long, copied ``how`` (verbatim, or edited at ``rate``)."""

    copier: str
    source: str
    words: int
    how: str
    rate: float


def topic_class(
    folder: Path,
    essays: int,
    *,
    copies: float = 0.1,
    seed: int = 21,
    corpus: Path = COLDWAR,
) -> list[Planted]:
    """A class of ``essays`` essays of 700 to 1,400 words on the corpus's topic, one
    folder per student (``s0000/essay.txt``), in which a ``copies`` share of students
    paste a 40-150-word passage from a classmate or from the corpus: verbatim, edited at
    3-15% of the words, or reworded (its sentences in another order and 25-35% of its
    words changed). Writes ``FOLDER-planted.json`` beside the class and returns it."""
    writer = TopicWriter(seed, corpus)
    picker = random.Random(seed)
    texts = {f"s{i:04d}": writer.essay(picker.randint(700, 1400)) for i in range(essays)}
    sources = {path.name: path.read_text(encoding="utf-8") for path in sorted(corpus.glob("*.txt"))}
    students = sorted(texts)
    copiers = picker.sample(students, round(copies * essays))
    planted = []
    for copier in copiers:
        if picker.random() < 0.5:
            source = picker.choice([s for s in students if s != copier])
            words = texts[source].split()
        else:
            source = picker.choice(sorted(sources))
            words = sources[source].split()
        length = min(picker.randint(40, 150), len(words) - 1)
        start = picker.randrange(0, len(words) - length)
        copied = " ".join(words[start : start + length])
        how, rate = picker.choice(["verbatim", "edited", "reworded"]), 0.0
        if how == "edited":
            rate = round(picker.uniform(0.03, 0.15), 3)
            copied = writer.edit(copied, rate)
        elif how == "reworded":
            rate = round(picker.uniform(0.25, 0.35), 3)
            copied = reword(copied, rate, writer, picker)
        paragraphs = texts[copier].split("\n\n")
        paragraphs.insert(picker.randrange(1, len(paragraphs)), copied)
        texts[copier] = "\n\n".join(paragraphs)
        planted.append(Planted(copier, source, length, how, rate))
    for student, text in texts.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        (folder / student / "essay.txt").write_text(text, encoding="utf-8")
    (folder.parent / f"{folder.name}-planted.json").write_text(
        json.dumps([asdict(p) for p in planted], indent=1), encoding="utf-8"
    )
    return planted


def cached_topic_class(workdir: Path, essays: int) -> tuple[Path, set[tuple[str, ...]]]:
    """The same-topic class of ``essays`` in ``workdir`` (made on first use) and its
    planted pairs of classmates (a copy from the corpus makes no pair of students)."""
    folder = workdir / f"topic-{essays}"
    truth = workdir / f"topic-{essays}-planted.json"
    if not truth.exists():
        topic_class(folder, essays)
    students = {path.name for path in folder.iterdir()}
    planted = json.loads(truth.read_text(encoding="utf-8"))
    return folder, {tuple(sorted((p["copier"], p["source"]))) for p in planted if p["source"] in students}
