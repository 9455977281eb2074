"""The public site as a visitor who never signs in finds it: the home page, the countries, one country's
profile, the comparison, the benchmark's defaults and the methodology."""

import re

import pytest
from django.urls import reverse

from assessments.models import Assessment
from indicators.services import framework_load
from tests.frameworks import dump, small_framework_data
from tests.hands import Hand
from tests.people import make_public

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(db):
    return framework_load(text=dump(small_framework_data())).framework


def scored(framework, coordinator, country, levels, *, kind="self", round_="2026", author="", official=False):
    """A public assessment with one institution answering RL-01 and SD-01 at these levels."""
    hand = Hand(framework, coordinator, country=country, kind=kind, round_=round_)
    hand.a.author_organisation = author
    hand.a.save(update_fields=["author_organisation"])
    institution = hand.institution("Labour")
    username = f"{country}-{kind}-{round_}".lower()
    hand.person(username, institution)
    hand.open()
    for code, level in zip(("RL-01", "SD-01"), levels, strict=True):
        hand.answer(username, code, level)
    return make_public(hand.a, official=official)


def main_text(response) -> str:
    """The page's content without the site navigation, tags removed."""
    main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_visitors_find_published_countries_by_region_on_the_home_page(client, small, coordinator):
    scored(small, coordinator, "DE", ("4", "4"), official=True)
    scored(small, coordinator, "KE", ("1", "1"), official=True)
    page = client.get(reverse("home"))
    text = main_text(page)
    assert "Europe and Northern America" in text and "Sub-Saharan Africa" in text
    assert text.index("Europe and Northern America") < text.index("Germany")
    assert reverse("country", args=["DE"]) in page.text
    assert reverse("results:benchmark") in page.text and reverse("methodology") in page.text
    assert reverse("indicators:framework_detail", args=["small", "1.0"]) in page.text
    assert "Sign in" not in text


def test_region_names_are_in_the_readers_language(client, small, coordinator):
    scored(small, coordinator, "KE", ("1", "1"), official=True)
    assert "Afrique subsaharienne" in main_text(client.get("/fr/"))
    assert "África subsahariana" in main_text(client.get("/es/"))


def test_a_signed_in_person_sees_their_assessments_before_the_published_countries(
    client, small, coordinator, assessment
):
    scored(small, coordinator, "DE", ("4", "4"), official=True)
    client.force_login(coordinator)
    text = main_text(client.get(reverse("home")))
    assert text.index("Your assessments") < text.index("Published countries")
    assert str(assessment) in text


def test_a_country_page_is_titled_with_its_name_in_the_readers_language(client, small, coordinator):
    scored(small, coordinator, "DE", ("4", "4"), official=True)
    for lang, name in (("en", "Germany"), ("fr", "Allemagne"), ("es", "Alemania")):
        page = client.get(f"/{lang}/countries/DE/")
        assert re.search(rf"<h1[^>]*>\s*{name}\s*</h1>", page.text), lang
        assert f"<title>{name} ·" in page.text


def test_a_country_page_shows_the_official_figure_first_and_the_others_beside_it(client, small, coordinator):
    earlier = scored(small, coordinator, "DE", ("1", "1"), round_="2024", official=True)
    official = scored(small, coordinator, "DE", ("3", "3"), official=True)
    shadow = scored(small, coordinator, "DE", ("0", "1"), kind="independent", author="DGB")
    page = client.get(reverse("country", args=["DE"]))
    text = main_text(page)
    assert text.index("Official figure, round 2026") < text.index("Other published assessments")
    assert "Independent (shadow) assessment by DGB round 2026" in text
    # the trend over both official rounds, the comparison with the earlier one and with the shadow one
    assert 'id="figure-trend"' in page.text
    assert f"?a={earlier.pk}&amp;b={official.pk}" in page.text
    assert f"?a={official.pk}&amp;b={shadow.pk}" in page.text
    # what to download: the report (posted: it is made on demand), the summary and the data
    assert reverse("results:report_create", args=[official.pk]) in page.text
    assert reverse("results:summary_pdf", args=[official.pk]) in page.text
    assert reverse("results:data_download", args=[official.pk, "results", "xlsx"]) in page.text


def test_a_country_without_an_official_figure_says_so(client, small, coordinator):
    scored(small, coordinator, "DE", ("0", "1"), kind="independent", author="DGB")
    text = main_text(client.get(reverse("country", args=["DE"])))
    assert "No official assessment has been published on this framework" in text
    assert "DGB" in text


def test_a_country_page_shows_nothing_that_is_not_public(client, small, coordinator, assessment):
    """The assessment fixture (Demoland, XA) is collecting: the public sees no trace of it."""
    text = main_text(client.get(reverse("country", args=["XA"])))
    assert "This country has no published results." in text
    assert client.get("/en/countries/ZZ/").status_code == 404


def test_the_bare_compare_url_shows_a_picker_of_what_this_person_may_see(
    client, small, coordinator, assessment
):
    public = scored(small, coordinator, "DE", ("4", "4"), official=True)
    page = client.get(reverse("results:compare"))
    assert page.status_code == 200
    options = re.findall(r'<option value="(\d+)"', page.text)
    assert str(public.pk) in options and str(assessment.pk) not in options


def test_compare_shows_criteria_as_a_chart_and_indicators_as_a_sortable_table(client, small, coordinator):
    a = scored(small, coordinator, "DE", ("1", "4"), round_="2024", official=True)
    b = scored(small, coordinator, "DE", ("4", "3"), official=True)
    page = client.get(reverse("results:compare") + f"?a={a.pk}&b={b.pk}")
    assert page.status_code == 200
    assert 'id="figure-compare-criterion"' in page.text
    rows = re.findall(r'<th scope="row"><span class="text-nowrap">([A-Z]{2}-\d\d)</span>', page.text)
    assert rows == ["RL-01", "SD-01"]  # by the size of the difference: +75 before -25
    by_code = client.get(reverse("results:compare") + f"?a={a.pk}&b={b.pk}&sort=code")
    assert re.findall(r'<span class="text-nowrap">([A-Z]{2}-\d\d)</span>', by_code.text) == ["RL-01", "SD-01"]
    by_b = client.get(reverse("results:compare") + f"?a={a.pk}&b={b.pk}&sort=b")
    assert re.findall(r'<span class="text-nowrap">([A-Z]{2}-\d\d)</span>', by_b.text) == ["RL-01", "SD-01"]
    by_a = client.get(reverse("results:compare") + f"?a={a.pk}&b={b.pk}&sort=a")
    assert re.findall(r'<span class="text-nowrap">([A-Z]{2}-\d\d)</span>', by_a.text) == ["SD-01", "RL-01"]
    assert "+75" in main_text(page)


def test_compare_refuses_two_frameworks_and_an_assessment_the_visitor_may_not_see(
    client, small, coordinator, assessment
):
    other = framework_load(text=dump({**small_framework_data(), "slug": "other"})).framework
    a = scored(small, coordinator, "DE", ("1", "4"), official=True)
    b = scored(other, coordinator, "FR", ("1", "4"), official=True)
    mixed = client.get(reverse("results:compare") + f"?a={a.pk}&b={b.pk}")
    assert mixed.status_code == 400
    assert "Only assessments of the same framework can be compared." in mixed.text
    hidden = client.get(reverse("results:compare") + f"?a={a.pk}&b={assessment.pk}")
    assert hidden.status_code == 404
    assert client.get(reverse("results:compare") + f"?a={a.pk}&b={a.pk}").status_code == 400


def test_the_benchmark_without_parameters_shows_the_framework_most_used_with_a_choice(
    client, small, coordinator
):
    other = framework_load(text=dump({**small_framework_data(), "slug": "other"})).framework
    scored(small, coordinator, "DE", ("4", "4"), official=True)
    scored(small, coordinator, "FR", ("4", "4"), official=True)
    scored(other, coordinator, "ES", ("4", "4"), official=True)
    page = client.get(reverse("results:benchmark"))
    assert page.status_code == 200
    assert page.context["framework"].slug == "small"
    assert re.search(r'<select[^>]*name="framework"', page.text)
    assert '<option value="other"' in page.text
    # country names lead to their pages, and the comparison is one step away
    assert f'href="{reverse("country", args=["DE"])}"' in page.text
    assert f'href="{reverse("results:compare")}"' in page.text.split("<main", 1)[1]


def test_a_benchmark_of_an_unknown_framework_is_missing(client, small):
    assert client.get(reverse("results:benchmark") + "?framework=nope").status_code == 404


def test_the_methodology_is_a_page_with_numbered_anchors_in_every_language(client):
    for lang in ("en", "fr", "es"):
        page = client.get(f"/{lang}/methodology/")
        assert page.status_code == 200
        for number in ("1", "4", "5b", "11", "16"):
            assert f'id="definition-{number}"' in page.text, (lang, number)


def test_figures_link_to_the_definition_they_use(client, small, coordinator):
    public = scored(small, coordinator, "DE", ("4", "4"), official=True)
    page = client.get(reverse("results:dashboard", args=[public.pk]))
    methodology = reverse("methodology")
    assert f'href="{methodology}#definition-4"' in page.text  # the overall score
    assert f'href="{methodology}#definition-3"' in page.text  # the radar's category scores
    assert f'href="{methodology}#definition-11"' in page.text  # the coherence index


def test_the_trend_page_is_titled_with_the_country_name(client, small, coordinator):
    scored(small, coordinator, "DE", ("4", "4"), official=True)
    page = client.get(reverse("results:trend", args=["DE"]) + "?framework=small")
    assert re.search(r"<h1[^>]*>\s*Germany\s*</h1>", page.text)


def test_public_pages_invite_the_visitor_to_nothing_they_cannot_do(client, small, coordinator):
    public = scored(small, coordinator, "DE", ("4", "4"), official=True)
    pages = [
        reverse("home"),
        reverse("countries"),
        reverse("country", args=["DE"]),
        reverse("results:dashboard", args=[public.pk]),
        public.get_absolute_url(),
        reverse("results:compare"),
        reverse("results:benchmark"),
        reverse("methodology"),
        reverse("indicators:framework_detail", args=["small", "1.0"]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = main_text(response)
        for prompt in ("Sign in", "Add one", "Record consensus", "Recommend an action", "Score"):
            if prompt == "Score":  # the noun in headings is fine; the button to score is not
                assert 'href="' + reverse("assessments:score", args=[public.pk]) not in response.text, url
                continue
            assert prompt not in text, (url, prompt)
    assert Assessment.objects.get(pk=public.pk).status == "published"
