from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

if TYPE_CHECKING:
    from benchmarks.workloads.hostile import Case
    from simcheck.errors import InputError

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
CORPUS = DATA / "corpus"
SHARED = TESTS.parent.parent / "shared"
ESSAY_WORDS = (
    "the of and a to in is was that for on as with by at from his her it an were are which this be or "
    "had not but have their they one all been has more when who would there what so up out if about "
    "treaty soviet union american war nuclear missile berlin wall cuba congress president stalin "
    "khrushchev kennedy policy europe germany china korea vietnam détente summit arms race crisis "
    "embargo alliance ideology propaganda economy election revolution reform army navy spy"
).split()


def random_essay(rng: random.Random, words: int = 300) -> str:
    """An essay of random sentences drawn from ESSAY_WORDS, about ``words`` long."""
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(
            " ".join(rng.choice(ESSAY_WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
        )
    return "Essay title\n\n" + " ".join(sentences) + "\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is absent (a user's fresh clone)."""
    path = SHARED.joinpath(*parts)
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
