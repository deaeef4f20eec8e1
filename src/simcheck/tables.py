"""Rows under named columns: the CSV reports and the JSON tables, written as pandas
writes them, without importing pandas (a fifth of a second of every batch) unless a
caller asks for a DataFrame.

>>> table = Table(("student", "words", "similarity"), [
...     {"student": "Ada, B.", "words": 812, "similarity": 12.5},
...     {"student": "Cy", "words": None, "similarity": None}])
>>> print(table.to_csv(), end="")
student,words,similarity
"Ada, B.",812,12.5
Cy,,
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas takes a fifth of a second to import: only for a DataFrame
    import pandas as pd


@dataclass(frozen=True)
class Table:
    """``rows`` (dicts holding every one of ``columns``) under ``columns``, in order.
    ``dtypes`` are the pandas dtypes :meth:`to_frame` gives some columns (``Int64``:
    whole numbers where some are missing)."""

    columns: tuple[str, ...]
    rows: Sequence[Mapping[str, Any]]
    dtypes: Mapping[str, str] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def to_csv(self) -> str:
        """The CSV text: a header, then a row per row; a missing value is an empty
        cell, a float is written as Python writes it, lines end with ``\\n``."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        # A missing value (None) is an empty cell.
        writer.writerows([row[name] for name in self.columns] for row in self.rows)
        return out.getvalue()

    def records(self) -> list[dict[str, Any]]:
        """Each row as a dict of its columns, a missing value None (null in JSON)."""
        return [{name: row[name] for name in self.columns} for row in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, with the table's dtypes."""
        import pandas as pd  # a fifth of a second to import: only when a frame is asked for

        frame = pd.DataFrame(list(self.rows), columns=list(self.columns))
        return frame.astype(dict(self.dtypes)) if self.dtypes else frame
