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


#: The name the package is installed under (``import classifier`` is unchanged).
DISTRIBUTION = "news-sentence-classifier"


def install_hint(extra: str) -> str:
    """How to install ``extra``, from a package index or from a clone.

    Parameters
    ----------
    extra : str
        The extra's name (``plot``, ``serve``, ...).

    Returns
    -------
    str
        The ``pip install`` lines.

    Examples
    --------
    >>> install_hint("plot")
    "pip install 'news-sentence-classifier[plot]' (from a clone: pip install '.[plot]')"
    """
    return f"pip install '{DISTRIBUTION}[{extra}]' (from a clone: pip install '.[{extra}]')"
