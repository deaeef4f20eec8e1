"""Bulk jobs on Apache Spark: ``simcheck spark allpairs``, every essay of a huge class
(a national exam, a MOOC, an essay bank) against every other and a corpus, with the
same answers as ``batch``, in Spark DataFrame steps that call simcheck's own code.

pyspark is an optional extra (``pip install 'simcheck[spark]'``); nothing outside this
package imports it, and this package imports it only when a job runs. Its modules, in
the order they import each other:

- ``work``: what executors run on each batch of rows (load, prepare, sign, align, settle);
- ``session``: starting Spark quietly; its failures as one line that says what to do;
- ``stages``: each stage written under the output folder, skipped when a rerun finds it;
- ``sources``: folders, zips, Parquet and remote files as loaded rows;
- ``candidates``: candidate pairs by joins on fingerprints and window words;
- ``output``: the class's names and the reports, as ``batch`` writes them;
- ``job``: the stages in order (:func:`allpairs`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .job import allpairs as allpairs


def __getattr__(name: str) -> Any:
    if name == "allpairs":
        from .job import allpairs  # numpy and the batch code: only when a job runs

        return allpairs
    raise AttributeError(name)


__all__ = ["allpairs"]
