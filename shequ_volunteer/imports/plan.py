"""What an import would do, and the first pass over a file's rows: columns mapped, filler rows skipped, each
cell judged, the same key twice in one file. Pure: no Flask, no database."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import cleaning
from .cleaning import CellProblem
from .columns import FIELDS, fields_by_key


@dataclass(frozen=True)
class Problem:
    """One reason a row is not imported: its row number as Excel shows it, the column (the file's own header),
    a short Chinese message, and the row's cells as the file holds them (for the problem-rows download)."""

    row: int
    column: str
    message: str
    values: tuple


@dataclass(frozen=True)
class Change:
    field: str  # the field's Chinese label
    old: str
    new: str


@dataclass(frozen=True)
class Planned:
    """A row that creates or changes something: what it names (a name, an address) and what changes
    (creates: every value given; updates: old → new)."""

    row: int
    who: str
    changes: tuple[Change, ...]


@dataclass
class ImportPlan:
    """The preview: nothing of it is written until the import is confirmed (and then it is computed again)."""

    kind: str
    mapping: dict[int, str]  # column index → field key
    headers: list[str]
    creates: list[Planned] = field(default_factory=list)
    updates: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows blank apart from a serial number or a footer note
    # Households whose stored details the preview shows (old values): the register's access log names them.
    households_shown: list[int] = field(default_factory=list)
    # What confirming writes, by kind (the kind's module reads it back); not for display.
    work: dict = field(default_factory=dict)

    @property
    def unmapped(self) -> list[str]:
        """The file's columns that are imported into nothing (headers left blank are not listed)."""
        return [header for index, header in enumerate(self.headers) if header and index not in self.mapping]

    @property
    def problem_rows(self) -> int:
        return len({problem.row for problem in self.problems})


@dataclass(frozen=True)
class ImportSummary:
    """What a confirmed import did. `skipped`: rows left as they were (unchanged, blank, footer); `problems`:
    the problem list (`problem_rows` rows, none of them written)."""

    created: int
    updated: int
    skipped: int
    problems: list[Problem]
    problem_rows: int
    plan: ImportPlan | None = None  # what was planned and done, for a caller that shows it (the command line)


@dataclass(frozen=True)
class Row:
    """A row whose cells were all understood: field key → value (blank cells: '' or None)."""

    number: int
    values: dict
    raw: tuple


# Plain-text fields and their sizes: a person's name as the registration and 代报名 forms allow, the rest as
# the columns (and the household form) hold them.
TEXT_LIMITS = {"name": 20, "grid": 20, "estate": 40, "team": 60, "head_name": 40, "members": 300, "contact_name": 40}


def judges(this_year: int) -> dict[str, Callable]:
    """How each field's cell is read (imports.cleaning)."""
    found: dict[str, Callable] = {
        "phone": cleaning.phone, "contact_phone": cleaning.phone, "helper_phones": cleaning.phones,
        "building": cleaning.building, "room": cleaning.room, "leader": cleaning.yes_no, "tier": cleaning.tier,
        "categories": cleaning.categories, "birth_year": lambda value: cleaning.birth_year(value, this_year),
        "visit_interval_days": lambda value: cleaning.whole_number(value, 1, 365, "探访间隔"),
    }
    labels = {described.key: described.label for fields in FIELDS.values() for described in fields}
    for key, limit in TEXT_LIMITS.items():
        found[key] = lambda value, limit=limit, label=labels[key]: cleaning.text(value, limit, label)
    return found


def column_labels(headers: list[str], mapping: dict[int, str], kind: str) -> dict[str, str]:
    """Field key → what to call its column in a problem: the file's own header, else the template's."""
    labels = {key: field.label for key, field in fields_by_key(kind).items()}
    for index, key in mapping.items():
        if index < len(headers) and headers[index]:
            labels[key] = headers[index]
    return labels


def read_rows(plan: ImportPlan, rows: Iterable[tuple[int, tuple]], this_year: int, key: Callable[[dict], object],
              key_field: str) -> list[Row]:
    """The rows worth planning: filler rows skipped (plan.skipped), each mapped cell judged and each required
    field present (else a problem per cell), and a row whose `key` (phone, address …) an earlier row of the
    file already has is a problem ('同一文件里重复'); the first one stays."""
    fields = fields_by_key(plan.kind)
    labels = column_labels(plan.headers, plan.mapping, plan.kind)
    judge = judges(this_year)
    first_row_of: dict[object, int] = {}
    kept = []
    for number, cells in rows:
        if cleaning.is_filler(cells):
            plan.skipped.append(number)
            continue
        values, problems = {}, []
        for index, key_name in plan.mapping.items():
            cell = cells[index] if index < len(cells) else None
            try:
                values[key_name] = judge[key_name](cell)
            except CellProblem as problem:
                problems.append(Problem(number, labels[key_name], problem.message, tuple(cells)))
                values[key_name] = None
        judged_badly = {problem.column for problem in problems}
        for key_name, described in fields.items():
            if described.required and values.get(key_name) in ("", None) and labels[key_name] not in judged_badly:
                problems.append(Problem(number, labels[key_name], f"没有填{described.label}", tuple(cells)))
        if problems:
            plan.problems.extend(problems)
            continue
        identity = key(values)
        if identity in first_row_of:
            message = f"同一文件里重复（第{first_row_of[identity]}行已有）"
            plan.problems.append(Problem(number, labels[key_field], message, tuple(cells)))
            continue
        first_row_of[identity] = number
        kept.append(Row(number, values, tuple(cells)))
    return kept


def problem(plan: ImportPlan, row: Row, field_key: str, message: str) -> None:
    """Add a problem found when the row was compared with what the site holds."""
    label = column_labels(plan.headers, plan.mapping, plan.kind)[field_key]
    plan.problems.append(Problem(row.number, label, message, row.raw))


def shown(value) -> str:
    """A value as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(item) for item in value)
    return str(value)
