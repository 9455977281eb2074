"""Read an uploaded workbook and say what applying it would do: new, changed and unchanged answers,
conflicts with answers saved on the server since the download, evidence links to add, and every
problem with its sheet, row and column. Reads only: nothing here writes (see `services`)."""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from assessments.archives import ArchiveRefused, archive_verify
from assessments.models import Assessment, Evidence, Participant, Response
from assessments.rules import allowed
from assessments.services import AssessmentError, clean_text, evidence_build
from assessments.workbook import layout
from assessments.workbook.layout import FOR, Content
from indicators.models import Indicator, Level
from indicators.validators import is_web_link

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Problem:
    """Why the workbook cannot be applied, and where: sheet, row and column when the place is a cell."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: int | None = None

    @property
    def cell(self) -> str:
        if self.row is None or self.column is None:
            return ""
        return f"{layout.column_letter(self.column)}{self.row}"

    @property
    def column_letter(self) -> str:
        return layout.column_letter(self.column) if self.column else ""

    @property
    def column_title(self) -> str:
        return layout.column_headers().get(self.column, "") if self.column else ""

    def __str__(self) -> str:
        if self.column is not None and self.row is not None:
            place = _("Sheet “%(sheet)s”, row %(row)s, column %(column)s (%(title)s)") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": layout.column_letter(self.column),
                "title": self.column_title,
            }
        elif self.row is not None:
            place = _("Sheet “%(sheet)s”, row %(row)s") % {"sheet": self.sheet, "row": self.row}
        elif self.sheet:
            place = _("Sheet “%(sheet)s”") % {"sheet": self.sheet}
        else:
            return self.message
        return f"{place}: {self.message}"


class Refused(Exception):
    """The file cannot be read as a workbook of this server; `problem` says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class WorkbookFile:
    """What an uploaded workbook holds: the hidden sheet (`meta`, `table`), and the answer sheets'
    rows as text from the first data row (`sheets`), within the row cap."""

    meta: dict[str, str]
    table: list[list[str]]
    sheets: dict[str, list[tuple[str, ...]]]
    problems: list[Problem] = field(default_factory=list)


def _refuse(message: str) -> Refused:
    return Refused(Problem(message))


def _check_file(raw: bytes) -> None:
    if len(raw) > settings.WORKBOOK_MAX_BYTES:
        raise _refuse(
            _("The workbook is larger than %(size)s.") % {"size": filesizeformat(settings.WORKBOOK_MAX_BYTES)}
        )
    if raw[:4] == OLE_MAGIC:
        raise _refuse(_("This is an old .xls file: save it as an Excel workbook (.xlsx) and upload that."))
    if raw[:4] != ZIP_MAGIC:
        raise _refuse(_("This file is not a workbook: upload the .xlsx file you downloaded, once filled in."))
    try:
        archive_verify(raw)  # the same limits as bundles: no zip bomb reaches openpyxl
    except ArchiveRefused as exc:
        raise _refuse(str(exc)) from None
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if "mimetype" in archive.namelist() and archive.read("mimetype").startswith(ODS_MIME):
            raise _refuse(
                _(
                    "This is an OpenDocument spreadsheet (.ods): save it as an Excel workbook (.xlsx) and "
                    "upload that."
                )
            )


def _rows(sheet, budget: int) -> tuple[list[tuple[str, ...]], bool]:
    """The sheet's rows as text from the first data row, at most `budget` of them; and whether a row
    beyond the budget holds anything."""
    rows, over = [], False
    for n, values in enumerate(
        sheet.iter_rows(
            min_row=layout.FIRST_ROW,
            max_row=layout.FIRST_ROW + budget,
            max_col=layout.LAST_COLUMN,
            values_only=True,
        )
    ):
        texts = tuple(layout.cell_text(v) for v in values)
        texts += ("",) * (layout.LAST_COLUMN - len(texts))
        if n >= budget:
            over = any(texts)
            break
        rows.append(texts)
    while rows and not any(rows[-1]):
        rows.pop()
    return rows, over


def workbook_read(raw: bytes) -> WorkbookFile:
    """Open an uploaded workbook within the limits, or raise Refused. Formulas are read as the text
    typed ("=..."), never calculated: the workbook is opened without cached values."""
    _check_file(raw)
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds (zip, XML, its own) on a file that is not a workbook
        raise _refuse(_("This file cannot be read as an Excel workbook (.xlsx).")) from None
    try:
        if layout.META_SHEET not in book.sheetnames:
            raise _refuse(
                _("This is not a workbook downloaded from Coherence (its hidden sheet is missing).")
            )
        meta, table = _meta(book[layout.META_SHEET])
        problems, sheets, budget = [], {}, settings.WORKBOOK_MAX_ROWS
        for name in dict.fromkeys(line[1] for line in table if len(line) > 1):
            if name not in book.sheetnames:
                problems.append(Problem(_("This sheet is missing from the workbook."), sheet=name))
                continue
            rows, over = _rows(book[name], budget)
            budget -= len(rows)
            sheets[name] = rows
            if over or budget < 0:
                problems.append(
                    Problem(
                        _("The answer sheets hold more than %(max)s rows.")
                        % {"max": f"{settings.WORKBOOK_MAX_ROWS:,}"},
                        sheet=name,
                    )
                )
                break
    except Refused:
        raise
    except Exception:  # openpyxl reads lazily: a broken sheet fails here, not on opening
        raise _refuse(_("This file cannot be read as an Excel workbook (.xlsx).")) from None
    finally:
        book.close()
    return WorkbookFile(meta, table, sheets, problems)


def _meta(sheet) -> tuple[dict[str, str], list[list[str]]]:
    meta: dict[str, str] = {}
    table: list[list[str]] = []
    in_table = False
    limit = settings.WORKBOOK_MAX_ROWS + 50
    for n, values in enumerate(sheet.iter_rows(max_row=limit, max_col=5, values_only=True)):
        texts = [layout.cell_text(v) for v in values]
        texts += [""] * (5 - len(texts))
        if n >= limit:
            break
        if not any(texts):
            continue
        if not in_table and texts[0] == "code" and texts[1] == "sheet":
            in_table = True
        elif in_table:
            table.append(texts)
        elif texts[0]:
            meta[texts[0]] = texts[1]
    if meta.get("format") != layout.FORMAT:
        raise _refuse(_("This is not a workbook downloaded from Coherence."))
    if meta.get("version") != layout.VERSION:
        raise _refuse(
            _("This workbook's format (version %(version)s) is not read here: download a new workbook.")
            % {"version": meta.get("version")}
        )
    return meta, table


# -- What applying it would do -------------------------------------------------------------------


class Status:
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    KEPT = "kept"  # changed on the server since the download, left as it was in the workbook


@dataclass(frozen=True)
class Change:
    """One indicator's row: what the workbook says, what the server holds, and what applying would do."""

    indicator: Indicator
    sheet: str
    row: int
    status: str
    workbook: Content
    current: Content
    current_version: int
    workbook_text: str = ""
    current_text: str = ""

    @property
    def code(self) -> str:
        return self.indicator.code


@dataclass(frozen=True)
class EvidenceLink:
    indicator: Indicator
    sheet: str
    row: int
    url: str
    title: str
    kind: str

    @property
    def code(self) -> str:
        return self.indicator.code

    def get_kind_display(self) -> str:
        return str(Evidence.Kind(self.kind).label)


@dataclass
class WorkbookPreview:
    """What applying a workbook would do, for one person's answers (`participant`)."""

    assessment: Assessment
    participant: Participant
    meta: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    links: list[EvidenceLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def _with(self, status: str) -> list[Change]:
        return [c for c in self.changes if c.status == status]

    @property
    def new(self) -> list[Change]:
        return self._with(Status.NEW)

    @property
    def changed(self) -> list[Change]:
        return self._with(Status.CHANGED)

    @property
    def unchanged(self) -> list[Change]:
        return self._with(Status.UNCHANGED)

    @property
    def conflicts(self) -> list[Change]:
        return self._with(Status.CONFLICT)

    @property
    def kept(self) -> list[Change]:
        return self._with(Status.KEPT)

    @property
    def kind(self) -> str:
        return self.meta.get("for", "")

    @property
    def for_institution(self) -> bool:
        return self.kind == FOR.INSTITUTION

    @property
    def fingerprint(self) -> str:
        """What applying would do, in one value: a confirmation is refused if this changed meanwhile."""
        plan = [[c.code, c.status, c.workbook.key, c.current_version] for c in self.changes]
        plan += [[link.code, link.url, link.title, link.kind] for link in self.links]
        return hashlib.sha256(json.dumps(plan).encode("utf-8")).hexdigest()[:32]


def workbook_preview(*, assessment: Assessment, participant: Participant, raw: bytes) -> WorkbookPreview:
    """Check an uploaded workbook in full against the assessment, as the answers of `participant`, and
    compare every row with what the server holds now. Problems are listed, never raised."""
    preview = WorkbookPreview(assessment=assessment, participant=participant)
    try:
        upload = workbook_read(raw)
    except Refused as exc:
        preview.problems.append(exc.problem)
        return preview
    preview.meta = upload.meta
    preview.problems += _whose(upload, assessment, participant)
    if preview.problems:
        return preview  # nothing below means anything for a workbook of another assessment or person
    preview.problems += upload.problems
    if upload.problems:
        return preview  # a sheet missing or rows beyond the cap: the rows cannot be compared
    _rows_compare(preview, upload)
    order = {line[1]: n for n, line in reversed(list(enumerate(upload.table)))}
    preview.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0, p.column or 0))
    return preview


def _whose(upload: WorkbookFile, assessment: Assessment, participant: Participant) -> list[Problem]:
    meta = upload.meta
    signed = meta.get("signature", "")
    unsigned = {k: v for k, v in meta.items() if k != "signature"}
    if not layout.signature_valid(unsigned, upload.table, signed):
        return [
            Problem(
                _(
                    "The workbook's hidden sheet was changed, or it was downloaded from another server: "
                    "download a new workbook."
                )
            )
        ]
    if meta.get("assessment") != str(assessment.pk):
        return [
            Problem(
                _("This workbook is for another assessment (%(name)s).")
                % {"name": meta.get("assessment_name")}
            )
        ]
    framework = assessment.framework
    if (meta.get("framework"), meta.get("framework_version")) != (framework.slug, framework.version):
        return [
            Problem(
                _(
                    "This workbook is for version %(theirs)s of the framework; this assessment uses "
                    "version %(ours)s."
                )
                % {
                    "theirs": f"{meta.get('framework')} {meta.get('framework_version')}",
                    "ours": f"{framework.slug} {framework.version}",
                }
            )
        ]
    if meta.get("for") == FOR.INSTITUTION:
        if meta.get("institution") != str(participant.institution_id or ""):
            return [
                Problem(
                    _("This workbook is for %(theirs)s; you answer for %(ours)s.")
                    % {
                        "theirs": meta.get("institution_name"),
                        "ours": participant.institution.name if participant.institution_id else "—",
                    }
                )
            ]
    elif meta.get("participant") != str(participant.pk):
        return [
            Problem(
                _(
                    "This workbook holds the answers of %(person)s: only they can upload it. Download "
                    "your own, or your institution's."
                )
                % {"person": meta.get("person")}
            )
        ]
    return []


@dataclass
class _Reading:
    """What one comparison needs from the database, read once."""

    indicators: dict[str, Indicator]
    levels: list[Level]
    lists: layout.Lists
    current: dict[int, Response]
    recorded: set[tuple[str, int]]


def _reading(preview: WorkbookPreview) -> _Reading:
    assessment = preview.assessment
    levels = list(Level.objects.filter(scale__framework=assessment.framework).order_by("position"))
    links = Evidence.indicators.through.objects.filter(evidence__assessment=assessment).exclude(
        evidence__url=""
    )
    return _Reading(
        indicators={i.code: i for i in assessment.framework.indicators.all()},
        levels=levels,
        lists=layout.workbook_lists(levels, preview.meta.get("language") or "en"),
        current={
            r.indicator_id: r
            for r in Response.objects.filter(assessment=assessment, participant=preview.participant)
            .select_related("level")
            .order_by()
        },
        recorded=set(links.values_list("evidence__url", "indicator_id")),
    )


def _rows_compare(preview: WorkbookPreview, upload: WorkbookFile) -> None:
    reading = _reading(preview)
    lang = preview.meta.get("language") or "en"
    expected_at: dict[tuple[str, int], str] = {}
    placed = []
    for line in upload.table:
        code, sheet, row = line[0], line[1], int(line[2]) if line[2].isdigit() else 0
        indicator = reading.indicators.get(code)
        if indicator is None or sheet not in upload.sheets or row < layout.FIRST_ROW:
            continue
        expected_at[(sheet, row)] = code
        cells = _cells(upload.sheets[sheet], row)
        placed.append((indicator, sheet, row, cells, line[3], layout.versions_parse(line[4])))
    _question_columns(preview, upload, reading, placed, lang)
    _stray_rows(preview, upload, reading, expected_at)
    for indicator, sheet, row, cells, saved_key, versions in placed:
        if cells[layout.CODE - 1] != indicator.code:
            continue  # reported by the question columns' check
        _row(preview, reading, indicator, sheet, row, cells, saved_key, versions)


def _cells(rows: list[tuple[str, ...]], row: int) -> tuple[str, ...]:
    index = row - layout.FIRST_ROW
    return rows[index] if 0 <= index < len(rows) else ("",) * layout.LAST_COLUMN


def _question_columns(preview, upload, reading, placed, lang) -> None:
    """Edits outside the answer cells: the question columns' checksum differs from the one written.
    Each changed cell is named when the framework's text still gives the checksum it was written with."""
    uploaded = [tuple(cells[c - 1] for c in layout.QUESTION_COLUMNS) for _i, _s, _r, cells, _k, _v in placed]
    stored = upload.meta.get("questions_checksum", "")
    if len(placed) == len(upload.table) and layout.questions_checksum(uploaded) == stored:
        return
    expected = {i.code: layout.question_texts(i, reading.levels, lang) for i, _s, _r, _c, _k, _v in placed}
    located, moved = False, False
    if layout.questions_checksum(list(expected.values())) == stored and len(placed) == len(upload.table):
        for indicator, sheet, row, cells, _key, _versions in placed:
            for column, text in zip(layout.QUESTION_COLUMNS, expected[indicator.code], strict=True):
                found = cells[column - 1]
                if layout.same_text(found) == layout.same_text(text):
                    continue
                if column == layout.CODE and (not found.strip() or found.strip() in reading.indicators):
                    moved = True  # another indicator's row, or none, where this one was
                    break
                located = True
                if column == layout.CODE:
                    message = _("Unknown indicator code %(code)r.") % {"code": found}
                else:
                    message = _(
                        "This cell was changed, but only the answer cells may be: put back “%(text)s”, or "
                        "download a new workbook."
                    ) % {"text": _short(text)}
                preview.problems.append(Problem(message, sheet=sheet, row=row, column=column))
    if moved or not located:
        preview.problems.append(
            Problem(
                _(
                    "The protected columns (code, question, guidance, levels) were changed, or rows were "
                    "moved or removed: download a new workbook and copy your answers into it."
                )
            )
        )


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _stray_rows(preview, upload, reading, expected_at) -> None:
    """Rows that were not in the workbook as downloaded, but hold something."""
    for sheet, rows in upload.sheets.items():
        for n, cells in enumerate(rows):
            row = layout.FIRST_ROW + n
            if (sheet, row) in expected_at or not any(cells[: layout.KIND]):
                continue
            code = cells[layout.CODE - 1].strip()
            if code and code not in reading.indicators:
                message, column = _("Unknown indicator code %(code)r.") % {"code": code}, layout.CODE
            else:
                message = _(
                    "This row was not in the workbook as downloaded: answers are read only on its rows."
                )
                column = layout.CODE
            preview.problems.append(Problem(message, sheet=sheet, row=row, column=column))


def _row(preview, reading, indicator, sheet, row, cells, saved_key, versions) -> None:
    def problem(message: str, column: int) -> None:
        preview.problems.append(Problem(message, sheet=sheet, row=row, column=column))

    before = len(preview.problems)
    level_text = cells[layout.LEVEL - 1]
    applied_text = cells[layout.APPLIED - 1]
    answer, level = ("", "")
    if level_text.strip():
        found = reading.lists.answer_of.get(layout.normal(level_text))
        if found is None:
            problem(
                _("%(value)r is not on the list: choose a level of the scale, Not applicable or Don't know.")
                % {"value": _short(level_text)},
                layout.LEVEL,
            )
        else:
            answer, level = found
    implementation = ""
    if applied_text.strip():
        implementation = reading.lists.applied_of.get(layout.normal(applied_text), None)
        if implementation is None:
            problem(
                _("%(value)r is not on the list: choose on paper only, partly or in practice.")
                % {"value": _short(applied_text)},
                layout.APPLIED,
            )
            implementation = ""
    try:
        justification = clean_text(cells[layout.JUSTIFICATION - 1], _("justification"))
    except AssessmentError as exc:
        problem(str(exc), layout.JUSTIFICATION)
        justification = ""
    if not level_text.strip() and (applied_text.strip() or justification):
        problem(_("Choose an answer: a level of the scale, Not applicable or Don't know."), layout.LEVEL)
    _link(preview, reading, indicator, sheet, row, cells, problem)
    if len(preview.problems) > before:
        return
    workbook = Content(answer, level, implementation if answer == "level" else "", justification)
    response = reading.current.get(indicator.pk)
    current = Content.of(response)
    current_version = response.version if response else 0
    if workbook.empty:
        if saved_key:
            problem(
                _(
                    "This answer was emptied, but a workbook cannot remove an answer: put it back, or "
                    "choose Don't know."
                ),
                layout.LEVEL,
            )
        return
    if workbook == current:
        status = Status.UNCHANGED
    elif current_version == versions.get(preview.participant.pk, 0):
        status = Status.NEW if current.empty else Status.CHANGED
    elif workbook.key == saved_key:
        status = Status.KEPT  # the server's answer is newer, and the row was left as downloaded
    else:
        status = Status.CONFLICT
    preview.changes.append(
        Change(
            indicator,
            sheet,
            row,
            status,
            workbook,
            current,
            current_version,
            _content_text(workbook, reading.lists),
            _content_text(current, reading.lists),
        )
    )


def _content_text(content: Content, lists: layout.Lists) -> str:
    if content.empty:
        return "—"
    parts = [lists.answer_text.get((content.answer, content.level), content.level or content.answer)]
    if content.implementation:
        parts.append(lists.applied_text.get(content.implementation, content.implementation))
    if content.justification:
        parts.append(f"“{_short(content.justification, 120)}”")
    return " · ".join(parts)


def _link(preview, reading, indicator, sheet, row, cells, problem) -> None:
    url = cells[layout.LINK - 1].strip()
    title = cells[layout.TITLE - 1].strip()
    kind_text = cells[layout.KIND - 1].strip()
    if not url:
        if title or kind_text:
            problem(_("An evidence title or kind without a link: give the link, or clear them."), layout.LINK)
        return
    if not is_web_link(url):
        problem(_("Only web links (http or https) are accepted as evidence."), layout.LINK)
        return
    kind = reading.lists.kind_of.get(layout.normal(kind_text)) if kind_text else None
    if kind is None:
        problem(_("Choose the kind of evidence from the list."), layout.KIND)
        return
    if (url, indicator.pk) in reading.recorded:
        return  # already recorded for this indicator: uploading the same workbook again adds nothing
    if not allowed(preview.participant.user, "assessments.upload_evidence", preview.assessment):
        problem(_("You cannot add evidence to this assessment now."), layout.LINK)
        return
    title = title or url[:300]
    try:
        evidence_build(
            assessment=preview.assessment,
            user=preview.participant.user,
            title=title,
            kind=kind,
            indicators=[indicator],
            url=url,
        )
    except AssessmentError as exc:
        problem(str(exc), layout.LINK)
        return
    preview.links.append(EvidenceLink(indicator, sheet, row, url, title, kind))
