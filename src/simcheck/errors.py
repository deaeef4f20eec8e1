"""Exceptions raised by simcheck.

Every exception the library raises on purpose derives from :class:`SimcheckError`, so a
caller (the CLI among them) can catch one class::

    SimcheckError
    ├── ConfigError      a setting is out of range or unknown
    ├── InputError       a document cannot be read: empty, binary, corrupt, undecodable
    │   ├── OwnReport    a file or folder simcheck wrote, passed over (not an error)
    │   └── NotChecked   a submission read, but its check failed (the archive went away)
    ├── CorpusError      a corpus is missing, empty or unusable
    └── JobError         a bulk job's engine (Spark) cannot start or run it

Messages are one line, name the file or setting, and say what to do.
"""

from __future__ import annotations


class SimcheckError(Exception):
    """Base class of every error simcheck raises on purpose."""


class ConfigError(SimcheckError, ValueError):
    """A setting is unknown or outside its allowed range."""


class InputError(SimcheckError):
    """A document cannot be read as text."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # Rebuilt from its two parts, so it crosses process boundaries (--jobs).
        return (InputError, (self.path, self.reason))


class OwnReport(InputError):
    """A report simcheck wrote, found among the inputs and passed over: listed where
    unreadable files are listed, so nothing goes unmentioned, but not a student's file
    that failed (``batch`` and ``index add`` count it apart)."""

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        return (OwnReport, (self.path, self.reason))


class NotChecked(InputError):
    """A submission that was read but could not be checked, because the corpus failed
    meanwhile (a server that went away during a batch): listed with the reason beside
    the unreadable files, and the rest of the class is still checked."""

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        return (NotChecked, (self.path, self.reason))


class CorpusError(SimcheckError):
    """A corpus is missing, empty or unusable."""


class JobError(SimcheckError):
    """A bulk job cannot run: its engine (Spark, Java) is missing, cannot start, or
    fails on the way; the message says what to do."""
