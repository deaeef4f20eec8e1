from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
CORPUS = DATA / "corpus"
SHARED = TESTS.parent.parent / "shared"


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
