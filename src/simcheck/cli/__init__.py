"""The ``simcheck`` command: a thin click layer over the library.

Exit codes: 0 done, 1 error (``Error: ...`` on one line), 2 usage error, 3 when
``--fail-above`` is exceeded.

Each command imports the library's heavy parts (numpy, scipy, scikit-learn, pandas)
when it runs, so ``--help`` and ``--version`` answer at once.
"""

from __future__ import annotations

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
