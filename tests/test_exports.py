from __future__ import annotations

import simcheck


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(simcheck).items()
        if not name.startswith("_") and not getattr(value, "__name__", "").startswith("simcheck.")
    }
    assert set(simcheck.__all__) == public | {"__version__"}


def test_everything_in_all_exists() -> None:
    for name in simcheck.__all__:
        assert hasattr(simcheck, name)
