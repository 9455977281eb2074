"""Demo data: sign-ins for every role and fictional countries with a published round and one in collection.

The answers, evidence and actions of each fictional country are data, in `assessments/demo_data/XX.yaml`,
and they are written through the same services as everything else (so they are checked the same way
and carry the same history). Loading is idempotent: a country whose demo rounds exist is left as it is.
"""

import zlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from assessments import services
from assessments.models import Answer, Assessment, Participant
from assessments.services import AnswerRow, ConsensusRow
from indicators.instruments import ratifications_import
from indicators.models import Dimension, Framework, Instrument, Ratification

DEMO_PASSWORD = "coherence-demo"
DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_COUNTRIES = ("XA", "XB", "XC")
Role = Participant.Role
Status = Assessment.Status


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: str
    is_staff: bool = False


DEMO_LOGINS = (
    DemoLogin("admin", "Ada", "Admin", "site administrator", is_staff=True),
    DemoLogin("coordinator", "Camila", "Coordinator", "coordinator of the demo assessments"),
    DemoLogin("facilitator", "Farid", "Facilitator", "workshop facilitator"),
    DemoLogin("labour", "Lina", "Labour", "respondent, Ministry of Labour (Demoland)"),
    DemoLogin("union", "Umar", "Union", "respondent, trade union confederation (Demoland)"),
    DemoLogin("reviewer", "Rosa", "Reviewer", "reviewer"),
    DemoLogin("observer", "Omar", "Observer", "observer"),
)
# Demoland's labour and union respondents are the demo sign-ins above; the others get their own accounts.
NAMED_RESPONDENTS = {("XA", "labour"): "labour", ("XA", "union"): "union"}
FIRST_NAMES = {
    "labour": "Leila",
    "interior": "Ivan",
    "foreign": "Fatima",
    "stats": "Sami",
    "union": "Ugo",
    "employers": "Elena",
    "migrants": "Maya",
}


def _user(username: str, first: str, last: str, *, staff: bool = False):
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing, False
    user = services.person_create(
        username=username,
        email=f"{username}@demo.invalid",
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
    )
    if staff:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user, True


@transaction.atomic
def demo_load(*, countries: list[str] | None = None) -> int:
    """Create the demo sign-ins and countries that do not exist yet; return how many sign-ins were new."""
    created = 0
    users = {}
    for login in DEMO_LOGINS:
        users[login.username], was_created = _user(
            login.username, login.first_name, login.last_name, staff=login.is_staff
        )
        created += was_created
    for path in sorted(DATA_DIR.glob("*.yaml")):
        if countries is None or path.stem in countries:
            demo_country_load(data=yaml.safe_load(path.read_text(encoding="utf-8")), users=users)
    # The demo countries' ratification records (fictional, like the countries), through the same import.
    if Instrument.objects.exists() and not Ratification.objects.filter(country__in=DEMO_COUNTRIES).exists():
        ratifications_import(
            text=(DATA_DIR / "ratifications.csv").read_text(encoding="utf-8"), user=users["admin"]
        )
    return created


def demo_country_load(*, data: dict, users: dict) -> None:
    versions = Framework.objects.filter(slug=data["framework"]).order_by("-loaded_at")
    if data.get("framework_version"):
        versions = versions.filter(version=data["framework_version"])
    framework = versions.first()
    if framework is None:
        raise ValueError(f"Load the framework {data['framework']} {data.get('framework_version', '')} first")
    if Assessment.objects.filter(country=data["country"], is_demo=True).exists():
        return
    country = data["country"]
    respondents = {}
    for key in data["institutions"]:
        username = NAMED_RESPONDENTS.get((country, key), f"{country.lower()}-{key}")
        respondents[key] = (
            users.get(username) or _user(username, FIRST_NAMES.get(key, key.title()), data["name"])[0]
        )
    coordinator = users["coordinator"]

    earlier = None
    if data.get("earlier_round"):
        # A round before the previous one: two indicators in three a level below where they were in the next.
        agreed = {
            code: max(0, level - (zlib.crc32(code.encode()) % 3 > 0))
            for code, level in data["previous"].items()
        }
        earlier = _published_round(data, framework, data["earlier_round"], agreed, respondents, users)
    previous = _published_round(
        data, framework, data["previous_round"], data["previous"], respondents, users, previous=earlier
    )
    if data.get("next_version_round"):
        spec = data["next_version_round"]
        newer = Framework.objects.filter(slug=data["framework"], version=spec["framework_version"]).first()
        if newer is not None:
            carried = _carried_levels(data["previous"], newer)
            _published_round(data, newer, spec["round"], carried, respondents, users, previous=previous)

    current = _assessment(data, framework, data["current_round"], respondents, users, previous=previous)
    _move(current, Status.COLLECTING, coordinator)
    _answers(current, data["answers"], data["institutions"], coordinator)
    _consensus(current, data.get("consensus", {}), users["facilitator"], coordinator)
    indicators = {i.code: i for i in framework.indicators.all()}
    for spec in data.get("evidence", []):
        services.evidence_add(
            assessment=current,
            user=coordinator,
            title=spec["title"],
            kind=spec["kind"],
            source=spec.get("source", ""),
            effective_date=spec.get("effective_date"),
            url=spec["url"],
            indicators=[indicators[c] for c in spec["indicators"] if c in indicators],
        )
    if data.get("workshop"):
        _workshop(data, framework, respondents, users)
    for spec in data.get("beside", []):
        _beside(data, spec, framework, respondents, users)
    institutions = {i.name: i for i in current.institutions.all()}
    for spec in data.get("actions", []):
        owner = data["institutions"].get(spec.get("owner"))
        services.action_create(
            assessment=current,
            user=coordinator,
            title=spec["title"],
            description=spec.get("description", ""),
            owner=institutions.get(owner["name"]) if owner else None,
            due_date=spec.get("due_date"),
            status=spec.get("status", "open"),
            indicators=[indicators[c] for c in spec["indicators"] if c in indicators],
        )


def _assessment(
    data, framework, round_, respondents, users, previous=None, kind=Assessment.Kind.SELF
) -> Assessment:
    coordinator = users["coordinator"]
    assessment = services.assessment_create(
        user=coordinator,
        country=data["country"],
        framework=framework,
        round=round_,
        kind=kind,
        language="en",
        is_demo=True,
        previous=previous,
    )
    others = [(users["reviewer"], Role.REVIEWER, None), (users["facilitator"], Role.FACILITATOR, None)]
    if data["country"] == "XA":
        others.append((users["observer"], Role.OBSERVER, None))
    for key, spec in data["institutions"].items():
        institution = services.institution_add(assessment=assessment, name=spec["name"], kind=spec["kind"])
        others.append((respondents[key], Role.RESPONDENT, institution))
    for user, role, institution in others:
        services.participant_add(assessment=assessment, user=user, role=role, institution=institution)
    return assessment


def _workshop(data, framework, respondents, users) -> Assessment:
    """A workshop assessment with the institutions' answers on a few indicators and a session open on them."""
    spec = data["workshop"]
    workshop = _assessment(
        data, framework, data["current_round"], respondents, users, kind=Assessment.Kind.WORKSHOP
    )
    _move(workshop, Status.COLLECTING, users["coordinator"])
    answers = {code: data["answers"][code] for code in spec["indicators"] if code in data["answers"]}
    _answers(workshop, answers, data["institutions"], users["coordinator"])
    services.session_open(
        assessment=workshop, user=users["facilitator"], title=spec["title"], codes=spec["indicators"]
    )
    return workshop


def _published_round(data, framework, round_, agreed, respondents, users, previous=None) -> Assessment:
    """A national round answered by every institution, settled by consensus at the agreed levels,
    published and endorsed as the country's official figure."""
    coordinator = users["coordinator"]
    assessment = _assessment(data, framework, round_, respondents, users, previous=previous)
    _move(assessment, Status.COLLECTING, coordinator)
    _answers(assessment, _previous_answers(data, agreed), data["institutions"], coordinator)
    _consensus(
        assessment,
        {
            code: {"level": level, "rationale": "Agreed at the validation workshop."}
            for code, level in agreed.items()
        },
        users["reviewer"],
        coordinator,
    )
    _move(assessment, Status.REVIEW, coordinator)
    _move(assessment, Status.VALIDATED, users["reviewer"])
    _move(assessment, Status.PUBLISHED, coordinator)
    services.assessment_endorse(assessment=assessment, user=users["admin"])
    return assessment


def _carried_levels(agreed: dict, newer: Framework) -> dict:
    """Levels for a round on a newer framework version: each indicator at the mean level of the earlier
    indicators its continuity map names (one in four a level higher: some progress), the others near the
    middle of the earlier round's levels."""
    sources: dict[str, list[str]] = {}
    for old, link in (newer.continuity.get("indicators") or {}).items():
        for target in link.get("to", []):
            sources.setdefault(target, []).append(old)
    levels = sorted(agreed.values())
    middle = levels[len(levels) // 2] if levels else 2
    carried = {}
    for code in newer.indicators.values_list("code", flat=True):
        before = [agreed[old] for old in sources.get(code, []) if old in agreed]
        wobble = zlib.crc32(f"{newer.version}:{code}".encode()) % 4
        base = round(sum(before) / len(before)) if before else middle + (wobble == 3) - (wobble == 0)
        carried[code] = max(0, min(4, base + (wobble == 1)))
    return carried


def _beside(data, spec, framework, respondents, users) -> Assessment:
    """A published, publicly listed assessment beside the official figure (independent, or of a city)."""
    institutions = {**data["institutions"], **spec.get("extra_institutions", {})}
    chosen = {key: institutions[key] for key in spec["institutions"]}
    coordinator = users["coordinator"]
    assessment = services.assessment_create(
        user=coordinator,
        country=data["country"],
        framework=framework,
        round=spec["round"],
        kind=spec["kind"],
        area=spec.get("area", ""),
        author_organisation=spec["author_organisation"],
        language="en",
        is_demo=True,
    )
    for key, institution_spec in chosen.items():
        institution = services.institution_add(
            assessment=assessment, name=institution_spec["name"], kind=institution_spec["kind"]
        )
        user = (
            respondents.get(key)
            or _user(f"{data['country'].lower()}-{key}", FIRST_NAMES.get(key, key.title()), data["name"])[0]
        )
        services.participant_add(
            assessment=assessment, user=user, role=Role.RESPONDENT, institution=institution
        )
    services.participant_add(assessment=assessment, user=users["reviewer"], role=Role.REVIEWER)
    _move(assessment, Status.COLLECTING, coordinator)
    skipped = set(spec.get("not_applicable_stages", []))
    stages = dict(
        framework.indicators.filter(categories__dimension__role=Dimension.Role.LIFECYCLE).values_list(
            "code", "categories__code"
        )
    )
    answers: dict[str, dict] = {}
    for code, then in data["previous"].items():
        if stages.get(code) in skipped:
            continue
        given = data["answers"].get(code, {})
        answers[code] = {}
        for key in chosen:
            if key in given and "level" in given[key]:
                answers[code][key] = given[key]
            else:
                wobble = zlib.crc32(f"{spec['round']}:{code}:{key}".encode()) % 2
                level = max(0, min(4, then + spec.get("shift", 0) + wobble))
                answers[code][key] = {"level": level, "implementation": "partly"}
    _answers(assessment, answers, chosen, coordinator)
    rows = [
        ConsensusRow(
            indicator=code,
            answer=Answer.NOT_APPLICABLE,
            level=None,
            rationale="A national competence: the city has no say in it.",
            set_by=users["reviewer"],
        )
        for code, stage in stages.items()
        if stage in skipped
    ]
    if rows:
        services.consensus_import(assessment=assessment, rows=rows, user=coordinator, source="demo data")
    _move(assessment, Status.REVIEW, coordinator)
    _move(assessment, Status.VALIDATED, users["reviewer"])
    _move(assessment, Status.PUBLISHED, coordinator)
    services.assessment_list_publicly(assessment=assessment, user=users["admin"])
    return assessment


def _move(assessment: Assessment, status: str, user) -> None:
    services.assessment_transition(assessment=assessment, to=status, user=user)


def _previous_answers(data: dict, agreed: dict) -> dict:
    """The previous round's answers, from the level agreed then: each institution that answers now keeps its
    position relative to the others (so that disagreements persist, smaller); the others, which took part
    in full that round, answer within a level of what was agreed."""
    answers = {}
    for code, then in agreed.items():
        by_institution = data["answers"].get(code, {})
        now = sorted(a["level"] for a in by_institution.values() if "level" in a)
        typical = now[len(now) // 2] if now else then
        answers[code] = {}
        for key in data["institutions"]:
            current = by_institution.get(key, {})
            if "level" in current:
                level, implementation = current["level"] + then - typical, current.get("implementation", "")
            else:
                level, implementation = then + zlib.crc32(f"{code}:{key}".encode()) % 3 - 1, "partly"
            answers[code][key] = {
                "level": max(0, min(4, level)),
                "implementation": implementation,
                "justification": "",
            }
    return answers


def _answers(assessment: Assessment, answers: dict, institutions: dict, coordinator) -> None:
    respondents = assessment.participants.filter(role=Role.RESPONDENT).select_related("institution")
    by_name = {p.institution.name: p for p in respondents}
    by_key = {key: by_name[spec["name"]] for key, spec in institutions.items()}
    rows = [
        AnswerRow(
            indicator=code,
            participant=by_key[key],
            answer=spec.get("answer", Answer.LEVEL),
            level=str(spec["level"]) if spec.get("answer", Answer.LEVEL) == Answer.LEVEL else None,
            implementation=spec.get("implementation", ""),
            justification=spec.get("justification", ""),
            where=f"{assessment.country.code} {assessment.round} {code} {key}",
        )
        for code, by_institution in answers.items()
        for key, spec in by_institution.items()
    ]
    services.responses_import(assessment=assessment, rows=rows, user=coordinator, source="demo data")


def _consensus(assessment: Assessment, consensus: dict, by, coordinator) -> None:
    codes = set(assessment.framework.indicators.values_list("code", flat=True))
    rows = [
        ConsensusRow(
            indicator=code,
            answer=Answer.LEVEL,
            level=str(spec["level"]),
            rationale=spec.get("rationale", ""),
            set_by=by,
        )
        for code, spec in consensus.items()
        if code in codes
    ]
    services.consensus_import(assessment=assessment, rows=rows, user=coordinator, source="demo data")
