"""The one error type users see, and the exit codes of the command line."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3


class GovxlError(Exception):
    """Work cannot proceed: unreadable input, bad flag, broken spec, unwritable output.

    The message is Chinese, names the file (and cell where there is one), and is shown to the user as is.
    """

    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SpecError(GovxlError):
    """An edition data file in workbook_templates/ is malformed."""
