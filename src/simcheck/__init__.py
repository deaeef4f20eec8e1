"""simcheck: offline document similarity and plagiarism detection for essays.

>>> import simcheck
>>> result = simcheck.check("my essay text ...", corpus=[simcheck.Document("a.txt", "other text")])
>>> result.similarity
0.0
"""

__version__ = "0.1.0"

from .align import align_passages
from .batch import BatchResult, compare_batch
from .config import CheckConfig
from .errors import ConfigError, CorpusError, InputError, SimcheckError
from .load import load_document, load_folder, load_text
from .models import CheckResult, Document, DocumentSummary, Match, Passage, SourceResult
from .pipeline import check
from .retrieve import Candidate, Corpus

__all__ = [
    "BatchResult",
    "Candidate",
    "CheckConfig",
    "CheckResult",
    "ConfigError",
    "Corpus",
    "CorpusError",
    "Document",
    "DocumentSummary",
    "InputError",
    "Match",
    "Passage",
    "SimcheckError",
    "SourceResult",
    "__version__",
    "align_passages",
    "check",
    "compare_batch",
    "load_document",
    "load_folder",
    "load_text",
]
