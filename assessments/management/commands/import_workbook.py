"""manage.py import_workbook FILE --assessment ID: apply a filled questionnaire workbook, as its web upload
does (same checks, same services, one transaction), printing the preview first."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment, Participant
from assessments.services import AssessmentError, AssessmentProblems
from assessments.workbook import (
    FOR,
    KEEP,
    TAKE,
    ConflictsOpen,
    workbook_apply,
    workbook_preview,
    workbook_read,
)
from assessments.workbook.read import Refused


class Command(BaseCommand):
    help = (
        "Apply a filled questionnaire workbook to an assessment. A person's workbook becomes that person's "
        "answers (its hidden sheet says whose); an institution's becomes the answers of the respondent "
        "given with --participant (or its only respondent). Any problem applies nothing; answers changed "
        "on the server since the download need --keep or --take for each."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--assessment", type=int, required=True, help="The assessment's id.")
        whose = parser.add_mutually_exclusive_group()
        whose.add_argument("--participant", type=int, help="Whose answers these become (a participant id).")
        whose.add_argument(
            "--institution", type=int, help="The institution whose workbook it is (a check; institution id)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; save nothing.")
        parser.add_argument(
            "--keep", nargs="*", default=[], metavar="CODE", help="Conflicts: keep the server's."
        )
        parser.add_argument(
            "--take", nargs="*", default=[], metavar="CODE", help="Conflicts: take the workbook's."
        )

    def handle(
        self, *args, file: Path, assessment: int, participant, institution, dry_run, keep, take, **options
    ):
        target = Assessment.objects.select_related("framework").filter(pk=assessment).first()
        if target is None:
            raise CommandError(f"No assessment {assessment}")
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        person = self._person(target, raw, participant, institution)
        preview = workbook_preview(assessment=target, participant=person, raw=raw)
        self._show(preview, person)
        if preview.problems:
            raise CommandError(f"{file}: nothing applied, {len(preview.problems)} problem(s)")
        if dry_run:
            self.stdout.write("Dry run: nothing saved.")
            return
        choices = dict.fromkeys(keep, KEEP) | dict.fromkeys(take, TAKE)
        try:
            applied = workbook_apply(
                assessment=target, participant=person, user=person.user, raw=raw, choices=choices
            )
        except ConflictsOpen as exc:
            raise CommandError(
                f"Conflicts need a choice, nothing applied: {' '.join(exc.codes)} (use --keep or --take)"
            ) from None
        except AssessmentProblems as exc:
            raise CommandError("\n".join(exc.problems)) from None
        except AssessmentError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Saved {applied.answers} answer(s) and {applied.links} evidence link(s).")

    def _person(self, assessment: Assessment, raw: bytes, participant, institution) -> Participant:
        """Whose answers the workbook becomes: the one given, else the one its hidden sheet names."""
        people = assessment.participants.select_related("user", "institution")
        if participant is not None:
            found = people.filter(pk=participant).first()
            if found is None:
                raise CommandError(f"No participant {participant} in assessment {assessment.pk}")
            return found
        try:
            meta = workbook_read(raw).meta
        except Refused as exc:
            raise CommandError(str(exc)) from None
        if meta.get("for") == FOR.INSTITUTION:
            wanted = str(institution) if institution is not None else meta.get("institution")
            if wanted != meta.get("institution"):
                raise CommandError(
                    f"This workbook is for institution {meta.get('institution')}, not {institution}"
                )
            members = list(
                people.filter(institution_id=wanted, role="respondent", guest=False, removed_at=None)
            )
            if len(members) != 1:
                names = ", ".join(f"{p.pk} ({p.user.get_username()})" for p in members) or "none"
                raise CommandError(
                    "An institution's workbook becomes the answers of one of its respondents: give "
                    f"--participant ID (respondents: {names})"
                )
            return members[0]
        if institution is not None and str(institution) != meta.get("institution"):
            raise CommandError(
                f"This workbook is for institution {meta.get('institution')}, not {institution}"
            )
        found = people.filter(pk=meta.get("participant") or 0).first()
        if found is None:
            raise CommandError("The workbook names no participant of this assessment: give --participant ID")
        return found

    def _show(self, preview, person: Participant) -> None:
        who = f"{person.user.get_username()} ({person.institution or '-'})"
        self.stdout.write(
            f"Answers of {who}, from a workbook downloaded {preview.meta.get('downloaded_at', '?')}"
        )
        for label, changes in (
            ("new", preview.new),
            ("changed", preview.changed),
            ("conflict", preview.conflicts),
            ("kept (newer on the server)", preview.kept),
        ):
            for change in changes:
                before = f"{change.current_text} -> " if label != "new" else ""
                self.stdout.write(f"  {label}: {change.code}: {before}{change.workbook_text}")
        self.stdout.write(f"  unchanged: {len(preview.unchanged)}")
        for link in preview.links:
            self.stdout.write(f"  evidence link: {link.code}: {link.url}")
        for problem in preview.problems:
            self.stderr.write(f"  problem: {problem}")
