"""Reading data: labeled tables, streamed records, decoding, hygiene checks, dedup.

``classifier.data`` itself re-exports the table readers (``tables``), so
``from classifier.data import load_labeled`` keeps working.
"""

from classifier.data.tables import (
    FORMATS,
    LabeledData,
    check_trainable,
    file_format,
    load_labeled,
    load_texts,
)

__all__ = ["FORMATS", "LabeledData", "check_trainable", "file_format", "load_labeled",
           "load_texts"]
