"""Access sweep: every URL pattern of the project, found from the resolver (not a hand-kept list), asked by
every role, at two statuses (collecting, published), against one table of expected answers. A URL with
no row in the table fails the test, so a new page cannot go unchecked.

Each request runs in a savepoint that is rolled back, so a permitted write (a removal, a save) leaves the
world as it was for the next one. HTML answers must carry the Content Security Policy.
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessments.bundle import bundle_export
from assessments.models import Assessment, Participant
from assessments.pending import pending_save
from assessments.services import action_create, evidence_add, invitation_create, session_join, session_open
from assessments.workbook import workbook_build
from reports.models import Report
from tests.factories import UserFactory
from tests.people import make_public

pytestmark = pytest.mark.django_db
Status = Assessment.Status
COLLECTING, PUBLISHED = Status.COLLECTING, Status.PUBLISHED

ROLES = (
    "anonymous",
    "guest",  # joined a workshop session by code, with no account of their own
    "outsider",
    "invited",
    "site_admin",
    "observer",
    "other_respondent",
    "respondent",
    "reviewer",
    "facilitator",
    "coordinator",
)
PARTICIPANTS = {"observer", "other_respondent", "respondent", "reviewer", "facilitator", "coordinator"}
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ACCOUNT_HOLDERS = SIGNED_IN - {"guest"}  # signed in with a password of their own

OK = "ok"  # 2xx, or a redirect that is not to the sign-in page
LOGIN = "login"


def refused(role: str, status: str, *, login_required: bool) -> object:
    """How someone who may not do it is refused: participants 403; others 404 unless the assessment is
    published (then 403); anonymous visitors are sent to sign in by views that need an account, and
    otherwise find nothing (an unpublished assessment looks missing)."""
    if role == "anonymous":
        return LOGIN if login_required or status == PUBLISHED else 404
    if role in PARTICIPANTS or status == PUBLISHED:
        return 403
    return 404


@dataclass(frozen=True)
class Route:
    """How to call a URL, and who may: roles allowed at each status (absent status: nobody)."""

    method: str = "get"
    allow: dict = field(default_factory=dict)
    login: bool = True  # the view needs an account (anonymous visitors are sent to sign in)
    data: dict = field(default_factory=dict)
    htmx: bool = False
    query: str = ""
    refusal: object = None  # a fixed refusal for everyone not allowed (or per status), when not the usual one
    special: dict = field(default_factory=dict)  # (status, role) -> answer, where one person differs

    def expected(self, role: str, status: str):
        if (status, role) in self.special:
            return self.special[(status, role)]
        if role in self.allow.get(status, set()):
            return OK
        refusal = self.refusal.get(status) if isinstance(self.refusal, dict) else self.refusal
        if refusal is not None:
            return LOGIN if role == "anonymous" and self.login else refusal
        return refused(role, status, login_required=self.login)


def both(roles) -> dict:
    return {COLLECTING: set(roles), PUBLISHED: set(roles)}


def both_special(role: str, answer) -> dict:
    return {(COLLECTING, role): answer, (PUBLISHED, role): answer}


VIEW = {COLLECTING: PARTICIPANTS, PUBLISHED: EVERYONE}  # participants always; everyone once published
COORDINATOR_OPEN = {COLLECTING: {"coordinator"}}
ANSWERING = {"respondent", "other_respondent"}
EXPORT = {COLLECTING: {"coordinator", "reviewer"}, PUBLISHED: EVERYONE}
RUNNING = {COLLECTING: {"facilitator", "coordinator"}}
# The world has a public assessment of its framework (to compare with), so the framework is public at
# every status; tests/indicators/test_views.py checks a framework that is not.
IN_PUBLIC_USE = both(EVERYONE)

TABLE: dict[str, Route] = {
    # Site shell and accounts
    "health": Route(login=False, allow=both(EVERYONE)),
    "set_language": Route("post", login=False, allow=both(EVERYONE), data={"language": "fr", "next": "/"}),
    "home": Route(login=False, allow=both(EVERYONE)),
    "login": Route(login=False, allow=both(EVERYONE)),
    "logout": Route("post", login=False, allow=both(EVERYONE)),
    "password_change": Route(allow=both(SIGNED_IN), refusal=LOGIN),
    "password_change_done": Route(allow=both(SIGNED_IN), refusal=LOGIN),
    "password_reset": Route(login=False, allow=both(EVERYONE)),
    "password_reset_done": Route(login=False, allow=both(EVERYONE)),
    "password_reset_confirm": Route(login=False, allow=both(EVERYONE)),
    "password_reset_complete": Route(login=False, allow=both(EVERYONE)),
    "admin": Route(allow=both({"site_admin"}), refusal=LOGIN),
    # Results as JSON
    "reports:results_json": Route(login=False, allow=VIEW),
    "reports:trend_json": Route(login=False, allow=both(EVERYONE), query="?framework=small"),
    "reports:benchmark_json": Route(login=False, allow=both(EVERYONE), query="?framework=small"),
    "reports:compare_json": Route(login=False, allow=VIEW),
    # The framework catalogue
    "indicators:framework_list": Route(login=False, allow=both(EVERYONE)),
    "indicators:framework_upload": Route(allow=both({"site_admin"}), refusal=403),
    # A framework in use by a public assessment is public; others are for people with an account.
    "indicators:framework_detail": Route(login=False, allow=IN_PUBLIC_USE, refusal=404),
    "indicators:framework_questionnaire": Route(login=False, allow=IN_PUBLIC_USE, refusal=404),
    # Assessments: listing, creating, joining, importing
    "assessments:assessment_list": Route(login=False, allow=both(EVERYONE)),
    "assessments:assessment_create": Route(
        allow=both(ACCOUNT_HOLDERS), refusal=LOGIN, special=both_special("guest", 403)
    ),
    "assessments:invitation_accept": Route(
        login=False, allow={COLLECTING: {"anonymous", "invited"}}, refusal=410
    ),
    "assessments:bundle_upload": Route(
        allow=both(ACCOUNT_HOLDERS), refusal=LOGIN, special=both_special("guest", 403)
    ),
    "assessments:bundle_confirm": Route(allow=both({"coordinator"}), refusal=404),
    # Moderation of what the public sees: site administrators, on published assessments
    "assessments:moderation": Route(allow=both({"site_admin"}), refusal=403),
    "assessments:moderation_list": Route(
        "post", allow={PUBLISHED: {"site_admin"}}, refusal=403, special={(COLLECTING, "site_admin"): 404}
    ),
    "assessments:moderation_endorse": Route(
        "post", allow={PUBLISHED: {"site_admin"}}, refusal=403, special={(COLLECTING, "site_admin"): 404}
    ),
    "assessments:moderation_unlist": Route(
        allow={PUBLISHED: {"site_admin"}}, refusal=403, special={(COLLECTING, "site_admin"): 404}
    ),
    # One assessment: set-up and workflow
    "assessments:assessment_detail": Route(login=False, allow=VIEW),
    "assessments:assessment_edit": Route(allow=COORDINATOR_OPEN),
    "assessments:assessment_delete": Route(allow=COORDINATOR_OPEN),
    "assessments:institution_add": Route("post", allow=COORDINATOR_OPEN, data={"name": "X", "kind": "other"}),
    "assessments:institution_remove": Route("post", allow=COORDINATOR_OPEN),
    "assessments:invitation_create": Route("post", allow=COORDINATOR_OPEN, data={"role": "observer"}),
    "assessments:invitation_resend": Route("post", allow=COORDINATOR_OPEN),
    "assessments:invitation_renew": Route("post", allow=COORDINATOR_OPEN),
    "assessments:invitation_revoke": Route(allow=COORDINATOR_OPEN),
    "assessments:participant_remove": Route(allow=COORDINATOR_OPEN),
    "assessments:transition": Route(allow=COORDINATOR_OPEN, query="?to=review"),
    "assessments:next_round": Route(allow={PUBLISHED: {"coordinator"}}),
    "assessments:bundle_download": Route(allow=both({"coordinator"})),
    # Scoring
    "assessments:score": Route(allow=both(ANSWERING)),
    "assessments:response_save": Route(
        "post", allow={COLLECTING: ANSWERING}, htmx=True, data={"answer": "level:2", "version": 0}
    ),
    "assessments:score_card": Route(allow=both(ANSWERING)),
    # The offline workbook: who may score now; the preview is the uploader's own (404 to anyone else)
    "assessments:workbook": Route(allow={COLLECTING: ANSWERING}),
    "assessments:workbook_download": Route(allow={COLLECTING: ANSWERING}),
    "assessments:workbook_preview": Route(
        allow={COLLECTING: {"respondent"}}, special={(COLLECTING, "other_respondent"): 404}
    ),
    # One indicator: answers, consensus
    "assessments:indicator_detail": Route(login=False, allow=VIEW),
    "assessments:consensus_save": Route(
        "post",
        allow={COLLECTING: {"reviewer", "facilitator", "coordinator"}},
        data={"answer": "level:2", "version": 0},
    ),
    # Evidence and actions
    "assessments:evidence_add": Route(allow={COLLECTING: ANSWERING | {"coordinator", "facilitator"}}),
    "assessments:evidence_file": Route(login=False, allow=VIEW),
    "assessments:evidence_delete": Route(allow={COLLECTING: {"respondent", "coordinator"}}),
    "assessments:action_add": Route(allow={COLLECTING: {"coordinator", "reviewer", "facilitator"}}),
    "assessments:action_edit": Route(allow={COLLECTING: {"coordinator", "reviewer", "facilitator"}}),
    # Results pages
    "results:dashboard": Route(login=False, allow=VIEW),
    "results:report_create": Route("post", login=False, allow=EXPORT),
    # The participants' copy of a report: the public never finds it (theirs is a separate copy).
    "results:report": Route(
        login=False,
        allow={COLLECTING: {"coordinator", "reviewer"}, PUBLISHED: PARTICIPANTS},
        refusal={PUBLISHED: 404},
    ),
    "results:report_download": Route(
        login=False,
        allow={COLLECTING: {"coordinator", "reviewer"}, PUBLISHED: PARTICIPANTS},
        refusal={PUBLISHED: 404},
    ),
    "results:data_download": Route(login=False, allow=VIEW),
    "results:summary_pdf": Route(login=False, allow=EXPORT),
    "results:questionnaire_pdf": Route(login=False, allow=IN_PUBLIC_USE, refusal=404),
    "results:checklist": Route(login=False, allow=COORDINATOR_OPEN, query="?to=review"),
    "results:trend": Route(login=False, allow=both(EVERYONE), query="?framework=small"),
    "results:benchmark": Route(login=False, allow=both(EVERYONE), query="?framework=small"),
    "results:compare": Route(login=False, allow=VIEW),
    # The public site
    "countries": Route(login=False, allow=both(EVERYONE)),
    "country": Route(login=False, allow=both(EVERYONE)),
    "methodology": Route(login=False, allow=both(EVERYONE)),
    # Workshop sessions: the facilitator's side (while answers are collected or in review)
    "assessments:session_list": Route(allow=both(PARTICIPANTS)),
    "assessments:session_detail": Route(allow=RUNNING),
    "assessments:session_move": Route("post", allow=RUNNING, data={"step": "next"}),
    "assessments:session_items": Route("post", allow=RUNNING, data={"codes": "SD-01 RL-01"}),
    "assessments:session_item_close": Route("post", allow=RUNNING),
    "assessments:session_consensus": Route("post", allow=RUNNING, data={"answer": "level:2", "version": 0}),
    "assessments:session_close": Route("post", allow=RUNNING),
    "assessments:session_action": Route("post", allow=RUNNING, data={"title": "Decree"}),
    "assessments:session_attendee_remove": Route(allow=RUNNING),
    # The room: anyone may try a code; only a seat answers
    "join_short": Route(login=False, allow=both(EVERYONE)),
    "room:join": Route(login=False, allow=both(EVERYONE)),
    "room:join_session": Route(
        login=False,
        allow={COLLECTING: EVERYONE - {"observer", "reviewer", "facilitator", "coordinator"}},
        refusal={COLLECTING: 403, PUBLISHED: 404},
    ),
    "room:phone": Route(login=False, allow=both(EVERYONE)),
    "room:phone_state": Route(login=False, allow=both(EVERYONE), htmx=True),
    "room:phone_answer": Route(
        "post",
        login=False,
        htmx=True,
        data={"item": 0, "answer": "level:2"},
        refusal=403,
        special={(COLLECTING, "guest"): 409},  # a seat, but no such item: the room moved on
    ),
    # Workshop figures: participants only
    "results:disagreements": Route(login=False, allow=both(PARTICIPANTS)),
    "results:session_projector": Route(login=False, allow=both(PARTICIPANTS)),
    "results:session_summary": Route(login=False, allow=both(PARTICIPANTS)),
}


def url_names() -> list[str]:
    """Every named URL of the project, from the resolver; the admin site counts as one."""
    names = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner == "admin":
                    names.append("admin")
                    continue
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


def test_every_url_has_a_row_in_the_access_table():
    missing = [name for name in url_names() if name not in TABLE]
    assert not missing, f"URLs with no expected answers in tests/test_access.py: {missing}"
    assert not set(TABLE) - set(url_names()), "rows for URLs that no longer exist"


@pytest.fixture
def world(assessment, other_assessment, respondent_labour, coordinator, settings):
    invited = UserFactory(username="ines", email="ines@example.org")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    labour = assessment.institutions.get(name="Ministry of Labour")
    indicator = assessment.framework.indicators.get(code="RL-01")
    link = evidence_add(
        assessment=assessment,
        user=respondent_labour,
        title="Act",
        kind="law",
        indicators=[indicator],
        url="https://gazette.example/act",
    )
    document = evidence_add(
        assessment=assessment,
        user=respondent_labour,
        title="Scan",
        kind="law",
        indicators=[indicator],
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="scan.pdf"),
    )
    action = action_create(assessment=assessment, user=coordinator, title="Do it", indicators=[indicator])
    invitation = invitation_create(
        assessment=assessment, role="respondent", by=coordinator, institution=labour, email="ines@example.org"
    )
    report = Report.objects.create(
        assessment=assessment, language="en", fingerprint="f" * 64, status="done", audience="participants"
    )
    report.file.save("r.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    token = pending_save(coordinator, bundle_export(assessment, with_files=False))
    lina = Participant.objects.get(assessment=assessment, user=respondent_labour)
    workbook_token = pending_save(
        respondent_labour,
        workbook_build(assessment=assessment, participant=lina),
        kind="workbooks",
        scope=str(assessment.pk),
    )
    facilitator = Participant.objects.get(assessment=assessment, role="facilitator").user
    session = session_open(assessment=assessment, user=facilitator, title="Room", codes=["RL-01", "SD-01"])
    guest = session_join(session=session, user=None, institution=labour, name="Gina Guest")
    people = {
        p.user.username: p for p in Participant.objects.filter(assessment=assessment).select_related("user")
    }
    users = {
        "guest": guest.user,
        "outsider": other_assessment.created_by,
        "invited": invited,
        "site_admin": admin,
        "observer": people["omar"].user,
        "other_respondent": people["umar"].user,
        "respondent": people["lina"].user,
        "reviewer": people["rosa"].user,
        "facilitator": people["farid"].user,
        "coordinator": coordinator,
    }
    pk = assessment.pk
    kwargs = {
        "reports:results_json": {"pk": pk},
        "reports:trend_json": {"country": "XA"},
        "indicators:framework_detail": {"slug": "small", "version": "1.0"},
        "indicators:framework_questionnaire": {"slug": "small", "version": "1.0"},
        "results:questionnaire_pdf": {"slug": "small", "version": "1.0"},
        "assessments:invitation_accept": {"token": invitation.token},
        "assessments:bundle_confirm": {"token": token},
        "assessments:institution_remove": {"pk": pk, "institution_pk": labour.pk},
        "assessments:invitation_resend": {"pk": pk, "invitation_pk": invitation.pk},
        "assessments:invitation_renew": {"pk": pk, "invitation_pk": invitation.pk},
        "assessments:invitation_revoke": {"pk": pk, "invitation_pk": invitation.pk},
        "assessments:participant_remove": {"pk": pk, "participant_pk": people["omar"].pk},
        "assessments:response_save": {"pk": pk, "code": "RL-01"},
        "assessments:score_card": {"pk": pk, "code": "RL-01"},
        "assessments:workbook_preview": {"pk": pk, "token": workbook_token},
        "assessments:indicator_detail": {"pk": pk, "code": "RL-01"},
        "assessments:consensus_save": {"pk": pk, "code": "RL-01"},
        "assessments:evidence_file": {"pk": pk, "evidence_pk": document.pk},
        "assessments:evidence_delete": {"pk": pk, "evidence_pk": link.pk},
        "assessments:action_edit": {"pk": pk, "action_pk": action.pk},
        "results:report": {"pk": pk, "report_id": report.pk},
        "results:report_download": {"pk": pk, "report_id": report.pk},
        "results:data_download": {"pk": pk, "what": "results", "fmt": "csv"},
        "results:trend": {"country": "XA"},
        "country": {"code": "XA"},
        "assessments:moderation_list": {"pk": pk},
        "assessments:moderation_endorse": {"pk": pk},
        "assessments:moderation_unlist": {"pk": pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "join_short": {"code": session.code},
        "room:join_session": {"code": session.code},
        "room:phone": {"session_pk": session.pk},
        "room:phone_state": {"session_pk": session.pk},
        "room:phone_answer": {"session_pk": session.pk},
        "assessments:session_detail": {"pk": pk, "session_pk": session.pk},
        "assessments:session_move": {"pk": pk, "session_pk": session.pk},
        "assessments:session_items": {"pk": pk, "session_pk": session.pk},
        "assessments:session_item_close": {"pk": pk, "session_pk": session.pk, "item_pk": session.current_id},
        "assessments:session_consensus": {"pk": pk, "session_pk": session.pk},
        "assessments:session_close": {"pk": pk, "session_pk": session.pk},
        "assessments:session_action": {"pk": pk, "session_pk": session.pk},
        "assessments:session_attendee_remove": {
            "pk": pk,
            "session_pk": session.pk,
            "participant_pk": guest.pk,
        },
        "results:session_projector": {"pk": pk, "session_pk": session.pk},
        "results:session_summary": {"pk": pk, "session_pk": session.pk},
    }
    # Compared with a public assessment of the same framework, so that only this one's access decides.
    public_other = make_public(other_assessment)
    queries = {"reports:compare_json": f"?a={pk}&b={pk}", "results:compare": f"?a={pk}&b={public_other.pk}"}
    return assessment, users, kwargs, queries


def url_of(name: str, assessment, kwargs: dict, queries: dict, route: Route) -> str:
    if name == "admin":
        return reverse("admin:index")
    try:
        path = reverse(name, kwargs=kwargs.get(name))
    except Exception:
        path = reverse(name, kwargs={"pk": assessment.pk})
    return path + queries.get(name, route.query)


class Rollback(Exception):
    pass


def version_of(assessment) -> int:
    return Assessment.objects.values_list("data_version", flat=True).get(pk=assessment.pk)


def outcome(response) -> object:
    if response.status_code in (301, 302, 303):
        return LOGIN if "/login/" in response["Location"] else OK
    if 200 <= response.status_code < 300:
        return OK
    return response.status_code


@pytest.mark.parametrize("status", [COLLECTING, PUBLISHED])
def test_every_url_answers_every_role_as_the_table_says(client, world, status):
    assessment, users, kwargs, queries = world
    # At "published" the assessment is also listed by a site administrator: public.
    Assessment.objects.filter(pk=assessment.pk).update(
        status=status, listed_at=timezone.now() if status == PUBLISHED else None
    )
    wrong = []
    for name in url_names():
        route = TABLE[name]
        url = url_of(name, assessment, kwargs, queries, route)
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            headers = {"HX-Request": "true"} if route.htmx else {}
            try:
                with transaction.atomic():
                    before = version_of(assessment)
                    call = client.post if route.method == "post" else client.get
                    response = call(url, route.data, headers=headers)
                    changed = version_of(assessment) != before
                    raise Rollback
            except Rollback:
                pass
            got, expected = outcome(response), route.expected(role, status)
            if got != OK and changed:
                wrong.append(f"{status} {role} {name}: refused ({got}) but the assessment's data changed")
            if got != expected:
                wrong.append(
                    f"{status} {role:16} {route.method.upper()} {name}: got {got}, expected {expected}"
                )
            if response.get("Content-Type", "").startswith("text/html") and name != "admin":
                policy = response.get("Content-Security-Policy", "")
                if "default-src 'self'" not in policy or "unsafe-eval" in policy:
                    wrong.append(
                        f"{status} {role} {name}: Content-Security-Policy missing or weak: {policy!r}"
                    )
    assert not wrong, "\n".join(wrong)


def test_a_published_assessment_that_is_not_listed_is_not_found_by_the_public(client, world):
    assessment, users, kwargs, queries = world
    Assessment.objects.filter(pk=assessment.pk).update(status=PUBLISHED, listed_at=None)
    names = [
        "assessments:assessment_detail",
        "results:dashboard",
        "reports:results_json",
        "results:summary_pdf",
    ]
    for name in names:
        url = url_of(name, assessment, kwargs, queries, TABLE[name])
        for role in ("anonymous", "outsider"):
            client.logout()
            if role != "anonymous":
                client.force_login(users[role])
            assert client.get(url).status_code == 404, (role, name)
    client.force_login(users["site_admin"])  # who decides whether to list it
    assert (
        client.get(
            url_of(
                "assessments:assessment_detail",
                assessment,
                kwargs,
                queries,
                TABLE["assessments:assessment_detail"],
            )
        ).status_code
        == 200
    )
