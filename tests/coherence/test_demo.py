"""The demo command: sign-ins for every role and fictional countries, safe to run twice."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments.demo import DATA_DIR, DEMO_LOGINS, DEMO_PASSWORD
from assessments.models import Assessment, Response

pytestmark = pytest.mark.django_db
COUNTRIES = sorted(path.stem for path in DATA_DIR.glob("*.yaml"))


@pytest.fixture
def demo(db):
    call_command("load_framework", "--shipped")
    call_command("load_demo")


def test_load_demo_twice_creates_everything_once(demo):
    responses = Response.objects.count()
    call_command("load_demo")
    users = get_user_model().objects.filter(username__in=[login.username for login in DEMO_LOGINS])
    assert users.count() == len(DEMO_LOGINS)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    assert Response.objects.count() == responses
    # each country's published round and its round in collection, Demoland's first round and
    # Samplestan's round on framework 1.1
    assert Assessment.objects.filter(kind="self", area="").count() == 2 * len(COUNTRIES) + 2
    assert Assessment.objects.filter(kind="workshop").count() == 1
    assert Assessment.objects.filter(kind="independent").count() == 1
    assert Assessment.objects.exclude(area="").count() == 1


def test_only_the_demo_admin_is_staff(demo):
    staff = get_user_model().objects.filter(is_staff=True).values_list("username", flat=True)
    assert list(staff) == ["admin"]


def test_demo_countries_are_fictional_user_assigned_codes(demo):
    assert COUNTRIES
    assert set(Assessment.objects.values_list("country", flat=True)) <= {"XA", "XB", "XC"}
    assert not Assessment.objects.filter(is_demo=False).exists()


def test_each_country_has_a_published_round_and_one_collecting(demo):
    for country in COUNTRIES:
        statuses = dict(
            Assessment.objects.filter(country=country, kind="self", area="").values_list("round", "status")
        )
        assert sorted(set(statuses.values())) == ["collecting", "published"]
        assert list(statuses.values()).count("collecting") == 1


def test_demoland_shows_an_independent_and_a_city_assessment_beside_the_official_one(demo):
    """The union's shadow assessment and the capital's own are published and public, never official."""
    from assessments.visibility import public_q

    public = Assessment.objects.filter(public_q(), country="XA")
    rounds = public.filter(kind="self", area="").order_by("round")
    assert [a.round for a in rounds] == ["2022", "2024"]  # a trend to show
    official = rounds.last()
    shadow = public.get(kind="independent")
    city = public.get(area="Belmira")
    assert official.is_official and not shadow.is_official and not city.is_official
    assert shadow.author_organisation == "Demoland Trade Union Confederation"
    assert set(shadow.institutions.values_list("kind", flat=True)) == {"workers", "civil_society"}
    # The city leaves national competences aside by consensus: not applicable, out of every figure.
    na = city.consensus.filter(answer="na").values_list("indicator__code", flat=True)
    assert na and all(code[:2] in {"PD", "RD", "TR"} for code in na)
    assert not city.responses.filter(indicator__code__in=list(na)).exists()


def test_the_demo_has_disagreements_worth_discussing(demo):
    current = Assessment.objects.get(country="XA", status="collecting", kind="self")
    spreads = {}
    for response in current.responses.filter(answer="level").select_related("level", "indicator"):
        spreads.setdefault(response.indicator.code, []).append(response.level.value)
    assert sum(max(v) - min(v) >= 50 for v in spreads.values()) >= 5


def test_demo_pages_say_the_data_is_fictional(client, demo):
    client.login(username="labour", password=DEMO_PASSWORD)
    current = Assessment.objects.get(country="XA", status="collecting", kind="self")
    for url in (current.get_absolute_url(), reverse("assessments:score", args=[current.pk])):
        assert "Demo data: this country and every answer in it are fictional." in client.get(url).text


def test_the_demo_has_a_workshop_ready_to_run(client, demo):
    workshop = Assessment.objects.get(kind="workshop")
    assert workshop.status == "collecting" and workshop.is_demo
    session = workshop.sessions.get(closed_at__isnull=True)
    assert len(session.code) == 6 and session.current is not None
    client.login(username="facilitator", password=DEMO_PASSWORD)
    assert session.code in client.get(session.get_absolute_url()).text
    projector = client.get(reverse("results:session_projector", args=[workshop.pk, session.pk]))
    assert projector.status_code == 200 and session.code in projector.text
    queue = client.get(reverse("results:disagreements", args=[workshop.pk])).context["queue"]
    assert queue, "the room has something to talk about"
