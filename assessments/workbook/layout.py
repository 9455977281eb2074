"""What the workbook's writer and reader agree on: sheets, columns, the drop-down lists, the text of the
question columns, how an answer is compared, and how the hidden sheet is signed (docs/workbook.md)."""

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import override

from assessments.models import Answer, Evidence, Implementation
from indicators.models import Category, Dimension, Framework, Indicator, Level
from indicators.text import tr

FORMAT = "coherence-workbook"
VERSION = "1"
META_SHEET = "_coherence"  # hidden: what the workbook is for, and the answers it was downloaded with
LISTS_SHEET = "_lists"  # hidden: the drop-down lists
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_ROW = 3
SIGNING_SALT = "assessments.workbook"

# Columns of an answer sheet, in order; `answer` marks the cells a person may edit.
CODE, QUESTION, GUIDANCE, LEVELS, LEVEL, APPLIED, JUSTIFICATION, LINK, TITLE, KIND, RECORDED = range(1, 12)
QUESTION_COLUMNS = (CODE, QUESTION, GUIDANCE, LEVELS)  # protected, and checked on upload
ANSWER_COLUMNS = (LEVEL, APPLIED, JUSTIFICATION, LINK, TITLE, KIND)
LAST_COLUMN = RECORDED
WIDTHS = {CODE: 10, QUESTION: 48, GUIDANCE: 48, LEVELS: 48, LEVEL: 24, APPLIED: 24, JUSTIFICATION: 48}
WIDTHS |= {LINK: 32, TITLE: 28, KIND: 22, RECORDED: 32}


def column_headers() -> dict[int, str]:
    """Column titles in the active language."""
    return {
        CODE: _("Code"),
        QUESTION: _("Question"),
        GUIDANCE: _("Guidance and evidence that counts"),
        LEVELS: _("What each level means"),
        LEVEL: _("Your answer"),
        APPLIED: _("Is it applied?"),
        JUSTIFICATION: _("Justification"),
        LINK: _("Evidence link (http or https)"),
        TITLE: _("Evidence title"),
        KIND: _("Evidence kind"),
        RECORDED: _("Evidence already recorded"),
    }


def column_letter(column: int) -> str:
    return chr(ord("A") + column - 1)


class BY:
    CRITERION = "criterion"
    STAGE = "stage"


class FOR:
    PARTICIPANT = "participant"
    INSTITUTION = "institution"


# -- Answers, as the workbook holds them -------------------------------------------------------


@dataclass(frozen=True)
class Content:
    """An answer as a workbook row holds it: what is compared between the workbook, the answer it was
    downloaded with and the answer saved now. An empty one is a row with no answer."""

    answer: str = ""
    level: str = ""
    implementation: str = ""
    justification: str = ""

    @property
    def empty(self) -> bool:
        return not self.answer

    @property
    def key(self) -> str:
        """A short fingerprint, kept in the hidden sheet for the answer a row was downloaded with."""
        if self.empty:
            return ""
        text = json.dumps([self.answer, self.level, self.implementation, self.justification])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]

    @classmethod
    def of(cls, response) -> "Content":
        if response is None:
            return cls()
        return cls(
            response.answer,
            response.level.code if response.level_id else "",
            response.implementation if response.answer == Answer.LEVEL else "",
            response.justification,
        )


# -- The drop-down lists, in the workbook's language -------------------------------------------


def level_entry(level: Level, lang: str) -> str:
    return f"{level.code} · {tr(level.label, lang)}"


@dataclass(frozen=True)
class Lists:
    """The drop-down lists of one workbook (in its language) and how to read a cell back."""

    levels: list[str]  # the scale's levels, then not applicable and don't know
    applied: list[str]
    kinds: list[str]
    answer_of: dict[str, tuple[str, str]]  # normalised text -> (answer, level code)
    applied_of: dict[str, str]
    kind_of: dict[str, str]
    answer_text: dict[tuple[str, str], str]  # (answer, level code) -> the entry shown
    applied_text: dict[str, str]


def workbook_lists(levels: list[Level], lang: str) -> Lists:
    with override(lang):
        na, dk = str(Answer.NOT_APPLICABLE.label), str(Answer.DONT_KNOW.label)
        applied = {value: str(label) for value, label in Implementation.choices}
        kinds = {value: str(label) for value, label in Evidence.Kind.choices}
    answer_text = {(Answer.LEVEL.value, lv.code): level_entry(lv, lang) for lv in levels}
    answer_text |= {(Answer.NOT_APPLICABLE.value, ""): na, (Answer.DONT_KNOW.value, ""): dk}
    answer_of: dict[str, tuple[str, str]] = {}
    for lv in levels:  # a bare code or label is read too (typed rather than picked)
        answer_of.setdefault(normal(tr(lv.label, lang)), (Answer.LEVEL.value, lv.code))
    for lv in levels:
        answer_of[normal(lv.code)] = (Answer.LEVEL.value, lv.code)
    answer_of |= {normal(text): key for key, text in answer_text.items()}
    return Lists(
        levels=list(answer_text.values()),
        applied=list(applied.values()),
        kinds=list(kinds.values()),
        answer_of=answer_of,
        applied_of={normal(text): value for value, text in applied.items()} | {v: v for v in applied},
        kind_of={normal(text): value for value, text in kinds.items()} | {v: v for v in kinds},
        answer_text=answer_text,
        applied_text=applied,
    )


def normal(text: str) -> str:
    """How list entries are matched: spaces collapsed, case and accents' composition ignored."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def cell_text(value) -> str:
    """A cell's value as text, exactly as a person sees it; a formula is its text ("=..."), never run."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "text"):  # an array formula object: its text, as typed
        return str(value.text or "")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def same_text(text: str) -> str:
    """Question text compared as a spreadsheet program keeps it (line ends and edges may change)."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


# -- The question columns ----------------------------------------------------------------------


def question_texts(indicator: Indicator, levels: list[Level], lang: str) -> tuple[str, str, str, str]:
    """Code, question, guidance and the levels' meaning of one indicator, in `lang`."""
    guidance = tr(indicator.guidance, lang)
    evidence = tr(indicator.evidence, lang)
    if evidence:
        with override(lang):
            counts = _("What evidence counts: %(text)s") % {"text": evidence}
        guidance = f"{guidance}\n{counts}" if guidance else counts
    lines = []
    for level in levels:
        meaning = tr((indicator.levels or {}).get(level.code), lang) or tr(level.descriptor, lang)
        entry = level_entry(level, lang)
        lines.append(f"{entry}: {meaning}" if meaning else entry)
    return indicator.code, tr(indicator.question, lang), guidance, "\n".join(lines)


def questions_checksum(rows: list[tuple[str, ...]]) -> str:
    """One checksum of every row's question columns, in the workbook's order."""
    canonical = json.dumps([[same_text(part) for part in row] for row in rows], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# -- Grouping into sheets ----------------------------------------------------------------------


def grouping_dimension(dimensions: list[Dimension], by: str) -> Dimension | None:
    role = {BY.CRITERION: Dimension.Role.CRITERIA, BY.STAGE: Dimension.Role.LIFECYCLE}.get(
        by, Dimension.Role.CRITERIA
    )
    return (
        next((d for d in dimensions if d.role == role), None)
        or next((d for d in dimensions if d.primary), None)
        or (dimensions[0] if dimensions else None)
    )


def sheet_groups(framework: Framework, by: str) -> list[tuple[Category | None, list[Indicator]]]:
    """The answer sheets: each leaf category of the chosen dimension with its indicators (each indicator
    on one sheet only: its first category there), and the indicators in none of them last."""
    dimensions = list(framework.dimensions.prefetch_related("categories"))
    dimension = grouping_dimension(dimensions, by)
    categories = sorted(dimension.categories.all(), key=lambda c: c.position) if dimension else []
    parents = {c.parent_id for c in categories}
    leaves = {c.pk: c for c in categories if c.pk not in parents}
    groups: dict[int | None, list[Indicator]] = {pk: [] for pk in leaves}
    for indicator in framework.indicators.prefetch_related("categories").order_by("position"):
        mine = sorted((c for c in indicator.categories.all() if c.pk in leaves), key=lambda c: c.position)
        groups.setdefault(mine[0].pk if mine else None, []).append(indicator)
    result = [(leaves[pk], items) for pk, items in groups.items() if pk is not None and items]
    if groups.get(None):
        result.append((None, groups[None]))
    return result


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name spreadsheet programs accept: no []:*?/\\, at most 31 characters, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip().strip("'")[:31].strip() or "Sheet"
    name, n = base, 2
    while name.casefold() in taken or name in (META_SHEET, LISTS_SHEET):
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


# -- The hidden sheet's signature --------------------------------------------------------------


def versions_text(versions: dict[int, int]) -> str:
    return " ".join(f"{pk}:{v}" for pk, v in sorted(versions.items()) if v)


def versions_parse(text: str) -> dict[int, int]:
    out = {}
    for part in text.split():
        pk, _sep, version = part.partition(":")
        out[int(pk)] = int(version)
    return out


def signature(meta: dict[str, str], table: list[list[str]]) -> str:
    """Signs what the hidden sheet says (with the server's secret key), so that an upload can tell a
    workbook this server wrote from one whose hidden sheet was edited."""
    canonical = json.dumps([sorted(meta.items()), table], ensure_ascii=False)
    return signing.Signer(salt=SIGNING_SALT).signature(canonical)


def signature_valid(meta: dict[str, str], table: list[list[str]], value: str) -> bool:
    canonical = json.dumps([sorted(meta.items()), table], ensure_ascii=False)
    try:
        signing.Signer(salt=SIGNING_SALT).unsign(f"{canonical}:{value}")
    except signing.BadSignature:
        return False
    return True
