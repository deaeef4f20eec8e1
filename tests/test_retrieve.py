"""The corpus in memory (simcheck.retrieve.Corpus) and the candidates it gives a query:
ranked by shared fingerprints, common fingerprints ignored in a large corpus, documents
left out on request, a file's own copy, pickling, its description, and TF-IDF rows that
are scikit-learn's."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from conftest import AIRLIFT, GARDEN, THAW
from simcheck import CheckConfig, Corpus, Document
from simcheck.fingerprint import fingerprint_tokens
from simcheck.load import load_document
from simcheck.models import Candidate
from simcheck.tokens import Tokens

MARSHALL = (
    "The Marshall Plan sent American money to rebuild western Europe after the war, and "
    "Stalin forbade the countries of eastern Europe to take any of it. "
)
# All of AIRLIFT and the first half of THAW, between words of the student's own.
ESSAY = (
    "My essay opens with a sentence of my own about the early Cold War. "
    + AIRLIFT
    + " In between I add a thought of my own. "
    + THAW[: THAW.index(" and in 1956")]
    + "."
)
SOURCES = [
    Document("airlift.txt", "Berlin, 1948. " + AIRLIFT + " The airlift ended in September 1949."),
    Document("thaw.txt", "Moscow after Stalin. " + THAW),
    Document("garden.txt", GARDEN),
]

# Twenty documents on other subjects, for a corpus large enough to judge which
# fingerprints are common (MIN_DOCS_FOR_DF_CAP).
TOPICS = [
    "Volcanoes form where tectonic plates pull apart or dive beneath one another.",
    "Honeybees dance to tell their sisters where the best flowers grow.",
    "A sourdough starter needs flour, water and patience before it rises.",
    "The tides follow the moon, and twice a day the harbour empties.",
    "Chess openings were catalogued long before computers played the game.",
    "Glaciers grind valleys into a U shape over many thousands of years.",
    "Octopuses change colour with pigment cells spread across their skin.",
    "Knitting a sock begins at the cuff and ends with a grafted toe.",
    "Comets grow tails of gas and dust as they swing close to the sun.",
    "Violin makers season spruce and maple for years before carving.",
    "A marathon runner eats pasta the night before the race.",
    "Lighthouses once burned whale oil behind great glass lenses.",
    "Mushrooms are the fruit of a network of threads under the soil.",
    "Penguins huddle together through the long Antarctic winter.",
    "Printing presses spread pamphlets across Europe within decades.",
    "Coral reefs bleach when warm water drives out their algae.",
    "A bicycle stays upright because its wheels steer into a fall.",
    "Tea reached England from China by way of Dutch merchants.",
    "Earthworms turn fallen leaves into dark and crumbly soil.",
    "Clockmakers in Geneva trained apprentices for seven years.",
]
# In five of the twenty documents (25%, over max_fingerprint_df's 20%)...
COMMON = (
    "The Marshall Plan sent more than thirteen billion dollars of American aid to rebuild the "
    "economies of Western Europe after the Second World War had ended."
)
# ...and in four (20%, not over it).
RARE = (
    "Containment meant that the United States would resist Soviet expansion wherever it appeared, "
    "using economic aid, alliances and, when necessary, military force."
)

# Words repeated within a document, so that the sublinear term frequency matters.
TFIDF_DOCUMENTS = [
    Document("wall.txt", "Berlin wall. The wall divided Berlin, and the wall fell in Berlin in 1989."),
    Document("cuba.txt", "Missiles in Cuba: Kennedy saw the missiles, Khrushchev removed the missiles."),
    Document("korea.txt", "Korea was divided. The war in Korea began in 1950 and Korea stayed divided."),
    Document("space.txt", "Sputnik, then Gagarin, then Apollo: the race to space became a race to the moon."),
]
TFIDF_QUERY = "The wall in Berlin and the missiles in Cuba: Berlin, Cuba, Berlin, Havana and the moon."


def _topic_corpus(documents: int, config: CheckConfig | None = None) -> Corpus:
    texts = [
        topic + (" " + COMMON if number < 5 else " " + RARE if number < 9 else "")
        for number, topic in enumerate(TOPICS[:documents])
    ]
    return Corpus([Document(f"d{n:02d}.txt", text) for n, text in enumerate(texts)], config)


def _with_evidence(candidates: list[Candidate]) -> set[str]:
    return {c.doc_id for c in candidates if c.shared_fingerprints > 0}


def test_candidates_are_ranked_by_shared_fingerprints() -> None:
    corpus = Corpus(SOURCES)
    candidates = corpus.candidates(Tokens(ESSAY), corpus.config)
    # The whole copy shares more fingerprints than the half copy; the garden shares no
    # passage, and likeness of the whole documents makes no candidate.
    assert [c.doc_id for c in candidates] == ["airlift.txt", "thaw.txt"]
    assert [c.key for c in candidates] == [0, 1]
    assert candidates[0].shared_fingerprints > candidates[1].shared_fingerprints > 0


def test_every_candidate_has_passage_evidence_and_is_ranked_by_it() -> None:
    corpus = _topic_corpus(20)
    candidates = corpus.candidates(Tokens("Two quotations. " + COMMON + " And then. " + RARE), corpus.config)
    order = [(-c.shared_fingerprints, -c.window_terms, c.key) for c in candidates]
    assert order == sorted(order)
    assert candidates and all(c.shared_fingerprints > 0 or c.window_terms > 0 for c in candidates)
    # Documents on a topic of their own, sharing no passage, are not proposed.
    assert {c.key for c in candidates} <= set(range(9))


def test_a_fingerprint_in_too_many_documents_gives_no_evidence() -> None:
    query = Tokens("Two quotations. " + COMMON + " And then. " + RARE)
    large = _topic_corpus(20)  # COMMON in 5 of 20 documents: over the cap of 4
    found = large.candidates(query, large.config)
    assert _with_evidence(found) == {"d05.txt", "d06.txt", "d07.txt", "d08.txt"}
    assert all(c.shared_fingerprints == 0 for c in found if c.key < 5)
    # A higher cap keeps it.
    assert _with_evidence(large.candidates(query, CheckConfig(max_fingerprint_df=0.25))) == {
        f"d{n:02d}.txt" for n in range(9)
    }
    # 19 documents are too few to judge which phrases are common: every fingerprint counts.
    small = _topic_corpus(19)
    assert _with_evidence(small.candidates(query, small.config)) == {f"d{n:02d}.txt" for n in range(9)}


def test_exclude_leaves_documents_out() -> None:
    corpus = Corpus(SOURCES)
    query = Tokens(ESSAY)
    everything = corpus.candidates(query, corpus.config)
    assert [c.doc_id for c in corpus.candidates(query, corpus.config, exclude=[0])] == ["thaw.txt"]
    assert corpus.candidates(query, corpus.config, exclude=[0, 1]) == []
    assert corpus.candidates(query, corpus.config, exclude=[2]) == everything  # not a candidate anyway


def test_exclude_leaves_out_only_the_excluded() -> None:
    # The number of candidates follows the evidence: leaving one out leaves the others.
    corpus = _topic_corpus(19)
    query = Tokens("Two quotations. " + COMMON + " And then. " + RARE)
    every = corpus.candidates(query, corpus.config)
    assert len(every) == 9
    rest = corpus.candidates(query, corpus.config, exclude=[every[0].key])
    assert rest == every[1:]


def test_a_reworded_window_makes_a_candidate_without_shared_fingerprints() -> None:
    # Sentences reordered and reworded: no five words in a row survive, the rare ones do.
    source = Document(
        "airlift.txt",
        "Pilots landed at Tempelhof every few minutes. Coal, flour and powdered milk came in "
        "from Wiesbaden and Celle. General Clay and Colonel Halvorsen ran the operation, and "
        "the candy drops made Halvorsen famous. The Soviets lifted the blockade in May 1949.",
    )
    essay = (
        "My own opening line. In May 1949 Moscow finally ended its blockade. Halvorsen became "
        "famous for dropping candy, while he and Clay ran the whole effort. Planes took off "
        "from Celle and Wiesbaden carrying milk powder, flour and coal, and one touched down at "
        "Tempelhof every couple of minutes."
    )
    corpus = Corpus([source, *[Document(f"d{n:02d}.txt", topic) for n, topic in enumerate(TOPICS)]])
    (candidate,) = corpus.candidates(Tokens(essay), corpus.config)
    assert candidate.doc_id == "airlift.txt" and candidate.shared_fingerprints == 0
    assert candidate.window_terms >= 3


def test_own_copy_is_the_document_loaded_from_the_same_file(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "airlift.txt").write_text(AIRLIFT, encoding="utf-8")
    (folder / "thaw.txt").write_text(THAW, encoding="utf-8")
    corpus = Corpus.from_folder(folder)
    assert corpus.doc_ids == ["airlift.txt", "thaw.txt"]
    assert corpus.own_copy(load_document(folder / "thaw.txt")) == 1
    (tmp_path / "link.txt").symlink_to(folder / "thaw.txt")
    assert corpus.own_copy(load_document(tmp_path / "link.txt")) == 1  # the same file
    shutil.copy(folder / "thaw.txt", tmp_path / "copy.txt")
    assert corpus.own_copy(load_document(tmp_path / "copy.txt")) is None  # the same text, another file
    assert corpus.own_copy(Document("thaw.txt", THAW)) is None  # text given directly: no file
    assert Corpus(SOURCES).own_copy(load_document(folder / "thaw.txt")) is None


def test_a_corpus_pickles_without_its_lexicon_and_still_answers() -> None:
    corpus = Corpus(
        [Document("a.txt", MARSHALL * 3), Document("b.txt", "Khrushchev denounced Stalin in 1956.")]
    )
    copy = pickle.loads(pickle.dumps(corpus))
    assert copy._lexicon is None
    assert copy.tokens(0).words == corpus.tokens(0).words
    assert [c.doc_id for c in copy.candidates(corpus.tokens(0), corpus.config)] == ["a.txt"]


def test_a_pickled_corpus_gives_the_same_candidates_and_cosines() -> None:
    corpus = Corpus(SOURCES, CheckConfig(min_words=12))
    copy = pickle.loads(pickle.dumps(corpus))
    assert copy.config == corpus.config and copy.doc_ids == corpus.doc_ids
    query = Tokens(ESSAY)
    assert copy.candidates(query, copy.config) == corpus.candidates(query, corpus.config)
    for key in range(len(SOURCES)):
        assert copy.tfidf_cosine(query, key) == corpus.tfidf_cosine(query, key)


def test_describe_says_where_the_documents_came_from(tmp_path: Path) -> None:
    assert Corpus(SOURCES).describe() == "3 documents given directly"
    assert Corpus(SOURCES[:1]).describe() == "1 document given directly"
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "airlift.txt").write_text(AIRLIFT, encoding="utf-8")
    assert Corpus.from_folder(folder).describe() == f"folder {folder} (1 document)"
    (folder / "thaw.txt").write_text(THAW, encoding="utf-8")
    assert Corpus.from_folder(str(folder)).describe() == f"folder {folder} (2 documents)"


def test_tfidf_rows_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import TfidfTransformer

    corpus = Corpus(TFIDF_DOCUMENTS)
    counted = [fingerprint_tokens(Tokens(d.text), corpus.config) for d in TFIDF_DOCUMENTS]
    vocabulary = np.unique(np.concatenate([c.terms for c in counted]))
    counts = np.zeros((len(counted), vocabulary.shape[0]))
    for row, c in enumerate(counted):
        counts[row, np.searchsorted(vocabulary, c.terms)] = c.counts
    assert counts.max() == 3  # a word three times: 1 + ln(3), not 3
    transformer = TfidfTransformer(sublinear_tf=True)
    expected = transformer.fit_transform(counts).toarray()
    assert np.array_equal(corpus._vocabulary, vocabulary)
    rows = np.zeros_like(expected)
    for key in range(len(TFIDF_DOCUMENTS)):
        columns, weights = corpus._row(key)
        rows[key, columns] = weights
    assert np.abs(rows - expected).max() <= 1e-12
    # A query is weighted with the corpus's document frequencies, its unknown words left out.
    query = Tokens(TFIDF_QUERY)
    asked = fingerprint_tokens(query, corpus.config)
    known = np.isin(asked.terms, vocabulary)
    assert not known.all()  # "Havana" is in no document
    row = np.zeros((1, vocabulary.shape[0]))
    row[0, np.searchsorted(vocabulary, asked.terms[known])] = asked.counts[known]
    vector = transformer.transform(row).toarray()[0]
    for key in range(len(TFIDF_DOCUMENTS)):
        assert abs(corpus.tfidf_cosine(query, key) - float(expected[key] @ vector)) <= 1e-12


def test_a_corpus_of_function_words_only_gives_no_candidates() -> None:
    # It failed with an IndexError: its vocabulary is empty.
    corpus = Corpus([Document("a.txt", "It is what it is.")])
    assert corpus.candidates(Tokens("The Berlin Wall fell in 1989."), corpus.config) == []


@given(
    st.lists(st.integers(0, 40), max_size=30),
    st.lists(st.lists(st.integers(0, 40), max_size=12), max_size=6),
)
def test_a_vocabulary_counts_batches_as_unique_would(stored: list[int], batches: list[list[int]]) -> None:
    # An index's writer counts each batch's words by looking them up in the vocabulary
    # it keeps, instead of sorting the batch: the same words, places and frequencies.
    from simcheck.frequencies import Vocabulary

    start = np.array(sorted(set(stored)), dtype=np.uint64)
    vocabulary = Vocabulary(start, np.ones(start.shape[0], dtype=np.int64))
    expected = dict.fromkeys(start.tolist(), 1)
    for batch in batches:
        held = np.array(batch, dtype=np.uint64)
        words, where, df = vocabulary.add(held)
        unique, inverse = np.unique(held, return_inverse=True)
        assert words.tolist() == unique.tolist() and where.tolist() == inverse.tolist()
        for word in batch:
            expected[word] = expected.get(word, 0) + 1
        assert df.tolist() == [expected[w] for w in unique.tolist()]
    assert vocabulary.terms.tolist() == sorted(expected)
    assert vocabulary.df.tolist() == [expected[w] for w in sorted(expected)]
