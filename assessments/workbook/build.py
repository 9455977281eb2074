"""Write the questionnaire workbook of one participant (or of their institution) with openpyxl: a cover
sheet, one protected sheet per criterion or stage with the saved answers filled in, drop-down lists,
and a hidden, signed sheet that says what the workbook is for (docs/workbook.md)."""

import io
from collections import defaultdict
from datetime import datetime

import openpyxl
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from assessments.models import Assessment, Participant, Response
from assessments.workbook import layout
from assessments.workbook.layout import FOR, Content
from indicators.models import Level
from indicators.text import tr

HEADER_FILL = PatternFill("solid", fgColor="1F3864")
QUESTION_FILL = PatternFill("solid", fgColor="EDEDED")
ANSWER_FILL = PatternFill("solid", fgColor="FFF7D6")
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


def put(sheet, row: int, column: int, value):
    """Write a value; text is always typed text, so that nothing written is ever a live formula."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def workbook_filename(assessment: Assessment, participant: Participant, kind: str) -> str:
    who = participant.institution.name if kind == FOR.INSTITUTION else participant.user.get_username()
    return slugify(f"{assessment.country.code}-{assessment.round}-{assessment.pk}-{who}") + ".xlsx"


def _prefill(assessment: Assessment, participant: Participant, kind: str):
    """The answer each row starts from (the person's own, or for an institution its latest answer by
    anyone of it), and the versions of the answers it may later be compared with."""
    responses = Response.objects.filter(assessment=assessment).select_related("level")
    if kind == FOR.INSTITUTION:
        responses = responses.filter(participant__institution_id=participant.institution_id)
    else:
        responses = responses.filter(participant=participant)
    shown: dict[int, Response] = {}
    versions: dict[int, dict[int, int]] = defaultdict(dict)
    for response in responses.order_by("updated_at", "pk"):
        shown[response.indicator_id] = response  # the latest wins
        versions[response.indicator_id][response.participant_id] = response.version
    return shown, versions


def _recorded_evidence(assessment: Assessment) -> dict[int, list[str]]:
    recorded: dict[int, list[str]] = defaultdict(list)
    for evidence in assessment.evidence.prefetch_related("indicators").order_by("added_at", "pk"):
        text = f"{evidence.title} ({evidence.url})" if evidence.url else evidence.title
        for indicator in evidence.indicators.all():
            recorded[indicator.pk].append(text)
    return recorded


def workbook_build(
    *,
    assessment: Assessment,
    participant: Participant,
    kind: str = FOR.PARTICIPANT,
    by: str = layout.BY.CRITERION,
    lang: str = "en",
    now: datetime | None = None,
) -> bytes:
    """The workbook as XLSX bytes, in `lang`, for `participant` (kind participant) or for their
    institution (kind institution: any of its respondents may upload it)."""
    now = now or timezone.now()
    framework = assessment.framework
    levels = list(Level.objects.filter(scale__framework=framework).order_by("position"))
    lists = layout.workbook_lists(levels, lang)
    groups = layout.sheet_groups(framework, by)
    shown, versions = _prefill(assessment, participant, kind)
    recorded = _recorded_evidence(assessment)

    book = openpyxl.Workbook()
    cover = book.active
    with override(lang):
        cover.title = layout.sheet_name(_("Read me"), set())
        taken = {cover.title.casefold()}
        headers = layout.column_headers()
        table: list[list[str]] = []
        questions: list[tuple[str, ...]] = []
        for category, indicators in groups:
            title = f"{category.code} {tr(category.label, lang)}" if category else _("Other indicators")
            sheet = book.create_sheet(layout.sheet_name(title, taken))
            _answer_sheet(sheet, title, headers, lists, len(indicators))
            for n, indicator in enumerate(indicators):
                row = layout.FIRST_ROW + n
                texts = layout.question_texts(indicator, levels, lang)
                questions.append(texts)
                saved = Content.of(shown.get(indicator.pk))
                _answer_row(sheet, row, texts, saved, lists, recorded.get(indicator.pk, []))
                table.append(
                    [
                        indicator.code,
                        sheet.title,
                        str(row),
                        saved.key,
                        layout.versions_text(versions.get(indicator.pk, {})),
                    ]
                )
        meta = _meta(assessment, participant, kind, by, lang, now, layout.questions_checksum(questions))
        _cover(cover, assessment, participant, kind, now, levels, lang)
        _lists_sheet(book.create_sheet(layout.LISTS_SHEET), lists)
        _meta_sheet(book.create_sheet(layout.META_SHEET), meta, table)
    book.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _meta(assessment, participant, kind, by, lang, now, checksum) -> dict[str, str]:
    user = participant.user
    return {
        "format": layout.FORMAT,
        "version": layout.VERSION,
        "assessment": str(assessment.pk),
        "assessment_name": str(assessment),
        "framework": assessment.framework.slug,
        "framework_version": assessment.framework.version,
        "for": kind,
        "participant": str(participant.pk) if kind == FOR.PARTICIPANT else "",
        "person": (user.get_full_name() or user.get_username()) if kind == FOR.PARTICIPANT else "",
        "institution": str(participant.institution_id or ""),
        "institution_name": participant.institution.name if participant.institution_id else "",
        "downloaded_by": str(user.pk),
        "downloaded_at": now.isoformat(timespec="seconds"),
        "language": lang,
        "grouping": by,
        "questions_checksum": checksum,
    }


def _answer_sheet(sheet, title: str, headers: dict[int, str], lists: layout.Lists, rows: int) -> None:
    put(sheet, layout.TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    for column, text in headers.items():
        cell = put(sheet, layout.HEADER_ROW, column, text)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    for column, width in layout.WIDTHS.items():
        sheet.column_dimensions[layout.column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=layout.FIRST_ROW, column=layout.LEVELS)
    last = layout.FIRST_ROW + max(rows, 1) - 1
    for column, count, list_column in (
        (layout.LEVEL, len(lists.levels), "A"),
        (layout.APPLIED, len(lists.applied), "B"),
        (layout.KIND, len(lists.kinds), "C"),
    ):
        validation = DataValidation(
            type="list",
            formula1=f"'{layout.LISTS_SHEET}'!${list_column}$1:${list_column}${count}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not on the list"),
            error=_("Choose an entry from the drop-down list."),
        )
        sheet.add_data_validation(validation)
        letter = layout.column_letter(column)
        validation.add(f"{letter}{layout.FIRST_ROW}:{letter}{last}")
    # Printed (to pass around on paper too): landscape, the columns on one page's width, headers repeated.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{layout.HEADER_ROW}:{layout.HEADER_ROW}"
    # Only the answer cells can be edited; columns and rows may still be resized.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _answer_row(sheet, row: int, texts, saved: Content, lists: layout.Lists, recorded: list[str]) -> None:
    for column, text in zip(layout.QUESTION_COLUMNS, texts, strict=True):
        cell = put(sheet, row, column, text)
        cell.fill, cell.alignment = QUESTION_FILL, WRAP
    answers = {
        layout.LEVEL: lists.answer_text.get((saved.answer, saved.level), "") if not saved.empty else "",
        layout.APPLIED: lists.applied_text.get(saved.implementation, ""),
        layout.JUSTIFICATION: saved.justification,
    }
    for column in layout.ANSWER_COLUMNS:
        cell = put(sheet, row, column, answers.get(column) or None)
        cell.fill, cell.alignment, cell.protection = ANSWER_FILL, WRAP, UNLOCKED
    put(sheet, row, layout.RECORDED, "\n".join(recorded) or None).alignment = WRAP


def _cover(sheet, assessment, participant, kind, now, levels, lang) -> None:
    user = participant.user
    person = user.get_full_name() or user.get_username()
    institution = participant.institution.name if participant.institution_id else ""
    if kind == FOR.INSTITUTION:
        who = _(
            "%(institution)s. Any of its respondents may upload it: the answers become the answers of the "
            "person who uploads it."
        ) % {"institution": institution}
    else:
        who = _("%(person)s (%(institution)s). Only you can upload it.") % {
            "person": person,
            "institution": institution,
        }
    framework = _("Framework: %(title)s, version %(version)s") % {
        "title": tr(assessment.framework.title, lang),
        "version": assessment.framework.version,
    }
    downloaded = _("Downloaded on %(when)s by %(person)s.") % {
        "when": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"),
        "person": person,
    }
    steps = [
        _("1. Each sheet holds the indicators of one group. Answer in the yellow cells only."),
        _(
            "2. Choose your answer from the drop-down list: a level of the scale, Not applicable or "
            "Don't know."
        ),
        _("3. Say whether it is applied (on paper only, partly, in practice) and justify your answer."),
        _(
            "4. To add evidence, give its web link (http or https), a title and its kind. Files are added "
            "on the scoring page."
        ),
        _(
            "5. Answers already saved are filled in. Leave a row as it is to keep the answer saved on the "
            "server."
        ),
        _("6. Do not change the grey columns: the workbook is checked when you upload it."),
        _("7. Save the file as .xlsx. Formulas are not calculated: what a cell shows is read as text."),
        _(
            "8. Upload it on the assessment's Workbook page. You will see every change and every problem "
            "before anything is saved; answers changed on the server since the download are shown for you "
            "to choose."
        ),
    ]
    scale = [
        layout.level_entry(lv, lang) + (f": {tr(lv.descriptor, lang)}" if lv.descriptor else "")
        for lv in levels
    ]
    big, bold = Font(bold=True, size=13), Font(bold=True)
    lines = [
        (_("Questionnaire workbook"), Font(bold=True, size=15)),
        (str(assessment), bold),
        (framework, None),
        (_("For: %(who)s") % {"who": who}, None),
        (downloaded, None),
        ("", None),
        (_("How to fill it in"), big),
        *((step, None) for step in steps),
        ("", None),
        (_("The scale"), big),
        *((entry, None) for entry in scale),
    ]
    for n, (text, font) in enumerate(lines, 1):
        cell = put(sheet, n, 1, text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            cell.font = font
    sheet.column_dimensions["A"].width = 110
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.protection.sheet = True


def _lists_sheet(sheet, lists: layout.Lists) -> None:
    for column, entries in ((1, lists.levels), (2, lists.applied), (3, lists.kinds)):
        for row, text in enumerate(entries, 1):
            put(sheet, row, column, text)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _meta_sheet(sheet, meta: dict[str, str], table: list[list[str]]) -> None:
    meta = {**meta, "signature": layout.signature(meta, table)}
    for row, (key, value) in enumerate(meta.items(), 1):
        put(sheet, row, 1, key)
        put(sheet, row, 2, value)
    start = len(meta) + 2
    for column, title in enumerate(("code", "sheet", "row", "answer", "versions"), 1):
        put(sheet, start, column, title)
    for n, line in enumerate(table, start + 1):
        for column, value in enumerate(line, 1):
            put(sheet, n, column, value)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
