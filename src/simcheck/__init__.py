"""simcheck: offline document similarity and plagiarism detection for essays.

>>> import simcheck
>>> result = simcheck.check("my essay text ...", corpus=[simcheck.Document("a.txt", "other text")])
>>> result.similarity
0.0

The names below are loaded on first use, so ``import simcheck`` (and ``simcheck
--version``) does not pay for numpy, scipy, scikit-learn and pandas up front.
"""

import typing as _typing
from importlib import import_module as _import_module

from ._version import __version__

if _typing.TYPE_CHECKING:  # what a type checker sees; at run time __getattr__ loads them
    from .align import align_passages as align_passages
    from .batch import compare_batch as compare_batch
    from .batch_result import BatchResult as BatchResult
    from .config import CheckConfig as CheckConfig
    from .corpus import CorpusLike as CorpusLike
    from .errors import ConfigError as ConfigError
    from .errors import CorpusError as CorpusError
    from .errors import InputError as InputError
    from .errors import OwnReport as OwnReport
    from .errors import SimcheckError as SimcheckError
    from .index import Index as Index
    from .load import load_document as load_document
    from .load import load_folder as load_folder
    from .load import load_text as load_text
    from .models import Candidate as Candidate
    from .models import CheckResult as CheckResult
    from .models import Document as Document
    from .models import DocumentSummary as DocumentSummary
    from .models import Excluded as Excluded
    from .models import Kind as Kind
    from .models import Match as Match
    from .models import Passage as Passage
    from .models import SourceResult as SourceResult
    from .pipeline import check as check
    from .report.files import write_reports as write_reports
    from .retrieve import Corpus as Corpus
    from .review import SetAside as SetAside

#: Each public name and the module that defines it.
_HOMES = {
    "BatchResult": "batch_result",
    "Candidate": "models",
    "CheckConfig": "config",
    "CheckResult": "models",
    "ConfigError": "errors",
    "Corpus": "retrieve",
    "CorpusError": "errors",
    "CorpusLike": "corpus",
    "Document": "models",
    "DocumentSummary": "models",
    "Excluded": "models",
    "Index": "index",
    "InputError": "errors",
    "Kind": "models",
    "Match": "models",
    "OwnReport": "errors",
    "Passage": "models",
    "SetAside": "review",
    "SimcheckError": "errors",
    "SourceResult": "models",
    "align_passages": "align",
    "check": "pipeline",
    "compare_batch": "batch",
    "load_document": "load",
    "load_folder": "load",
    "load_text": "load",
    "write_reports": "report.files",
}

__all__ = ["__version__", *sorted(_HOMES)]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'simcheck' has no attribute {name!r}")
    value = getattr(_import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
