"""Exceptions the library raises; only the CLI turns them into exit codes."""


class ClassifierError(Exception):
    """Base class: a problem the user can fix, described in one line."""


class DataError(ClassifierError):
    """Input data is missing, unreadable or malformed."""


class ModelFileError(ClassifierError):
    """A model path is not a usable model of this package."""


class ConfigError(ClassifierError):
    """A pipeline configuration is invalid."""


class MissingExtraError(ClassifierError):
    """An optional dependency (extra) is needed but not installed."""


class ExplainError(ClassifierError):
    """A model cannot explain its predictions (its backend or estimator is not linear)."""
