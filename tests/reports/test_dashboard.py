"""Dashboard pages: who may see them, what they show, and how many queries they cost."""

import pytest
from django.urls import reverse

from indicators.models import Framework
from tests.people import make_public
from tests.reports.test_results import worked  # noqa: F401  (the worked example as a fixture)

pytestmark = pytest.mark.django_db


def dashboard(assessment):
    return reverse("results:dashboard", args=[assessment.pk])


def test_a_participant_sees_the_figures_and_the_institutions(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    page = client.get(dashboard(worked))
    assert page.status_code == 200
    ids = [f.id for f in page.context["figures"]]
    assert ids == ["radar", "heatmap", "stages", "agreement"]
    assert 'id="overall-score">75<' in page.text
    assert "Score of its own answers" in page.text
    assert "/static/vendor/plotly/plotly-coherence.min.js" in page.text
    assert "cdn.plot.ly" not in page.text
    # Charts arrive as JSON data blocks drawn by a static script: no inline script on the page.
    assert 'type="application/json"' in page.text
    assert "<script>" not in page.text and "Plotly.newPlot" not in page.text


def test_every_figure_has_a_caption_and_its_data(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    page = client.get(dashboard(worked)).text
    assert page.count("<figcaption") == 4
    assert page.count("Show data") == 4


def test_the_public_sees_a_published_dashboard_without_institutions(client, worked):  # noqa: F811
    assert client.get(dashboard(worked)).status_code == 404  # unpublished: as if it did not exist
    make_public(worked)
    page = client.get(dashboard(worked))
    assert page.status_code == 200
    assert "Score of its own answers" not in page.text
    assert [f.id for f in page.context["figures"]] == ["radar", "heatmap", "stages"]


def test_a_live_dashboard_refreshes_itself_and_returns_a_fragment_to_htmx(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    page = client.get(dashboard(worked)).text
    assert 'hx-trigger="every 10s"' in page  # LIVE_REFRESH_SECONDS
    fragment = client.get(dashboard(worked), headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "overall-score" in fragment
    # The fragment brings its own wrapper, which keeps polling: a refresh never swaps the block for nothing.
    assert fragment.lstrip().startswith('<div id="live-results"') and 'hx-trigger="every 10s"' in fragment


def test_filtering_by_a_dimension_lists_its_categories(client, worked):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    page = client.get(dashboard(worked) + "?dimension=stage")
    assert [c["code"] for c in page.context["chosen_categories"]] == ["PD", "RR", "CC"]
    chosen = page.context["figures"][0]
    assert chosen.id == "chosen" and [row[1] for row in chosen.rows] == ["25", "100", "75"]


def test_the_dashboard_uses_a_bounded_number_of_queries(client, worked, django_assert_max_num_queries):  # noqa: F811
    client.force_login(worked.participants.get(role="reviewer").user)
    client.get(dashboard(worked))
    with django_assert_max_num_queries(16):
        client.get(dashboard(worked))


def test_outsiders_get_404(client, worked, outsider):  # noqa: F811
    client.force_login(outsider)
    assert client.get(dashboard(worked)).status_code == 404


def test_trend_benchmark_and_comparison_pages(client, worked):  # noqa: F811
    make_public(worked)
    trend = client.get(reverse("results:trend", args=["XA"]) + "?framework=worked-example")
    assert trend.status_code == 200 and trend.context["figure"].rows[0][2] == "75"
    bench = client.get(reverse("results:benchmark") + "?framework=worked-example&country=XA")
    assert bench.status_code == 200 and 'class="table-warning"' in bench.text
    compare = client.get(reverse("results:compare") + f"?a={worked.pk}&b={worked.pk}")
    assert compare.status_code == 400  # an assessment is not compared with itself
    assert "Choose two different assessments." in compare.text
    assert client.get(reverse("results:benchmark") + "?framework=nope").status_code == 404


def test_the_benchmark_table_sorts_but_never_by_score_without_ranking(client, worked):  # noqa: F811
    make_public(worked)
    url = reverse("results:benchmark") + "?framework=worked-example"
    assert client.get(url + "&sort=region").context["sort"] == "region"
    Framework.objects.filter(slug="worked-example").update(ranking=False)
    page = client.get(url + "&sort=score")
    assert page.context["sort"] == "name"
    assert '<th scope="col">#</th>' not in page.text
