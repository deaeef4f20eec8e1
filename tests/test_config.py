"""Settings: validation, one description per setting, and whose settings a check uses."""

from __future__ import annotations

import dataclasses

import pytest

from simcheck import CheckConfig, ConfigError, Corpus, Document, check
from simcheck.config import help_of

SOURCE = Document(
    "berlin.txt",
    "In August 1961 East German soldiers began building the wall that would divide Berlin "
    "for twenty-eight years. Families were separated overnight and the city became a symbol.",
)
# One copied sentence of 19 words: reported at min_words 10, not at 50.
ESSAY = (
    "My essay opens with words of my own about the city. In August 1961 East German soldiers "
    "began building the wall that would divide Berlin for twenty-eight years."
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_words": 0}, "min_words must be an integer >= 1, got 0"),
        ({"shingle_size": True}, "shingle_size must be an integer >= 1, got True"),
        ({"num_perm": 100}, "num_perm (100) must be a multiple of lsh_bands (16)"),
        ({"sentence_cosine": 1.5}, "sentence_cosine must be a number with 0 <= value <= 1, got 1.5"),
        ({"max_fingerprint_df": 0}, "max_fingerprint_df must be a number with 0 < value <= 1, got 0"),
        ({"common_threshold": 1}, "common_threshold must be an integer >= 2, got 1"),
        ({"language": "klingon"}, "language must be one of"),
    ],
)
def test_a_bad_value_names_the_setting_and_its_range(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CheckConfig(**changes)  # type: ignore[arg-type]


def test_replace_refuses_unknown_settings() -> None:
    assert CheckConfig().replace(min_words=20).min_words == 20
    with pytest.raises(ConfigError, match="unknown setting\\(s\\): min_word"):
        CheckConfig().replace(min_word=20)


def test_every_setting_is_described_once_and_the_docstring_is_made_from_it() -> None:
    doc = CheckConfig.__doc__ or ""
    for field in dataclasses.fields(CheckConfig):
        text = field.metadata["help"]
        assert text.startswith(help_of(field.name).rstrip(".")), field.name
        assert f"{field.name} : {field.type}, default={field.default!r}" in doc
        assert text in doc


def test_index_and_batch_settings_come_from_the_fields() -> None:
    assert CheckConfig.INDEX_SETTINGS == (
        "shingle_size",
        "winnow_window",
        "num_perm",
        "lsh_bands",
        "seed",
        "language",
    )
    assert CheckConfig.BATCH_SETTINGS == ("common_threshold",)


def test_a_callers_config_wins_over_a_ready_corpus() -> None:
    # A ready Corpus used to bring its own settings and silently replace the caller's.
    corpus = Corpus([SOURCE])
    strict = check(ESSAY, corpus, config=CheckConfig(min_words=50))
    assert strict.settings["min_words"] == 50
    assert strict.matches == ()
    assert check(ESSAY, [SOURCE], config=CheckConfig(min_words=50)).to_json() == strict.to_json()
    assert len(check(ESSAY, corpus).matches) == 1  # no config: the corpus's own (the defaults)


def test_a_ready_corpus_without_a_config_lends_its_settings() -> None:
    corpus = Corpus([SOURCE], CheckConfig(min_words=50))
    assert check(ESSAY, corpus).settings["min_words"] == 50


def test_a_config_at_odds_with_what_shaped_the_corpus_is_an_error() -> None:
    corpus = Corpus([SOURCE])
    with pytest.raises(
        ConfigError, match="shingle_size=4 asked for, but the corpus was prepared with shingle_size=5"
    ):
        check(ESSAY, corpus, config=CheckConfig(shingle_size=4))
    # Settings that only the index shapes do not bind a corpus in memory.
    assert check(ESSAY, corpus, config=CheckConfig(num_perm=64)).settings["num_perm"] == 64


def test_the_common_threshold_is_a_share_of_the_class_unless_set() -> None:
    assert [CheckConfig().common_threshold_for(n) for n in (2, 12, 25, 26, 100)] == [3, 3, 4, 4, 15]
    assert CheckConfig(common_threshold=10).common_threshold_for(100) == 10
