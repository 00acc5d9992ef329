"""fast-pipeline: a versioned, de-duplicated global dataset of adverse actions on forced labour."""

__version__ = "0.1.0"
