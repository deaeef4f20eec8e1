"""Property tests (hypothesis): offsets exact on awkward Unicode, scores in range,
pair scores symmetric where they measure something symmetric."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simcheck import check
from simcheck.fingerprint import jaccard_estimate
from simcheck.load import decode_bytes, load_text
from simcheck.models import Document
from simcheck.retrieve import Corpus
from simcheck.tokens import Tokens

# Fixed examples, no shrinking database: the same cases on every machine and in CI.
settings.register_profile(
    "simcheck",
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("simcheck")

WORDS = (
    "containment airlift blockade treaty missile summit embargo détente Zürich naïve façade "
    "Khrushchev Gorbachev perestroika glasnost Berlin Havana Saigon propaganda alliance "
    "satellite warhead inspection ceasefire partition refugee espionage doctrine coalition "
    "armistice sanction pipeline reactor uprising dissident checkpoint corridor"
).split()
# Pieces of text that trip offset arithmetic: combining marks (NFD), emoji with joiners
# and skin tones, flags, right-to-left words and marks, CRLF, tabs, zero-width spaces,
# non-BMP letters, and lone surrogates such as surrogateescape decoding leaves.
AWKWARD = [
    "e\u0301",
    "a\u0308\u0301",
    "👩\u200d👩\u200d👧",
    "👍🏽",
    "🇩🇪",
    "שלום",
    "مرحبا",
    "\u200f",
    "\u202e",
    "\r\n",
    "\r",
    "\t",
    "\u200b",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\udcff",
    "\ud800",
    " ",
    ". ",
    "“",
    "”",
]
piece = st.one_of(st.sampled_from(WORDS), st.sampled_from(AWKWARD), st.text(max_size=3))
awkward_text = st.lists(piece, min_size=1, max_size=60).map(" ".join)
# Distinct words: a text of one word repeated is not an essay, and the aligner rightly
# does not pair repeats off the diagonal of unique matches.
english = st.lists(st.sampled_from(WORDS), min_size=12, max_size=30, unique=True).map(" ".join)


@given(awkward_text)
def test_token_spans_are_exact(text: str) -> None:
    tokens = Tokens(text)
    for word, start, end in zip(tokens.words, tokens.starts.tolist(), tokens.ends.tolist()):
        assert 0 <= start < end <= len(text)
        assert text[start:end] == word
    assert np.all(np.diff(tokens.starts) > 0)
    assert np.all(tokens.starts[1:] >= tokens.ends[:-1])


@given(
    prefix=awkward_text,
    shared=english,
    noise=st.lists(st.sampled_from(AWKWARD), max_size=5),
    suffix=awkward_text,
)
def test_copied_passage_offsets_are_exact_on_both_sides(
    prefix: str, shared: str, noise: list[str], suffix: str
) -> None:
    # The shared passage sits at different offsets, after awkward text, on each side.
    submission = load_text(prefix + " " + shared + " " + suffix, "a")
    source = load_text("".join(noise) + suffix + "\n\n" + shared + "\r\n" + prefix, "b")
    result = check(submission, [source])
    assert result.matches, "a passage of 12+ shared words is found"
    for match in result.matches:
        assert submission.text[match.submission_start : match.submission_end] == match.submission_text
        assert source.text[match.source_start : match.source_end] == match.source_text
        assert 0 <= match.score <= 1
    assert 0 <= result.similarity <= 100
    for found in result.sources:
        assert 0 <= found.jaccard_estimate <= 1 and -1e-9 <= found.tfidf_cosine <= 1 + 1e-9
    report = json.loads(result.to_json().encode("utf-8"))  # always writable as UTF-8
    first = report["matches"][0]
    assert submission.text[first["submission_start"] : first["submission_end"]] == first["submission_text"]


@given(st.binary(max_size=300))
def test_any_bytes_decode_or_fail_with_one_line(data: bytes) -> None:
    from simcheck.errors import InputError

    try:
        text, _ = decode_bytes(data, "x.txt")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x.txt: ")
        return
    text.encode("utf-8")  # no lone surrogates come out of decoding


@given(english, english)
def test_pair_scores_symmetric_and_in_range(a: str, b: str) -> None:
    ta, tb = Tokens(a), Tokens(b)
    ha, hb = np.unique(ta.stem_hashes), np.unique(tb.stem_hashes)
    forward, backward = jaccard_estimate(ha, hb), jaccard_estimate(hb, ha)
    assert forward == backward and 0 <= forward <= 1
    corpus = Corpus([Document("a", a), Document("b", b)])
    ab, ba = corpus.tfidf_cosine(ta, 1), corpus.tfidf_cosine(tb, 0)
    assert abs(ab - ba) < 1e-9 and -1e-9 <= ab <= 1 + 1e-9


@settings(max_examples=25)
@given(english, awkward_text)
def test_identical_documents_score_one_both_ways(text: str, extra: str) -> None:
    whole = load_text(text + " " + extra, "x")
    ha = np.unique(Tokens(whole.text).stem_hashes)
    assert jaccard_estimate(ha, ha) == 1.0
    assert check(whole, [Document("y", whole.text)]).similarity == 100.0
