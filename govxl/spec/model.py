"""The records of an edition of the official form: tables as blocks of row and column header trees, cells by
code, the equations the rules check, the relations across years, and what the prose rules and the extractor
need to know of the form. Plain frozen data; loading and checking it is loader.py's job."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

ValueKind = Literal["count", "amount", "signed", "text", "year", "choice"]
# custom document properties that mark a workbook as a govxl template of a given edition and structure
PROP_EDITION = "govxl_edition"
PROP_VERSION = "govxl_template_version"
PROP_FINGERPRINT = "govxl_fingerprint"

VALUE_KINDS: tuple[str, ...] = ("count", "amount", "signed", "text", "year", "choice")
NUMERIC_KINDS: tuple[str, ...] = ("count", "amount", "signed")


@dataclass(frozen=True)
class Node:
    """One header of a row or column axis; a leaf heads a row or column of cells."""

    code: str
    label: str
    children: tuple[Node, ...] = ()
    sum: tuple[str, ...] = ()
    rule: str = ""
    value: str = ""
    rule_making: bool = False  # a row only agencies with 规章-making power may fill with non-zero
    span: int = 0  # sheet columns a leaf column takes, where not an equal share
    value_rule: str = ""  # the rule a bad number here breaks, where not the table's
    unit: str = ""  # the unit an amount is in (万元), where the form fixes one

    def leaves(self) -> tuple[Node, ...]:
        if not self.children:
            return (self,)
        return tuple(leaf for child in self.children for leaf in child.leaves())

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class Block:
    band: str
    corner: str
    columns: tuple[Node, ...]
    rows: tuple[Node, ...]

    @property
    def leaf_columns(self) -> tuple[Node, ...]:
        return tuple(leaf for n in self.columns for leaf in n.leaves())

    @property
    def leaf_rows(self) -> tuple[Node, ...]:
        return tuple(leaf for n in self.rows for leaf in n.leaves())

    @property
    def header_depth(self) -> int:
        return max(n.depth() for n in self.columns)

    @property
    def label_depth(self) -> int:
        return max((n.depth() for n in self.rows if n.label), default=0)


@dataclass(frozen=True)
class Cell:
    """A number cell of a table, or an entry of the cover sheet."""

    code: str
    sheet: str
    table: str
    kind: Literal["input", "total"]
    value: str
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    parts: tuple[str, ...] = ()  # for a total: the cell codes its formula sums
    row: str = ""
    column: str = ""
    rule_making: bool = False
    value_rule: str = ""  # the rule a bad number here breaks (the table's unless a row or column says)
    unit: str = ""


@dataclass(frozen=True)
class Equation:
    """lhs cells summed equal rhs cells summed: a total's definition or a printed identity."""

    rule: str
    table: str
    kind: Literal["total", "identity"]
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    column: str = ""  # the leaf column the equation runs down, for identities checked per column
    op: Literal["=", "<=", ">="] = "="

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs


@dataclass(frozen=True)
class Term:
    code: str
    previous: bool = False  # a cell of the previous year's workbook
    sign: int = 1


@dataclass(frozen=True)
class Relation:
    """A rule across years: sum of lhs terms equals sum of rhs terms, or (identical) every cell the same."""

    rule: str
    lhs: tuple[Term, ...] = ()
    rhs: tuple[Term, ...] = ()
    identical: bool = False
    per: str = "row"  # what the relation runs along, for naming its place: a row, or a column


@dataclass(frozen=True)
class Identity:
    rule: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    caption: str
    for_each_column: bool
    op: Literal["=", "<=", ">="] = "="


@dataclass(frozen=True)
class Table:
    code: str
    sheet: str
    heading: str
    blocks: tuple[Block, ...]
    label_widths: tuple[float, ...]
    value_width: float
    identities: tuple[Identity, ...]
    live_checks: tuple[str, ...]
    live_check_caption: str
    value_rule: str = ""  # the rule a bad number in this table breaks
    hints: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (info rule, cells) shown when a cell is non-zero

    @property
    def label_depth(self) -> int:
        return max(b.label_depth for b in self.blocks)

    @property
    def value_columns(self) -> int:
        return max(
            sum(leaf.span or 1 for leaf in b.leaf_columns)
            if any(leaf.span for leaf in b.leaf_columns)
            else len(b.leaf_columns)
            for b in self.blocks
        )


@dataclass(frozen=True)
class CoverField:
    code: str
    label: str
    type: str
    hint: str
    choices: tuple[str, ...] = ()
    max_length: int = 0
    rule_making: tuple[str, ...] = ()  # for the agency-level choice: the levels with 规章-making power
    aliases: tuple[tuple[str, str], ...] = ()  # other names offices write for a choice -> the choice

    def choice_of(self, text: str) -> str | None:
        """The official choice `text` names (itself, or an unambiguous other name of it), None if off-list."""
        key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        if key in self.choices:
            return key
        return dict(self.aliases).get(key)


@dataclass(frozen=True)
class Cover:
    sheet: str
    title: str
    fields: tuple[CoverField, ...]
    instructions: tuple[str, ...]


@dataclass(frozen=True)
class ReportSection:
    """One of the numbered sections of the published report, in the official order: a table's (二、主动公开…),
    or one the office writes in its own words (一、总体情况); `topics` are words one of which a published
    report's heading of the section carries, in every variant seen."""

    number: str  # 一, 二 …: the heading's number
    heading: str
    topics: tuple[str, ...]
    table: str = ""  # the code of the table the section is; "" for the office's own words


@dataclass(frozen=True)
class RowSentence:
    """A generated sentence said of each of some rows of a table, in the words of its columns: `text` names
    the row's label as {label} and its number in a column as {<column code>}; `rows` are (row code, label,
    column code -> cell code); a row of `only_if_any` is said only when one of its numbers is not 0."""

    text: str
    rows: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    only_if_any: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prose:
    """What the prose rules compare a report's sentences with, and what the generated sentences say, declared
    per edition: each stated quantity by the name the rules use (new, carried, done, forward, review, suits,
    norm_made, norm_valid, unpaid_fee) with the cells whose sum it must equal, and what a message calls it
    (`names`: the edition's word, else its first cell's labels); the outcome groups of table 三 (予以公开 …)
    with their cells, and those a generated sentence lists, in order (`listed`); the quantities a percentage
    may be a share of, in the order they are tried; table 四's cells, and those that must be 0 when every case
    is said to have been upheld; the sentence said of table 二's rows (`disclosure`)."""

    counts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    outcomes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    share_bases: tuple[tuple[str, ...], ...] = ()
    appeals: tuple[str, ...] = ()
    not_upheld: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)
    listed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    disclosure: RowSentence | None = None


# eq=False: an edition is its data file's, one object per file, hashed by identity — what grids, schemas and
# the report's skeletons are cached by (two 2025 editions from two folders are two editions)
@dataclass(frozen=True, eq=False)
class Edition:
    edition: str
    version: str
    name: str
    basis: str
    first_year: int
    last_year: int | None
    cover: Cover
    tables: tuple[Table, ...]
    cells: dict[str, Cell] = field(repr=False)
    equations: tuple[Equation, ...] = field(repr=False)
    relations: tuple[Relation, ...] = field(default=(), repr=False)
    default: bool = False  # the edition a command uses when none is given or can be told
    markers: tuple[str, ...] = ()  # words in a published report's table 二 that only this edition prints
    prose: Prose = field(default_factory=Prose, repr=False)
    sections: tuple[ReportSection, ...] = field(default=(), repr=False)  # the report's, in the official order

    @property
    def rule_making_cells(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.cells.values() if c.rule_making)

    @property
    def rule_making_levels(self) -> tuple[str, tuple[str, ...]]:
        """(cover field code, levels with 规章-making power)."""
        for f in self.cover.fields:
            if f.rule_making:
                return f.code, f.rule_making
        return "", ()

    @property
    def level_choices(self) -> tuple[str, ...]:
        """Every official choice of the agency-level field: a value off this list says nothing of 规章 power."""
        code = self.rule_making_levels[0]
        return next((f.choices for f in self.cover.fields if f.code == code), ())

    @property
    def own_sections(self) -> tuple[str, ...]:
        """The numbers of the sections that are the office's own words (一, 五, 六), not a table."""
        return tuple(s.number for s in self.sections if not s.table)

    def table(self, code: str) -> Table:
        return next(t for t in self.tables if t.code == code)

    @cached_property
    def input_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.cells.values() if c.kind == "input" and c.table)

    @cached_property
    def total_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.cells.values() if c.kind == "total")

    def fits_year(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def years(self) -> str:
        """The report years the edition covers, as every message says them: 2019—2020年度, 2021年度起."""
        if self.last_year is None:
            return f"{self.first_year}年度起"
        if self.last_year == self.first_year:
            return f"{self.first_year}年度"
        return f"{self.first_year}—{self.last_year}年度"


def cell_code(table: str, row: str, column: str) -> str:
    return "_".join(part for part in (table, row, column) if part)
