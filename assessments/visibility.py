"""What each audience may see of an assessment's results: the one place that decides it.

Participants see everything about their own assessment. The public (anyone without a role on it,
signed in or not) sees a published assessment's aggregate figures, the consensus, the evidence and,
when the coordinator chose to publish them, the justifications of answers in no particular order:
never an institution's own values, scores or completeness, never a person's name or e-mail.

Every output (dashboard, indicator pages, results JSON, PDF report and summary, CSV and XLSX) is
built from an `AssessmentView`, so that what one of them shows to an audience the others show too.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from assessments.models import Assessment, Evidence, Response
from assessments.rules import allowed

PUBLIC = "public"
PARTICIPANTS = "participants"
AUDIENCES = (PUBLIC, PARTICIPANTS)


def public_q() -> Q:
    """Assessments anyone may see: published, and listed by a site administrator."""
    return Q(status=Assessment.Status.PUBLISHED, listed_at__isnull=False)


def visible_assessments(user) -> QuerySet[Assessment]:
    """Assessments this person may see: public ones, and those they take part in (a workshop guest takes
    part only in their sessions, and a removed person no longer)."""
    visible = public_q()
    if user.is_authenticated:
        visible |= Q(
            participants__user=user, participants__guest=False, participants__removed_at__isnull=True
        )
    return Assessment.objects.filter(visible).distinct()


def audience_of(user, assessment: Assessment) -> str:
    """Participants of the assessment see everything; everyone else is the public."""
    return PARTICIPANTS if allowed(user, "assessments.view_responses", assessment) else PUBLIC


def public_results(results: dict) -> dict:
    """The results JSON with everything that belongs to one institution taken out.

    Kept: every aggregate, the anonymous positions (the sorted institution levels of each indicator,
    which show how far apart institutions were without saying who), and the names and kinds of the
    institutions that took part, with no figure beside them.
    """
    return {
        **results,
        "assessment": {**results["assessment"], "visibility": PUBLIC},
        "indicators": [{**item, "institution_values": {}} for item in results["indicators"]],
        "institutions": [
            {"name": item["name"], "kind": item["kind"]}
            for item in results["institutions"]
            if item["answered"]
        ],
    }


def project_results(results: dict, audience: str) -> dict:
    """The full results JSON (`reports.results`) as this audience may see it."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    return results if audience == PARTICIPANTS else public_results(results)


@dataclass(frozen=True)
class Justification:
    text: str
    institution: str | None  # None when the audience may not know who gave it


@dataclass(frozen=True)
class AssessmentView:
    """An assessment's results and the text around them, as one audience may see them.

    `results` is the results JSON already projected for the audience (`reports.results.results_for`).
    """

    assessment: Assessment
    audience: str
    results: dict | None = None

    def __post_init__(self):
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")

    @property
    def public(self) -> bool:
        return self.audience == PUBLIC

    @property
    def shows_people(self) -> bool:
        """Whether names of people (who answered, who recorded a consensus) may be shown."""
        return not self.public

    @property
    def shows_justifications(self) -> bool:
        assessment = self.assessment
        return not self.public or (assessment.is_public and assessment.publish_justifications)

    def justifications(self, code: str | None = None) -> dict[str, list[Justification]]:
        """Indicator code -> the justifications given. For the public: only when published with
        justifications, without institutions, sorted by text so their order says nothing either."""
        if not self.shows_justifications:
            return {}
        rows = Response.objects.filter(assessment=self.assessment).exclude(justification="")
        if code is not None:
            rows = rows.filter(indicator__code=code)
        found: dict[str, list[Justification]] = {}
        for indicator, institution, text in rows.order_by(
            "indicator__position", "participant__institution__name", "pk"
        ).values_list("indicator__code", "participant__institution__name", "justification"):
            found.setdefault(indicator, []).append(Justification(text, None if self.public else institution))
        if self.public:
            found = {k: sorted(v, key=lambda j: j.text) for k, v in found.items()}
        return found

    def evidence(self) -> dict[str, list[Evidence]]:
        """Indicator code -> evidence items (who added them is never part of what is shown)."""
        found: dict[str, list[Evidence]] = {}
        for item in self.assessment.evidence.prefetch_related("indicators").order_by("-added_at", "pk"):
            for indicator in item.indicators.all():
                found.setdefault(indicator.code, []).append(item)
        return found
