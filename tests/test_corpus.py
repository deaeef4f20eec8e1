"""The corpus seam (simcheck.corpus): both stores, the in-memory Corpus and the saved Index,
serve CorpusLike and give a check the same passages; settings_for lets a caller's
settings win unless they contradict those that shaped the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import AIRLIFT, GARDEN, THAW
from simcheck import CheckConfig, ConfigError, Corpus, Document, check
from simcheck.corpus import CorpusLike, settings_for
from simcheck.index import Index
from simcheck.load import load_document
from simcheck.models import CheckResult
from simcheck.tokens import Tokens

DOCUMENTS = {
    "airlift.txt": "Berlin, 1948. " + AIRLIFT + " The airlift ended in September 1949.",
    "thaw.txt": "Moscow after Stalin. " + THAW,
    "garden.txt": GARDEN,
}
# All of AIRLIFT pasted; half of THAW with its words changed here and there.
ESSAY = (
    "My essay opens with a sentence of my own about the early Cold War. "
    + AIRLIFT
    + " In between I add a thought of my own. After Stalin died in 1953 the men who followed him "
    "let many prisoners out of the labour camps and allowed a little more freedom to writers."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "folder"
    path.mkdir()
    for name, text in DOCUMENTS.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def index(folder: Path, tmp_path: Path) -> Iterator[Index]:
    built, result = Index.build(tmp_path / "folder.simcheck", [folder])
    assert sorted(result.added) == sorted(f"folder/{name}" for name in DOCUMENTS)
    with built:
        yield built


def _passages(result: CheckResult, prefix: str = "") -> list[tuple[object, ...]]:
    """Each match without the store's name for its source (an Index names a document after
    the folder it was added from)."""
    return [
        (
            m.source.removeprefix(prefix),
            m.submission_start,
            m.submission_end,
            m.source_start,
            m.source_end,
            m.submission_text,
            m.source_text,
            m.words,
            m.identical_words,
            m.kind,
            m.excluded,
        )
        for m in result.matches
    ]


def test_both_stores_are_corpus_like(folder: Path, index: Index) -> None:
    corpus = Corpus.from_folder(folder)
    assert isinstance(corpus, CorpusLike)
    assert isinstance(index, CorpusLike)
    assert not isinstance([Document(name, text) for name, text in DOCUMENTS.items()], CorpusLike)
    assert len(corpus) == len(index) == 3
    assert corpus.describe() == f"folder {folder} (3 documents)"
    assert index.describe() == f"index {index.path} (3 documents)"
    assert corpus.skipped == index.skipped == ()


def test_the_same_check_finds_the_same_passages_in_both(folder: Path, index: Index) -> None:
    in_memory = check(ESSAY, Corpus.from_folder(folder))
    saved = check(ESSAY, index)
    assert {s.source for s in saved.sources} == {"folder/airlift.txt", "folder/thaw.txt"}
    assert _passages(saved, "folder/") == _passages(in_memory)
    assert [m.kind for m in in_memory.matches] == ["verbatim", "edited"]
    assert saved.similarity == in_memory.similarity > 50
    assert saved.documents == in_memory.documents

    def scores(result: CheckResult, prefix: str = "") -> list[tuple[object, ...]]:
        return [
            (
                s.source.removeprefix(prefix),
                s.similarity,
                s.identical,
                s.words,
                s.passages,
                s.jaccard_estimate,
            )
            for s in result.sources
        ]

    assert scores(saved, "folder/") == scores(in_memory)
    # A list of documents is a third way to give the same corpus.
    listed = check(ESSAY, [Document(name, text) for name, text in DOCUMENTS.items()])
    assert _passages(listed) == _passages(in_memory)


def test_both_stores_serve_a_document_its_tokens_and_its_text(folder: Path, index: Index) -> None:
    corpus = Corpus.from_folder(folder)
    query = Tokens(ESSAY)
    for store, prefix in ((corpus, ""), (index, "folder/")):
        candidates = store.candidates(query, store.config)
        assert [c.doc_id for c in candidates] == [f"{prefix}airlift.txt", f"{prefix}thaw.txt"]
        for candidate in candidates:
            document = store.document(candidate.key)
            assert document.doc_id == candidate.doc_id
            assert document.text == DOCUMENTS[candidate.doc_id.removeprefix(prefix)]
            assert store.tokens(candidate.key).words == Tokens(document.text).words
            assert store.text_of(candidate.doc_id) == document.text
            assert 0 < store.tfidf_cosine(query, candidate.key) <= 1
        left = store.candidates(query, store.config, exclude=[candidates[0].key])
        assert [c.doc_id for c in left] == [f"{prefix}thaw.txt"]
        assert store.text_of("no-such.txt") is None


def test_both_stores_give_the_same_tfidf_cosine(folder: Path, index: Index) -> None:
    corpus = Corpus.from_folder(folder)
    query = Tokens(ESSAY)
    keys = {index.document(key).doc_id: key for key in range(1, len(index) + 1)}  # row ids
    for name in ("airlift.txt", "thaw.txt", "garden.txt"):
        in_memory = corpus.tfidf_cosine(query, corpus.doc_ids.index(name))
        saved = index.tfidf_cosine(query, keys[f"folder/{name}"])
        assert saved == pytest.approx(in_memory, abs=1e-9), name


def test_a_files_own_copy_is_found_in_both(folder: Path, index: Index) -> None:
    corpus = Corpus.from_folder(folder)
    own = load_document(folder / "thaw.txt")
    key = corpus.own_copy(own)
    assert key is not None and corpus.document(key).doc_id == "thaw.txt"
    key = index.own_copy(own)
    assert key is not None and index.document(key).doc_id == "folder/thaw.txt"
    # Checked from its own folder, a file is matched with neither store's copy of it.
    for store in (corpus, index):
        assert check(own, store).sources == ()


def test_settings_for_takes_the_callers_config_or_the_stores() -> None:
    shaped = Corpus([Document("airlift.txt", AIRLIFT)], CheckConfig(min_words=50))
    assert settings_for(None, shaped) is shaped.config
    mine = CheckConfig(min_words=12)
    assert settings_for(mine, shaped) is mine  # a caller's config wins
    # Settings that only shape an index do not bind a corpus in memory.
    lighter = CheckConfig(num_perm=64)
    assert settings_for(lighter, shaped) is lighter


@pytest.mark.parametrize(
    "setting, value, shown",
    [("shingle_size", 4, "4"), ("winnow_window", 7, "7"), ("language", "german", "'german'")],
)
def test_settings_for_refuses_a_setting_that_shaped_the_corpus(
    setting: str, value: object, shown: str
) -> None:
    corpus = Corpus([Document("airlift.txt", AIRLIFT)])
    with pytest.raises(ConfigError) as caught:
        settings_for(CheckConfig(**{setting: value}), corpus)  # type: ignore[arg-type]
    default = getattr(CheckConfig(), setting)
    assert str(caught.value) == (
        f"{setting}={shown} asked for, but the corpus was prepared with {setting}={default!r}; "
        "use the corpus's setting or prepare it again"
    )


def test_settings_for_an_index(folder: Path, tmp_path: Path) -> None:
    built, _ = Index.build(tmp_path / "light.simcheck", [folder], CheckConfig(num_perm=64))
    built.close()
    with Index(tmp_path / "light.simcheck") as index:
        assert settings_for(None, index).num_perm == 64  # the index's own settings
        mine = CheckConfig(num_perm=64, min_words=20)
        assert settings_for(mine, index) is mine
        with pytest.raises(
            ConfigError, match="num_perm=128 asked for, but the corpus was prepared with num_perm=64"
        ):
            settings_for(CheckConfig(), index)
        with pytest.raises(ConfigError, match="shingle_size=4 asked for"):
            settings_for(CheckConfig(shingle_size=4, num_perm=64), index)


def test_an_index_pickles_by_path_and_answers_alike(index: Index) -> None:
    # Workers receive the corpus itself: an Index reopens its file where it is unpickled.
    import pickle

    copy = pickle.loads(pickle.dumps(index))
    try:
        assert copy.path == index.path and copy.config == index.config and len(copy) == len(index)
        query = Tokens(ESSAY)
        assert copy.candidates(query, copy.config) == index.candidates(query, index.config)
    finally:
        copy.close()
