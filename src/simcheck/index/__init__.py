"""The saved corpus: one SQLite file of documents, fingerprints, LSH bands and TF-IDF data.

The modules, each importing only those above it in this list:

- :mod:`~simcheck.index.schema`: the tables, opening a file, how values and names are
  stored, SQLite errors turned into one-line messages;
- :mod:`~simcheck.index.query`: reading: stored documents, candidates, related documents;
- :mod:`~simcheck.index.sources`: what an add reads: files, folders, zips, and what
  it passes over;
- :mod:`~simcheck.index.build`: writing: a new file, adding and removing documents;
- :mod:`~simcheck.index.verify`: ``index info`` and ``index verify``;
- :mod:`~simcheck.index.store`: :class:`Index`, the one class callers use.

Every change is one transaction: a process killed at any point leaves the index as it
was before or after the change. The database runs in WAL mode, so readers keep working
while one writer adds.
"""

from .build import AddResult, NothingIndexed
from .query import Related
from .rows import Scanned, scan
from .schema import FORMAT_VERSION, is_index_file
from .store import Index

__all__ = [
    "FORMAT_VERSION",
    "AddResult",
    "Index",
    "NothingIndexed",
    "Related",
    "Scanned",
    "is_index_file",
    "scan",
]
