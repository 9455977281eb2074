"""Assessment bundles: the whole of an assessment as versioned JSON (files beside it in a zip), and back.

This is how an offline workshop laptop brings its results to the central server, and how an
assessment is backed up. `docs/bundle-format.md` documents the format. Import is atomic and checks
everything first: a bundle with any problem writes nothing and every problem is listed.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from assessments.models import (
    Action,
    Answer,
    Assessment,
    Consensus,
    Evidence,
    Implementation,
    Institution,
    Participant,
    Response,
    StatusChange,
)
from assessments.services import EVIDENCE_TYPES
from indicators.models import Framework

FORMAT = "coherence-assessment-bundle"
VERSION = 1
BUNDLE_JSON = "assessment.json"


class BundleInvalid(Exception):
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
    """Read a bundle from JSON or zip bytes: its data and its files by path."""
    files: dict[str, bytes] = {}
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                names = archive.namelist()
                if BUNDLE_JSON not in names:
                    raise BundleInvalid([_("The zip file has no %(name)s.") % {"name": BUNDLE_JSON}])
                text = archive.read(BUNDLE_JSON)
                files = {
                    n: archive.read(n) for n in names if n.startswith("evidence/") and not n.endswith("/")
                }
        except zipfile.BadZipFile:
            raise BundleInvalid([_("The file is not a valid zip archive.")]) from None
    else:
        text = raw
    try:
        data = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
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


@dataclass
class _Check:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _get(item, key, check: _Check, where: str, default=None, required=True):
    if not isinstance(item, dict):
        check.add(where, _("must be an object"))
        return default
    if key not in item:
        if required:
            check.add(where, _("missing %(field)s") % {"field": key})
        return default
    return item[key]


def _validate(data: dict, files: dict[str, bytes]) -> tuple[Framework | None, _Check]:
    check = _Check()
    meta = data.get("assessment") or {}
    spec = meta.get("framework") or {}
    framework = Framework.objects.filter(slug=spec.get("slug"), version=spec.get("version")).first()
    if framework is None:
        check.add(
            "assessment.framework",
            _("framework %(slug)s version %(version)s is not loaded here")
            % {"slug": spec.get("slug"), "version": spec.get("version")},
        )
    if meta.get("status") not in Assessment.Status.values:
        check.add("assessment.status", _("unknown status %(value)r") % {"value": meta.get("status")})
    if meta.get("kind") not in Assessment.Kind.values:
        check.add("assessment.kind", _("unknown kind %(value)r") % {"value": meta.get("kind")})
    if not meta.get("country") or not meta.get("round"):
        check.add("assessment", _("country and round are required"))

    institutions = {}
    for n, item in enumerate(data.get("institutions", [])):
        key = _get(item, "key", check, f"institutions[{n}]")
        if _get(item, "kind", check, f"institutions[{n}]") not in Institution.Kind.values:
            check.add(f"institutions[{n}].kind", _("unknown kind"))
        if key in institutions:
            check.add(f"institutions[{n}].key", _("duplicate key %(key)s") % {"key": key})
        institutions[key] = item
    people = {}
    for n, item in enumerate(data.get("participants", [])):
        where = f"participants[{n}]"
        username = _get(item, "username", check, where)
        role = _get(item, "role", check, where)
        institution = _get(item, "institution", check, where, required=False)
        if role not in Participant.Role.values:
            check.add(f"{where}.role", _("unknown role %(value)r") % {"value": role})
        if institution is not None and institution not in institutions:
            check.add(f"{where}.institution", _("unknown institution %(key)s") % {"key": institution})
        if role == Participant.Role.RESPONDENT and institution is None:
            check.add(where, _("a respondent must answer for an institution"))
        if username in people:
            check.add(f"{where}.username", _("%(name)s is listed twice") % {"name": username})
        people[username] = item

    codes = set(framework.indicators.values_list("code", flat=True)) if framework else set()
    levels = set(framework.scale.levels.values_list("code", flat=True)) if framework else set()

    def check_answer(where, item):
        indicator = _get(item, "indicator", check, where)
        if framework and indicator not in codes:
            check.add(f"{where}.indicator", _("unknown indicator %(code)s") % {"code": indicator})
        answer = _get(item, "answer", check, where)
        level = _get(item, "level", check, where, required=False)
        if answer not in Answer.values:
            check.add(f"{where}.answer", _("unknown answer %(value)r") % {"value": answer})
        elif answer == Answer.LEVEL and framework and level not in levels:
            check.add(
                f"{where}.level", _("%(level)r is not a level of the framework's scale") % {"level": level}
            )
        elif answer != Answer.LEVEL and level is not None:
            check.add(f"{where}.level", _("only a level answer carries a level"))
        return indicator

    seen = set()
    for n, item in enumerate(data.get("responses", [])):
        where = f"responses[{n}]"
        indicator = check_answer(where, item)
        participant = _get(item, "participant", check, where)
        if participant not in people:
            check.add(f"{where}.participant", _("unknown participant %(name)s") % {"name": participant})
        if (indicator, participant) in seen:
            check.add(where, _("a second answer by the same person to the same indicator"))
        seen.add((indicator, participant))
        if _get(item, "implementation", check, where, "", required=False) not in ["", *Implementation.values]:
            check.add(f"{where}.implementation", _("unknown implementation state"))
    seen = set()
    for n, item in enumerate(data.get("consensus", [])):
        indicator = check_answer(f"consensus[{n}]", item)
        if indicator in seen:
            check.add(f"consensus[{n}]", _("a second consensus on the same indicator"))
        seen.add(indicator)
    for n, item in enumerate(data.get("actions", [])):
        where = f"actions[{n}]"
        if _get(item, "status", check, where) not in Action.Status.values:
            check.add(f"{where}.status", _("unknown status"))
        owner = _get(item, "owner", check, where, required=False)
        if owner is not None and owner not in institutions:
            check.add(f"{where}.owner", _("unknown institution %(key)s") % {"key": owner})
        for code in _get(item, "indicators", check, where, []) or []:
            if framework and code not in codes:
                check.add(f"{where}.indicators", _("unknown indicator %(code)s") % {"code": code})
    for n, item in enumerate(data.get("evidence", [])):
        where = f"evidence[{n}]"
        if _get(item, "kind", check, where) not in Evidence.Kind.values:
            check.add(f"{where}.kind", _("unknown kind"))
        path = _get(item, "file", check, where, required=False)
        if path and path not in files:
            check.add(f"{where}.file", _("%(path)s is not in the zip file") % {"path": path})
        if not path and not _get(item, "url", check, where, "", required=False):
            check.add(where, _("evidence needs a file or a link"))
        for code in _get(item, "indicators", check, where, []) or []:
            if framework and code not in codes:
                check.add(f"{where}.indicators", _("unknown indicator %(code)s") % {"code": code})
    return framework, check


def _date(value) -> date | None:
    return parse_date(value) if value else None


def _datetime(value) -> datetime | None:
    return parse_datetime(value) if value else None


def bundle_import(*, data: dict, files: dict[str, bytes], user=None) -> Assessment:
    """Create a new assessment from a bundle, exactly as exported. People are matched by username and
    created (without a usable password) when missing; the importer coordinates the new assessment."""
    framework, check = _validate(data, files)
    if check.problems:
        raise BundleInvalid(check.problems)
    written: list = []
    try:
        with transaction.atomic():
            return _create(data, files, framework, user, written)
    except Exception:
        for stored in written:  # the rows are rolled back; do not leave their files behind
            stored.storage.delete(stored.name)
        raise


def _create(data, files, framework, user, written) -> Assessment:
    meta = data["assessment"]
    assessment = Assessment.objects.create(
        country=meta["country"],
        area=meta.get("area", ""),
        framework=framework,
        round=meta["round"],
        kind=meta["kind"],
        language=meta.get("language", "en"),
        status=meta["status"],
        publish_justifications=meta.get("publish_justifications", False),
        is_demo=meta.get("is_demo", False),
        created_by=user,
    )
    institutions = {}
    for item in data.get("institutions", []):
        institutions[item["key"]] = Institution.objects.get_or_create(
            name=item["name"], kind=item["kind"], country=item.get("country", "")
        )[0]
    assessment.institutions.set(institutions.values())

    user_model = get_user_model()
    participants, users = {}, {}
    for item in data.get("participants", []):
        person = user_model.objects.filter(username=item["username"]).first()
        if person is None:
            person = user_model(
                username=item["username"],
                email=item.get("email", ""),
                first_name=item.get("first_name", ""),
                last_name=item.get("last_name", ""),
            )
            person.set_unusable_password()
            person.save()
        users[item["username"]] = person
        participants[item["username"]] = Participant.objects.create(
            assessment=assessment,
            user=person,
            role=item["role"],
            institution=institutions.get(item.get("institution")),
        )
    if user is not None and user.get_username() not in participants:
        Participant.objects.create(assessment=assessment, user=user, role=Participant.Role.COORDINATOR)

    indicators = {i.code: i for i in framework.indicators.all()}
    levels = {lv.code: lv for lv in framework.scale.levels.all()}
    bulk_create_with_history(
        [
            Response(
                assessment=assessment,
                indicator=indicators[r["indicator"]],
                participant=participants[r["participant"]],
                answer=r["answer"],
                level=levels.get(r.get("level")) if r["answer"] == Answer.LEVEL else None,
                implementation=r.get("implementation", ""),
                justification=r.get("justification", ""),
                version=r.get("version", 1),
            )
            for r in data.get("responses", [])
        ],
        Response,
        default_user=user,
    )
    bulk_create_with_history(
        [
            Consensus(
                assessment=assessment,
                indicator=indicators[c["indicator"]],
                answer=c["answer"],
                level=levels.get(c.get("level")) if c["answer"] == Answer.LEVEL else None,
                rationale=c.get("rationale", ""),
                set_by=users.get(c.get("set_by")),
                version=c.get("version", 1),
            )
            for c in data.get("consensus", [])
        ],
        Consensus,
        default_user=user,
    )
    for item in data.get("actions", []):
        action = Action.objects.create(
            assessment=assessment,
            title=item["title"],
            description=item.get("description", ""),
            owner=institutions.get(item.get("owner")),
            due_date=_date(item.get("due_date")),
            status=item["status"],
            created_by=user,
        )
        action.indicators.set([indicators[c] for c in item.get("indicators", [])])
    for item in data.get("evidence", []):
        evidence = Evidence(
            assessment=assessment,
            title=item["title"],
            kind=item["kind"],
            source=item.get("source", ""),
            effective_date=_date(item.get("effective_date")),
            url=item.get("url", "") if not item.get("file") else "",
            content_type=item.get("content_type", ""),
            added_by=user,
        )
        if item.get("file"):
            content = files[item["file"]]
            evidence.size = len(content)
            evidence.file.save(PurePosixPath(item["file"]).name, ContentFile(content), save=False)
            written.append(evidence.file)
        evidence.save()
        evidence.indicators.set([indicators[c] for c in item.get("indicators", [])])
    for item in data.get("status_changes", []):
        change = StatusChange.objects.create(
            assessment=assessment,
            from_status=item["from"],
            to_status=item["to"],
            by=users.get(item.get("by")),
            comment=item.get("comment", ""),
        )
        if item.get("at"):
            StatusChange.objects.filter(pk=change.pk).update(at=_datetime(item["at"]))
    return assessment
