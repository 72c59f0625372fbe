"""An archive of every checked unit-year (`govxl archive`): SQLite by default, PostgreSQL by URL."""

from govxl.archive.api import Archive, open_archive
from govxl.archive.model import STATUSES, Added, Submission, UnitMismatch, UnitStatus

__all__ = ["STATUSES", "Added", "Archive", "Submission", "UnitMismatch", "UnitStatus", "open_archive"]
