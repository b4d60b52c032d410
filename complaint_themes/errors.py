"""The one exception family the library raises for problems a user can fix.

Only :mod:`complaint_themes.cli` turns these into command-line messages; library callers
catch :class:`ComplaintThemesError` (it is a ``ValueError``).
"""


class ComplaintThemesError(ValueError):
    """Base class of every error that a user of the library can act on."""


class InputError(ComplaintThemesError):
    """Input data is missing a column, holds a non-text cell, or cannot be read."""


class OutputError(ComplaintThemesError, OSError):
    """An output cannot be written: no permission, the disk is full, or it is the input."""


class ModelError(ComplaintThemesError):
    """A model folder is missing, from another format version, or has been tampered with."""


class NotInstalledError(ComplaintThemesError, ImportError):
    """An optional heavy dependency is missing; the message gives the pip command."""
