"""Assessment bundles: the whole of an assessment as versioned JSON (files beside it in a zip), and back.

This is how an offline workshop laptop brings its results to the central server, and how an
assessment is backed up. `docs/bundle-format.md` documents the format.

An import is a write by the importing person and gets no more than their rights: it lands as a new
draft that they coordinate; the people in it get new accounts without passwords (each with an
invitation to complete theirs), never an existing account, unless a site administrator confirms
which existing accounts to enrol; only a site administrator restores the bundle's status. Every
value goes through the same services and checks as the forms, and the whole import is one
transaction: a bundle with any problem writes nothing, and every problem is listed with its place.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

import jsonschema
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from assessments import services
from assessments.archives import ArchiveRefused, archive_read
from assessments.models import Action, Assessment, Institution, Participant
from assessments.rules import allowed
from assessments.services import (
    EVIDENCE_TYPES,
    AnswerRow,
    AssessmentError,
    AssessmentProblems,
    ConsensusRow,
    EvidenceItem,
    StatusStep,
)
from indicators.models import Framework

FORMAT = "coherence-assessment-bundle"
VERSION = 1
BUNDLE_JSON = "assessment.json"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "bundle.schema.json"


class BundleInvalid(Exception):
    """A bundle that cannot be imported; `problems` lists every reason with its place."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat()


def bundle_data(assessment: Assessment) -> dict:
    """The assessment as bundle data (JSON-ready). Evidence files are referred to by their path in the zip."""
    institutions = list(assessment.institutions.order_by("name", "pk"))
    keys = {inst.pk: f"i{n}" for n, inst in enumerate(institutions, 1)}
    participants = list(assessment.participants.select_related("user").order_by("user__username"))
    usernames = {p.pk: p.user.get_username() for p in participants}
    user_names = {p.user_id: p.user.get_username() for p in participants}

    def username_of(user) -> str | None:
        return user.get_username() if user is not None else None

    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "assessment": {
            "country": assessment.country.code,
            "area": assessment.area,
            "round": assessment.round,
            "kind": assessment.kind,
            "language": assessment.language,
            "status": assessment.status,
            "publish_justifications": assessment.publish_justifications,
            "is_demo": assessment.is_demo,
            "framework": {"slug": assessment.framework.slug, "version": assessment.framework.version},
        },
        "institutions": [
            {"key": keys[i.pk], "name": i.name, "kind": i.kind, "country": i.country.code or ""}
            for i in institutions
        ],
        "participants": [
            {
                "username": p.user.get_username(),
                "email": p.user.email,
                "first_name": p.user.first_name,
                "last_name": p.user.last_name,
                "role": p.role,
                "institution": keys.get(p.institution_id),
            }
            for p in participants
        ],
        "responses": [
            {
                "indicator": r.indicator.code,
                "participant": usernames[r.participant_id],
                "answer": r.answer,
                "level": r.level.code if r.level else None,
                "implementation": r.implementation,
                "justification": r.justification,
                "version": r.version,
                "updated_at": _iso(r.updated_at),
            }
            for r in assessment.responses.select_related("indicator", "level").order_by(
                "indicator__position", "pk"
            )
        ],
        "consensus": [
            {
                "indicator": c.indicator.code,
                "answer": c.answer,
                "level": c.level.code if c.level else None,
                "rationale": c.rationale,
                "set_by": username_of(c.set_by),
                "version": c.version,
            }
            for c in assessment.consensus.select_related("indicator", "level", "set_by").order_by(
                "indicator__position"
            )
        ],
        "actions": [
            {
                "title": a.title,
                "description": a.description,
                "owner": keys.get(a.owner_id),
                "due_date": _iso(a.due_date),
                "status": a.status,
                "indicators": [i.code for i in a.indicators.all()],
            }
            for a in assessment.actions.prefetch_related("indicators").order_by("pk")
        ],
        "evidence": [],
        "status_changes": [
            {
                "from": s.from_status,
                "to": s.to_status,
                "by": user_names.get(s.by_id) or username_of(s.by),
                "at": _iso(s.at),
                "comment": s.comment,
            }
            for s in assessment.status_changes.select_related("by")
        ],
    }
    for n, e in enumerate(assessment.evidence.prefetch_related("indicators").order_by("pk"), 1):
        extension = EVIDENCE_TYPES.get(e.content_type, "bin")
        data["evidence"].append(
            {
                "title": e.title,
                "kind": e.kind,
                "source": e.source,
                "effective_date": _iso(e.effective_date),
                "url": e.url,
                "file": f"evidence/{n}.{extension}" if e.file else None,
                "content_type": e.content_type,
                "indicators": [i.code for i in e.indicators.all()],
            }
        )
    return data


def bundle_export(assessment: Assessment, *, with_files: bool) -> bytes:
    """The bundle as JSON bytes, or as a zip holding assessment.json and the evidence files."""
    data = bundle_data(assessment)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")
    if not with_files:
        return text
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(BUNDLE_JSON, text)
        for evidence, item in zip(assessment.evidence.order_by("pk"), data["evidence"], strict=True):
            if item["file"]:
                with evidence.file.open("rb") as handle:
                    archive.writestr(item["file"], handle.read())
    return buffer.getvalue()


def bundle_read(raw: bytes) -> tuple[dict, dict[str, bytes]]:
    """Read a bundle from JSON or zip bytes: its data and its files by path (archive limits apply)."""
    files: dict[str, bytes] = {}
    if raw[:4] == b"PK\x03\x04":
        try:
            members = archive_read(raw, wanted=lambda n: n == BUNDLE_JSON or n.startswith("evidence/"))
        except ArchiveRefused as exc:
            raise BundleInvalid([str(exc)]) from None
        if BUNDLE_JSON not in members:
            raise BundleInvalid([_("The zip file has no %(name)s.") % {"name": BUNDLE_JSON}])
        text = members.pop(BUNDLE_JSON)
        files = members
    else:
        text = raw
    try:
        data = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BundleInvalid([_("The bundle is not valid JSON: %(error)s") % {"error": exc}]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleInvalid([_("This is not a Coherence assessment bundle.")])
    if data.get("version") != VERSION:
        raise BundleInvalid(
            [
                _("Bundle format version %(version)s is not supported (expected %(expected)s).")
                % {"version": data.get("version"), "expected": VERSION}
            ]
        )
    return data, files


@cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "bundle"


@dataclass
class _Check:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _shape_problems(data: dict) -> list[str]:
    """Every field of the wrong type or shape, with its place (nothing else can be checked before)."""
    problems = []
    for error in sorted(_schema_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(f"{_path(error.absolute_path)}: {error.message}")
    return problems


def _date(value, where: str, check: _Check):
    if value in (None, ""):
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        check.add(where, _("%(value)r is not a date (YYYY-MM-DD)") % {"value": value})
    return parsed


def _datetime(value):
    if not value:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _validate(data: dict, files: dict[str, bytes]) -> tuple[Framework | None, _Check]:
    """What needs more than shape: codes that must exist, links between records, files in the archive.
    Values themselves (countries, languages, lengths, links, file types) are checked by the services."""
    check = _Check()
    meta = data["assessment"]
    spec = meta["framework"]
    framework = Framework.objects.filter(slug=spec["slug"], version=spec["version"]).first()
    if framework is None:
        check.add(
            "assessment.framework",
            _("framework %(slug)s version %(version)s is not loaded here")
            % {"slug": spec["slug"], "version": spec["version"]},
        )
    if meta["status"] not in Assessment.Status.values:
        check.add("assessment.status", _("unknown status %(value)r") % {"value": meta["status"]})
    if meta["kind"] not in Assessment.Kind.values:
        check.add("assessment.kind", _("unknown kind %(value)r") % {"value": meta["kind"]})

    institutions = set()
    for n, item in enumerate(data.get("institutions", [])):
        if item["kind"] not in Institution.Kind.values:
            check.add(f"institutions[{n}].kind", _("unknown kind %(value)r") % {"value": item["kind"]})
        if item["key"] in institutions:
            check.add(f"institutions[{n}].key", _("duplicate key %(key)s") % {"key": item["key"]})
        institutions.add(item["key"])
    people = set()
    for n, item in enumerate(data.get("participants", [])):
        where = f"participants[{n}]"
        if item["role"] not in Participant.Role.values:
            check.add(f"{where}.role", _("unknown role %(value)r") % {"value": item["role"]})
        institution = item.get("institution")
        if institution is not None and institution not in institutions:
            check.add(f"{where}.institution", _("unknown institution %(key)s") % {"key": institution})
        if item["role"] == Participant.Role.RESPONDENT and institution is None:
            check.add(where, _("a respondent must answer for an institution"))
        if item["username"] in people:
            check.add(f"{where}.username", _("%(name)s is listed twice") % {"name": item["username"]})
        people.add(item["username"])
    codes = set(framework.indicators.values_list("code", flat=True)) if framework else None

    def check_codes(where: str, wanted: list[str]) -> None:
        for code in wanted:
            if codes is not None and code not in codes:
                check.add(where, _("unknown indicator %(code)s") % {"code": code})

    for n, item in enumerate(data.get("responses", [])):
        check_codes(f"responses[{n}].indicator", [item["indicator"]])
        if item["participant"] not in people:
            check.add(
                f"responses[{n}].participant",
                _("unknown participant %(name)s") % {"name": item["participant"]},
            )
    for n, item in enumerate(data.get("consensus", [])):
        check_codes(f"consensus[{n}].indicator", [item["indicator"]])
        if item.get("set_by") not in (None, *people):
            check.add(f"consensus[{n}].set_by", _("unknown participant %(name)s") % {"name": item["set_by"]})
    for n, item in enumerate(data.get("actions", [])):
        where = f"actions[{n}]"
        if item["status"] not in Action.Status.values:
            check.add(f"{where}.status", _("unknown status %(value)r") % {"value": item["status"]})
        if item.get("owner") is not None and item["owner"] not in institutions:
            check.add(f"{where}.owner", _("unknown institution %(key)s") % {"key": item["owner"]})
        check_codes(f"{where}.indicators", item.get("indicators", []))
        _date(item.get("due_date"), f"{where}.due_date", check)
    for n, item in enumerate(data.get("evidence", [])):
        where = f"evidence[{n}]"
        path = item.get("file")
        if path and path not in files:
            check.add(f"{where}.file", _("%(path)s is not in the zip file") % {"path": path})
        check_codes(f"{where}.indicators", item.get("indicators", []))
        _date(item.get("effective_date"), f"{where}.effective_date", check)
    for n, item in enumerate(data.get("status_changes", [])):
        for key in ("from", "to"):
            if item[key] not in Assessment.Status.values:
                check.add(f"status_changes[{n}].{key}", _("unknown status %(value)r") % {"value": item[key]})
    return framework, check


@dataclass(frozen=True)
class BundlePreview:
    """What an import would do, shown before it is confirmed."""

    data: dict
    framework: Framework
    existing_usernames: list[str]  # people in the bundle whose user name already has an account here
    counts: dict[str, int]

    @property
    def meta(self) -> dict:
        return self.data["assessment"]


class _DryRun(Exception):
    """Raised to roll back a trial import."""


def bundle_check(data: dict, files: dict[str, bytes], user=None) -> BundlePreview:
    """Check a bundle in full and say what importing it would do: its shape, then codes and links, then
    (with `user`) a trial import, rolled back, that puts every value through the services."""
    problems = _shape_problems(data)
    if problems:
        raise BundleInvalid(problems)
    framework, check = _validate(data, files)
    if check.problems:
        raise BundleInvalid(check.problems)
    usernames = [p["username"] for p in data.get("participants", [])]
    existing = sorted(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    counts = {
        key: len(data.get(key, [])) for key in ("institutions", "participants", "responses", "evidence")
    }
    preview = BundlePreview(data, framework, existing, counts)
    if user is not None:
        _trial(preview, files, user)
    return preview


def _trial(preview: BundlePreview, files, user) -> None:
    """Import for real inside a transaction that is always rolled back: every value meets the services."""
    written: list = []
    try:
        with transaction.atomic():
            _create(preview, files, user, False, set(), written)
            raise _DryRun
    except _DryRun:
        pass
    except (AssessmentProblems, BundleInvalid) as exc:
        raise BundleInvalid(exc.problems) from None
    except AssessmentError as exc:
        raise BundleInvalid([str(exc)]) from None
    finally:
        for stored in written:
            stored.storage.delete(stored.name)


def bundle_import(
    *,
    data: dict,
    files: dict[str, bytes],
    user,
    restore_status: bool = False,
    enrol: frozenset[str] | set[str] = frozenset(),
) -> Assessment:
    """Create a new assessment from a bundle, as a write by `user` (see the module's docstring).

    `enrol` names the bundle's people to match to existing accounts by user name, and `restore_status`
    gives the new assessment the bundle's status with its history: both only for a site administrator.
    """
    if user is None or not allowed(user, "assessments.import_bundle"):
        raise BundleInvalid([_("Sign in to import a bundle: the person importing coordinates it.")])
    preview = bundle_check(data, files)
    if restore_status and not allowed(user, "assessments.restore_status"):
        raise BundleInvalid([_("Only a site administrator restores the status of an imported assessment.")])
    if enrol and not allowed(user, "assessments.enrol_existing_accounts"):
        raise BundleInvalid([_("Only a site administrator enrols existing accounts from a bundle.")])
    written: list = []
    try:
        with transaction.atomic():
            return _create(
                preview, files, user, restore_status, set(enrol) & set(preview.existing_usernames), written
            )
    except (AssessmentProblems, AssessmentError, BundleInvalid) as exc:
        for stored in written:  # the rows are rolled back; do not leave their files behind
            stored.storage.delete(stored.name)
        problems = exc.problems if isinstance(exc, AssessmentProblems | BundleInvalid) else [str(exc)]
        raise BundleInvalid(problems) from None
    except Exception:
        for stored in written:
            stored.storage.delete(stored.name)
        raise


def _step(where: str, action):
    """Run one service call, putting `where` in front of its refusal."""
    try:
        return action()
    except AssessmentProblems:
        raise
    except AssessmentError as exc:
        raise BundleInvalid([f"{where}: {exc}"]) from None


def _create(
    preview: BundlePreview, files, user, restore_status: bool, enrol: set[str], written
) -> Assessment:
    data, meta = preview.data, preview.meta
    assessment = _step(
        "assessment",
        lambda: services.assessment_create(
            user=user,
            country=meta["country"],
            framework=preview.framework,
            round=meta["round"],
            kind=meta["kind"],
            language=meta.get("language", "en"),
            area=meta.get("area", ""),
            is_demo=meta.get("is_demo", False),
            publish_justifications=meta.get("publish_justifications", False),
        ),
    )
    institutions = {
        item["key"]: _step(
            f"institutions[{n}]",
            lambda item=item: services.institution_add(
                assessment=assessment, name=item["name"], kind=item["kind"]
            ),
        )
        for n, item in enumerate(data.get("institutions", []))
    }
    participants, users = _people(assessment, data, institutions, user, enrol)
    services.responses_import(
        assessment=assessment,
        user=user,
        source="bundle",
        rows=[
            AnswerRow(
                indicator=r["indicator"],
                participant=participants[r["participant"]],
                answer=r["answer"],
                level=r.get("level"),
                implementation=r.get("implementation", ""),
                justification=r.get("justification", ""),
                where=f"responses[{n}]",
            )
            for n, r in enumerate(data.get("responses", []))
        ],
    )
    services.consensus_import(
        assessment=assessment,
        user=user,
        source="bundle",
        rows=[
            ConsensusRow(
                indicator=c["indicator"],
                answer=c["answer"],
                level=c.get("level"),
                rationale=c.get("rationale", ""),
                set_by=users.get(c.get("set_by")),
                where=f"consensus[{n}]",
            )
            for n, c in enumerate(data.get("consensus", []))
        ],
    )
    indicators = {i.code: i for i in preview.framework.indicators.all()}
    for n, item in enumerate(data.get("actions", [])):
        where = f"actions[{n}]"
        unknown = [c for c in item.get("indicators", []) if c not in indicators]
        if unknown:
            raise BundleInvalid(
                [f"{where}.indicators: " + _("unknown indicator %(code)s") % {"code": unknown[0]}]
            )
        _step(
            where,
            lambda item=item: services.action_create(
                assessment=assessment,
                user=user,
                title=item["title"],
                description=item.get("description", ""),
                owner=institutions.get(item.get("owner")),
                due_date=parse_date(item["due_date"]) if item.get("due_date") else None,
                status=item["status"],
                indicators=[indicators[c] for c in item.get("indicators", [])],
            ),
        )
    services.evidence_import(
        assessment=assessment,
        user=user,
        written=written,
        items=[
            EvidenceItem(
                title=e["title"],
                kind=e["kind"],
                indicators=e.get("indicators", []),
                source=e.get("source", ""),
                effective_date=parse_date(e["effective_date"]) if e.get("effective_date") else None,
                url="" if e.get("file") else e.get("url", ""),
                file_name=PurePosixPath(e["file"]).name if e.get("file") else "",
                file_content=files[e["file"]] if e.get("file") else None,
                where=f"evidence[{n}]",
            )
            for n, e in enumerate(data.get("evidence", []))
        ],
    )
    if restore_status:
        services.assessment_status_restore(
            assessment=assessment,
            status=meta["status"],
            user=user,
            steps=[
                StatusStep(
                    from_status=s["from"],
                    to_status=s["to"],
                    by=users.get(s.get("by")),
                    at=_datetime(s.get("at")),
                    comment=s.get("comment", ""),
                )
                for s in data.get("status_changes", [])
            ],
        )
    return assessment


def _people(assessment, data, institutions, user, enrol: set[str]):
    """Participants of the new assessment: existing accounts only where a site administrator confirmed
    them; everyone else gets a new account without a password and an invitation to complete it."""
    model = get_user_model()
    participants, users = {}, {}
    for n, item in enumerate(data.get("participants", [])):
        where = f"participants[{n}]"
        username = item["username"]
        if username in enrol:
            person, placeholder = model.objects.get(username=username), False
        elif (
            user is not None
            and username == user.get_username()
            and item["role"] == Participant.Role.COORDINATOR
        ):
            person, placeholder = user, False  # the importer, who already coordinates it
        else:
            person = _step(
                where,
                lambda item=item: services.person_placeholder_create(
                    username=item["username"],
                    email=item.get("email", ""),
                    first_name=item.get("first_name", ""),
                    last_name=item.get("last_name", ""),
                ),
            )
            placeholder = True
        users[username] = person
        existing = assessment.participants.filter(user=person).first()
        if existing is not None:
            participants[username] = existing
            continue
        institution = institutions.get(item.get("institution"))
        participants[username] = _step(
            where,
            lambda person=person, item=item, institution=institution: services.participant_add(
                assessment=assessment, user=person, role=item["role"], institution=institution
            ),
        )
        if placeholder:
            _step(
                where,
                lambda person=person, item=item, institution=institution: services.invitation_create(
                    assessment=assessment,
                    role=item["role"],
                    by=user,
                    institution=institution,
                    email=person.email,
                    for_user=person,
                ),
            )
    return participants, users
