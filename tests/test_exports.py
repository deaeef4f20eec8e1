from __future__ import annotations

import inspect
import subprocess
import sys

import simcheck


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name in dir(simcheck)
        if not name.startswith("_") and not inspect.ismodule(getattr(simcheck, name))
    }
    assert set(simcheck.__all__) == public | {"__version__"}


def test_everything_in_all_exists() -> None:
    for name in simcheck.__all__:
        assert hasattr(simcheck, name)


def test_importing_simcheck_loads_no_heavy_library() -> None:
    # The public names load on first use, so `simcheck --version` starts at once.
    heavy = "('numpy', 'pandas', 'sklearn', 'scipy')"
    code = f"import sys, simcheck; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
