"""One error family, so every failure names the source, the file and the reason.

Users (and the Dagster run log) see messages such as
``br_mte_lista_suja: cadastro_de_empregadores.pdf: page 12: expected 10 columns, found 9``.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class: a failure the pipeline explains instead of crashing on."""

    def __init__(self, source_id: str | None, file: str | None, reason: str, locator: str | None = None):
        self.source_id = source_id
        self.file = file
        self.reason = reason
        self.locator = locator
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [p for p in (self.source_id, self.file, self.locator) if p]
        return ": ".join([*parts, self.reason])

    def __reduce__(self):  # keep the fields when pickled across Dagster processes
        return (self.__class__, (self.source_id, self.file, self.reason, self.locator))


class AcquisitionError(PipelineError):
    """The publisher could not be reached, refused us, or sent something we will not archive."""


class ContentCheckError(AcquisitionError):
    """The bytes are not what the publisher's format promises (an HTML error page named .pdf, ...)."""


class ArchiveError(PipelineError):
    """The raw archive could not be written; nothing partial is left behind."""


class ParseError(PipelineError):
    """A file could not be parsed with certainty. Never swallowed: a parse that is unsure fails."""


class ValidationError(PipelineError):
    """A parsed or canonical table broke its schema."""


class ConfigError(PipelineError):
    """A setting (an environment variable, a path) that the pipeline cannot run with; `file` names it."""

    def __init__(self, setting: str, reason: str, *_ignored):
        super().__init__(None, setting, reason)

    def __reduce__(self):
        return (self.__class__, (self.file, self.reason))
