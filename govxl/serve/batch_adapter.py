"""ADAPTER, to be replaced by an archive face method: several uploads stored together with one validation
frame.

The agreed face (`Archive.add(data, filename, expected_unit=…)`) reads, checks and stores one file a call,
and each call pays pandera's fixed cost of a validation (about 90 ms on a quiet 2-core machine, whatever the
number of rows; 280-700 ms on this machine under others' load): that alone capped the desk near one upload
a second. The archive validates many files in one frame (`add_paths`, through `ingest.add_items`), but with
one expected unit for all, and a desk's concurrent uploads come from different units. Until the archive
offers `add_many(uploads: Sequence[tuple[bytes, str, str | None]]) -> list[Added | UnitMismatch]`, this
does exactly what `add` does for each upload, through the archive's own ingest functions (`add` is
`add_items([read_bytes(data, filename)], expected_unit)`). An upload whose 填报单位 is not its token's unit
goes alone through `add_items` with its expected unit (which refuses it with the archive's own message
before storing anything); all the others go through one `add_items` call: one frame, each submission
stored in its own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from govxl.merger import unit_key

if TYPE_CHECKING:
    from govxl.archive import Archive
    from govxl.archive.ingest import Item


def read_upload(data: bytes, filename: str) -> Item:
    """One upload read as `Archive.add` reads it."""
    from govxl.archive.ingest import read_bytes

    return read_bytes(data, filename)


def store_items(archive: Archive, uploads: Sequence[tuple[Item, str | None]]) -> list[Any]:
    """Per upload, its Added or the exception `add` would have raised for it."""
    from govxl.archive.ingest import add_items

    out: list[Any] = [None] * len(uploads)
    together: list[tuple[int, Item]] = []
    for i, (item, unit) in enumerate(uploads):
        f = item.filing
        if unit is not None and f is not None and unit_key(f.unit) != unit_key(unit):
            try:
                out[i] = add_items(archive, [item], expected_unit=unit)[0]
            except Exception as exc:
                out[i] = exc
        else:
            together.append((i, item))
    if together:
        try:
            for (i, _), added in zip(together, add_items(archive, [it for _, it in together]), strict=True):
                out[i] = added
        except Exception as exc:  # the database failed: none of these is promised stored
            for i, _ in together:
                out[i] = exc
    return out


def add_many(archive: Archive, uploads: Sequence[tuple[bytes, str, str | None]]) -> list[Any]:
    """Read and store several uploads (in this thread): per upload, its Added or the exception `add` raises."""
    out: list[Any] = [None] * len(uploads)
    read: list[tuple[int, Item, str | None]] = []
    for i, (data, name, unit) in enumerate(uploads):
        try:
            read.append((i, read_upload(data, name), unit))
        except Exception as exc:
            out[i] = exc
    for (i, *_), outcome in zip(read, store_items(archive, [(it, u) for _, it, u in read]), strict=True):
        out[i] = outcome
    return out
