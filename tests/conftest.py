from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from benchmarks.workloads.pgserver import PostgresServer, unavailable_reason

if TYPE_CHECKING:
    from benchmarks.workloads.hostile import Case
    from simcheck.errors import InputError

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
CORPUS = DATA / "corpus"
SHARED_FOLDER = TESTS.parent.parent / "shared"
DEMO_CLASS = TESTS.parent / "corpora" / "demo-class"
ESSAY_WORDS = (
    "the of and a to in is was that for on as with by at from his her it an were are which this be or "
    "had not but have their they one all been has more when who would there what so up out if about "
    "treaty soviet union american war nuclear missile berlin wall cuba congress president stalin "
    "khrushchev kennedy policy europe germany china korea vietnam détente summit arms race crisis "
    "embargo alliance ideology propaganda economy election revolution reform army navy spy"
).split()


def more_pasting_the_prompt(folder: Path) -> Path:
    """The demo class, copied to ``folder``, with three more students pasting the
    prompt's opening (eight of 26, more than a fifth: retrieval passes over its phrases)
    and a file that holds only the prompt (a student who uploaded the assignment sheet)."""
    shutil.copytree(DEMO_CLASS / "submissions", folder)
    prompt = (DEMO_CLASS / "prompt.txt").read_text(encoding="utf-8")
    opening = prompt.split(". Explain")[0] + "."
    for name in ("Olivia Brennan", "Rhys Morgan", "Willow Pearce"):
        essay = next(folder.glob(f"{name}_*.txt"))
        essay.write_text(opening + "\n\n" + essay.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "Zoe Wrong_418450_assignsubmission_file_prompt.txt").write_text(prompt, encoding="utf-8")
    return folder


def random_essay(rng: random.Random, words: int = 300, vocabulary: list[str] | None = None) -> str:
    """An essay of random sentences drawn from ``vocabulary`` (ESSAY_WORDS unless
    given), about ``words`` long."""
    drawn_from = vocabulary or ESSAY_WORDS
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(
            " ".join(rng.choice(drawn_from) for _ in range(rng.randint(8, 20))).capitalize() + "."
        )
    return "Essay title\n\n" + " ".join(sentences) + "\n"


def own_words_essay(rng: random.Random, words: int = 300) -> str:
    """An essay in words of its writer's own (made-up words beside the function words):
    two of them share no passage, not even a reworded one. Random sentences of the 40
    topic words of ESSAY_WORDS read as rewordings of one another, since every sentence
    shares half its words with any other."""
    own = ["".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(150)]
    return random_essay(rng, words, ESSAY_WORDS[:47] + own)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (benchmarks/workloads/pgserver.py), stopped and deleted at
    its end. Skips where psycopg or the server binaries are missing; a server that is
    installed but fails to start is an error, not a skip."""
    pytest.importorskip("psycopg", reason="psycopg not installed (pip install -e '.[test]')")
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is absent (a user's fresh clone)."""
    path = SHARED_FOLDER.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (needs ../shared beside the repository)")
    return path


def check_outcomes(cases: list[Case], documents: list[object], errors: list[InputError]) -> None:
    """Each hostile case was read, or failed with one line naming it and its reason."""
    read = {d.doc_id for d in documents}  # type: ignore[attr-defined]
    failed = {e.path: e for e in errors}
    for case in cases:
        if case.expect:
            assert case.name in failed, f"{case.kind}: no error for {case.name}"
            message = str(failed[case.name])
            assert case.expect in message, f"{case.kind}: {message}"
            assert message.startswith(f"{case.name}: ") and "\n" not in message
        else:
            assert case.name in read, f"{case.kind}: {case.name} not read ({failed.get(case.name)})"


# --- property tests ------------------------------------------------------------------

# Hypothesis: fixed examples, no shrinking database: the same cases on every machine and in
# CI, for every property test of the suite (loaded here, before any test module).
settings.register_profile(
    "simcheck",
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("simcheck")

PROPERTY_WORDS = (
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
piece = st.one_of(st.sampled_from(PROPERTY_WORDS), st.sampled_from(AWKWARD), st.text(max_size=3))
awkward_text = st.lists(piece, min_size=1, max_size=60).map(" ".join)
# Distinct words: a text of one word repeated is not an essay, and the aligner rightly
# does not pair repeats off the diagonal of unique matches.
english = st.lists(st.sampled_from(PROPERTY_WORDS), min_size=12, max_size=30, unique=True).map(" ".join)


# Texts several stage tests share: two on the Cold War and one that is not.
AIRLIFT = (
    "For almost eleven months in 1948 and 1949 American and British pilots flew coal, flour, milk "
    "and medicine into the western sectors of Berlin, landing at Tempelhof every few minutes, after "
    "the Soviet blockade had closed every road, railway and canal into the city."
)
THAW = (
    "After Stalin died in March 1953 his successors released many prisoners from the labour camps, "
    "allowed a little more freedom to writers and artists, and in 1956 Khrushchev denounced the "
    "crimes of the purges in a secret speech to the Twentieth Party Congress."
)
GARDEN = (
    "Tomatoes need a sunny bed, rich compost and steady watering; pinch out the side shoots each week "
    "and tie the main stem to a cane so that the trusses of fruit do not snap in the wind."
)
# A paragraph two students share, and one of a student's own.
SHARED = (
    "The arms race consumed enormous resources on both sides. Each new weapon prompted a counter-weapon, "
    "and diplomats struggled to keep up with engineers who designed ever more destructive missiles. "
)
OWN = (
    "My essay looks at how the superpowers competed for influence in Asia and Africa during the "
    "nineteen fifties and sixties, and at how that contest shaped the world we live in now. "
)
