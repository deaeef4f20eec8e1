"""The ``simcheck`` command: a thin click layer over the library.

Exit codes: 0 done, 1 error (``Error: ...`` on one line), 2 usage error, 3 when
``--fail-above`` is exceeded.

Each command imports the library's heavy parts (numpy, scipy, scikit-learn, pandas)
when it runs, so ``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

import os

# Before numpy is imported (each command imports it when it runs): numpy asks the kernel
# for transparent huge pages for every large array, and where the kernel compacts memory
# to find them at the first touch (its "defrag=madvise" default), each new large array
# stalls. In a 100,000-essay index build that was 23 s of system time (12 s without), and
# a third of a 5,000-essay class's; the huge pages saved 1-2% of user time. A value the
# user set stands.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

import click

from .._version import __version__
from .batch import batch
from .check import check, format_for, related
from .common import EXIT_FAIL_ABOVE
from .evaluate import eval_group
from .index import index
from .spark import spark


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="simcheck")
def main() -> None:
    """simcheck: find copied and rewritten passages in essays, offline.

    It flags likely copying for a person to judge; it does not prove it.
    """


for command in (check, batch, index, related, eval_group, spark):
    main.add_command(command)

__all__ = ["EXIT_FAIL_ABOVE", "format_for", "main"]
