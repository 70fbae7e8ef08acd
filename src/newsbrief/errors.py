"""One small exception hierarchy. Every message says what to do next."""

from __future__ import annotations


class NewsbriefError(Exception):
    """Base class of every error newsbrief raises on purpose."""

    exit_code = 1  # what the CLI exits with


class InputError(NewsbriefError, ValueError):
    """The text or file given cannot be processed as it is."""


class EmptyInputError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class EncodingError(InputError):
    def __init__(self, message: str, byte_offset: int):
        super().__init__(message)
        self.byte_offset = byte_offset


class InputFileError(InputError):
    """A path that is missing, a folder, or unreadable."""


class UnsupportedLanguageError(NewsbriefError, ValueError):
    pass


class ConfigError(NewsbriefError, ValueError):
    """An unknown or badly typed option."""

    exit_code = 2


class MissingDependencyError(NewsbriefError, ImportError):
    exit_code = 3


class ModelNotFoundError(NewsbriefError, LookupError):
    exit_code = 3


class ModelQualityWarning(UserWarning):
    """A translation model with known, measured limits was loaded (the registry's `warning`)."""
