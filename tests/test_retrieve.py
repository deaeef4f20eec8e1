"""The corpus in memory (simcheck.retrieve.Corpus) and the candidates it gives a query."""

from __future__ import annotations

import pickle

from simcheck import Corpus, Document

MARSHALL = (
    "The Marshall Plan sent American money to rebuild western Europe after the war, and "
    "Stalin forbade the countries of eastern Europe to take any of it. "
)


def test_a_corpus_pickles_without_its_lexicon_and_still_answers() -> None:
    corpus = Corpus(
        [Document("a.txt", MARSHALL * 3), Document("b.txt", "Khrushchev denounced Stalin in 1956.")]
    )
    copy = pickle.loads(pickle.dumps(corpus))
    assert copy._lexicon is None
    assert copy.tokens(0).words == corpus.tokens(0).words
    assert [c.doc_id for c in copy.candidates(corpus.tokens(0), corpus.config)] == ["a.txt"]
