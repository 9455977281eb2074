"""Demo data: sign-ins for every role and fictional countries with a published round and one in collection.

The answers, evidence and actions of each fictional country are data, in `assessments/demo_data/XX.yaml`.
Loading is idempotent: a country whose demo rounds exist is left as it is.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from assessments.models import (
    Action,
    Answer,
    Assessment,
    Consensus,
    Evidence,
    Institution,
    Participant,
    Response,
    StatusChange,
)
from indicators.models import Framework

DEMO_PASSWORD = "coherence-demo"
DATA_DIR = Path(__file__).resolve().parent / "demo_data"
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
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.invalid",
            "is_staff": staff,
            "is_superuser": staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


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
    return created


def demo_country_load(*, data: dict, users: dict) -> None:
    framework = Framework.objects.filter(slug=data["framework"]).order_by("-loaded_at").first()
    if framework is None:
        raise ValueError(f"Load the framework {data['framework']} before the demo data")
    if Assessment.objects.filter(country=data["country"], is_demo=True).exists():
        return
    country = data["country"]
    institutions = {
        key: Institution.objects.get_or_create(name=spec["name"], kind=spec["kind"], country=country)[0]
        for key, spec in data["institutions"].items()
    }
    respondents = {}
    for key in institutions:
        username = NAMED_RESPONDENTS.get((country, key), f"{country.lower()}-{key}")
        respondents[key] = (
            users.get(username) or _user(username, FIRST_NAMES.get(key, key.title()), data["name"])[0]
        )

    indicators = {i.code: i for i in framework.indicators.all()}
    levels = {lv.code: lv for lv in framework.scale.levels.all()}

    previous = _assessment(data, framework, data["previous_round"], institutions, respondents, users)
    _answers(previous, _previous_answers(data), institutions, indicators, levels)
    _consensus(
        previous,
        {
            code: {"level": level, "rationale": "Agreed at the validation workshop."}
            for code, level in data["previous"].items()
        },
        indicators,
        levels,
        users["reviewer"],
    )
    _walk(previous, [Status.COLLECTING, Status.REVIEW, Status.VALIDATED, Status.PUBLISHED], users)

    current = _assessment(
        data, framework, data["current_round"], institutions, respondents, users, previous=previous
    )
    _answers(current, data["answers"], institutions, indicators, levels)
    _consensus(current, data.get("consensus", {}), indicators, levels, users["facilitator"])
    _walk(current, [Status.COLLECTING], users)
    for spec in data.get("evidence", []):
        evidence = Evidence.objects.create(
            assessment=current,
            title=spec["title"],
            kind=spec["kind"],
            source=spec.get("source", ""),
            effective_date=spec.get("effective_date"),
            url=spec["url"],
            added_by=users["coordinator"],
        )
        evidence.indicators.set([indicators[c] for c in spec["indicators"] if c in indicators])
    for spec in data.get("actions", []):
        action = Action.objects.create(
            assessment=current,
            title=spec["title"],
            description=spec.get("description", ""),
            owner=institutions.get(spec.get("owner")),
            due_date=spec.get("due_date"),
            status=spec.get("status", Action.Status.OPEN),
            created_by=users["coordinator"],
        )
        action.indicators.set([indicators[c] for c in spec["indicators"] if c in indicators])


def _assessment(data, framework, round_, institutions, respondents, users, previous=None) -> Assessment:
    assessment = Assessment.objects.create(
        country=data["country"],
        framework=framework,
        round=round_,
        kind=Assessment.Kind.SELF,
        language="en",
        is_demo=True,
        previous=previous,
        created_by=users["coordinator"],
    )
    assessment.institutions.set(institutions.values())
    people = [
        Participant(assessment=assessment, user=users["coordinator"], role=Role.COORDINATOR),
        Participant(assessment=assessment, user=users["reviewer"], role=Role.REVIEWER),
        Participant(assessment=assessment, user=users["facilitator"], role=Role.FACILITATOR),
    ]
    if data["country"] == "XA":
        people.append(Participant(assessment=assessment, user=users["observer"], role=Role.OBSERVER))
    people += [
        Participant(
            assessment=assessment, user=respondents[key], role=Role.RESPONDENT, institution=institution
        )
        for key, institution in institutions.items()
    ]
    Participant.objects.bulk_create(people)
    return assessment


def _previous_answers(data: dict) -> dict:
    """The previous round's answers: each institution that answers now, shifted by how far the
    agreed level then lies from its typical level now (so that disagreements persist, smaller)."""
    answers = {}
    for code, by_institution in data["answers"].items():
        then = data["previous"].get(code)
        if then is None:
            continue
        now = sorted(a["level"] for a in by_institution.values() if "level" in a)
        typical = now[len(now) // 2] if now else then
        answers[code] = {
            key: {
                "level": max(0, min(4, a["level"] + then - typical)),
                "implementation": a.get("implementation", ""),
                "justification": "",
            }
            for key, a in by_institution.items()
            if "level" in a
        }
    return answers


def _answers(
    assessment: Assessment, answers: dict, institutions: dict, indicators: dict, levels: dict
) -> None:
    by_institution_pk = {p.institution_id: p for p in assessment.participants.filter(role=Role.RESPONDENT)}
    participants = {key: by_institution_pk[inst.pk] for key, inst in institutions.items()}
    rows = []
    for code, by_institution in answers.items():
        for key, spec in by_institution.items():
            answer = spec.get("answer", Answer.LEVEL)
            level = levels[str(spec["level"])] if answer == Answer.LEVEL else None
            rows.append(
                Response(
                    assessment=assessment,
                    indicator=indicators[code],
                    participant=participants[key],
                    answer=answer,
                    level=level,
                    implementation=spec.get("implementation", "") if level else "",
                    justification=spec.get("justification", ""),
                )
            )
    bulk_create_with_history(rows, Response, batch_size=500)


def _consensus(assessment, consensus: dict, indicators: dict, levels: dict, by) -> None:
    rows = [
        Consensus(
            assessment=assessment,
            indicator=indicators[code],
            answer=Answer.LEVEL,
            level=levels[str(spec["level"])],
            rationale=spec.get("rationale", ""),
            set_by=by,
        )
        for code, spec in consensus.items()
        if code in indicators
    ]
    bulk_create_with_history(rows, Consensus, batch_size=500)


def _walk(assessment: Assessment, statuses: list[str], users: dict) -> None:
    for status in statuses:
        by = users["reviewer"] if status == Status.VALIDATED else users["coordinator"]
        StatusChange.objects.create(
            assessment=assessment, from_status=assessment.status, to_status=status, by=by
        )
        assessment.status = status
    assessment.save(update_fields=["status", "updated_at"])
