"""The saved corpus: documents, fingerprints, LSH bands and TF-IDF data in one SQLite file
or in a shared PostgreSQL archive.

The modules, each importing only those above it in this list:

- :mod:`~simcheck.index.database`: what the code asks of a database, and SQLite's
  answers; :mod:`~simcheck.index.postgres`: PostgreSQL's (the same SQL runs on both);
- :mod:`~simcheck.index.schema`: the tables, opening an index, how values and names are
  stored, database errors turned into one-line messages;
- :mod:`~simcheck.index.query`: reading: stored documents, candidates, related documents;
- :mod:`~simcheck.index.sources`: what an add reads: files, folders, zips, and what
  it passes over;
- :mod:`~simcheck.index.build`: writing: a new file, adding and removing documents;
- :mod:`~simcheck.index.verify`: ``index info`` and ``index verify``;
- :mod:`~simcheck.index.store`: :class:`Index`, the one class callers use.

Every change is one transaction: a process killed at any point leaves the index as it
was before or after the change. A SQLite file runs in WAL mode, so readers keep working
while one writer adds; PostgreSQL's readers never wait for a writer.
"""

from .build import AddResult, NothingIndexed
from .database import is_url as is_archive_url
from .database import masked_url
from .query import Related
from .rows import Scanned, scan
from .schema import FORMAT_VERSION, is_index_file
from .store import Index, names_an_index

__all__ = [
    "FORMAT_VERSION",
    "AddResult",
    "Index",
    "NothingIndexed",
    "Related",
    "Scanned",
    "is_index_file",
    "is_archive_url",
    "masked_url",
    "names_an_index",
    "scan",
]
