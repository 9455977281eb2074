"""Framework pages: who may see them, what they show, and the staff-only upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.services import assessment_create
from indicators.models import Framework
from indicators.services import framework_load
from tests.frameworks import dump
from tests.people import make_public

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(small):
    return framework_load(text=dump(small)).framework


def detail_url(framework, **params):
    url = reverse("indicators:framework_detail", args=[framework.slug, framework.version])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_anonymous_people_are_sent_to_sign_in_to_upload(client):
    response = client.get(reverse("indicators:framework_upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_framework_no_public_assessment_uses_looks_missing_to_the_public(client, framework):
    assert client.get(detail_url(framework)).status_code == 404
    questionnaire = reverse("indicators:framework_questionnaire", args=[framework.slug, framework.version])
    assert client.get(questionnaire).status_code == 404
    assert detail_url(framework) not in client.get(reverse("indicators:framework_list")).text


def test_a_framework_used_by_a_public_assessment_is_public(client, framework, coordinator):
    assessment = assessment_create(user=coordinator, country="XA", framework=framework, round="2026")
    client_page = client.get(detail_url(framework))
    assert client_page.status_code == 404
    make_public(assessment)
    page = client.get(detail_url(framework))
    assert page.status_code == 200
    assert "Is C97 ratified?" in page.text
    listing = client.get(reverse("indicators:framework_list"))
    assert detail_url(framework) in listing.text
    assert "Sign in" not in listing.text.split("<main", 1)[1]


def test_a_signed_in_person_reads_the_framework_with_its_matrix(client, coordinator, framework):
    client.force_login(coordinator)
    response = client.get(detail_url(framework))
    assert response.status_code == 200
    assert "Is C97 ratified?" in response.text
    assert response.context["matrix"] is None  # the small framework has no life-cycle dimension
    assert len(response.context["indicators"]) == 2


def test_the_framework_reads_in_french(client, coordinator, framework):
    client.force_login(coordinator)
    response = client.get(detail_url(framework).replace("/en/", "/fr/"))
    assert "La C97 est-elle ratifiée ?" in response.text
    assert "Is C97 ratified?" not in response.text


def test_filtering_by_a_category_lists_only_its_indicators(client, coordinator, framework):
    client.force_login(coordinator)
    response = client.get(detail_url(framework, criterion="SD"))
    assert [i.code for i in response.context["indicators"]] == ["SD-01"]


def test_filtering_by_a_parent_category_includes_its_children(client, coordinator, framework):
    client.force_login(coordinator)
    response = client.get(detail_url(framework, area="A"))
    assert [i.code for i in response.context["indicators"]] == ["RL-01"]


def test_an_htmx_filter_returns_only_the_list_fragment(client, coordinator, framework):
    client.force_login(coordinator)
    response = client.get(detail_url(framework, criterion="RL"), headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="indicator-list"')
    assert "<html" not in response.text


def test_an_unknown_version_is_404(client, coordinator, framework):
    client.force_login(coordinator)
    assert client.get(reverse("indicators:framework_detail", args=["small", "9.9"])).status_code == 404


def test_the_questionnaire_lists_every_indicator_with_tick_boxes(client, coordinator, framework):
    client.force_login(coordinator)
    response = client.get(
        reverse("indicators:framework_questionnaire", args=[framework.slug, framework.version])
    )
    assert response.status_code == 200
    assert response.text.count('class="question"') == 2
    assert "Don&#x27;t know" in response.text or "Don't know" in response.text


def test_the_detail_page_uses_a_bounded_number_of_queries(
    client, coordinator, framework, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        client.get(detail_url(framework))


def test_non_staff_cannot_upload_a_framework(client, coordinator, small):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("f.yaml", dump(small).encode())
    assert client.get(reverse("indicators:framework_upload")).status_code == 403
    assert client.post(reverse("indicators:framework_upload"), {"file": upload}).status_code == 403
    assert Framework.objects.count() == 0


def test_staff_upload_a_valid_framework(client, adviser, small):
    client.force_login(adviser)
    upload = SimpleUploadedFile("f.yaml", dump(small).encode())
    response = client.post(reverse("indicators:framework_upload"), {"file": upload})
    framework = Framework.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(framework)
    assert framework.loaded_by == adviser


def test_a_bad_upload_lists_every_problem_and_loads_nothing(client, adviser, small):
    client.force_login(adviser)
    small["indicators"][0]["categories"]["criterion"] = "XX"
    small["bands"][1]["lower"] = 60
    upload = SimpleUploadedFile("f.yaml", dump(small).encode())
    response = client.post(reverse("indicators:framework_upload"), {"file": upload})
    assert response.status_code == 200
    assert len(response.context["problems"]) == 2
    assert "unknown category XX" in response.text
    assert "gap: no band covers 50 to 60" in response.text
    assert Framework.objects.count() == 0


def test_a_binary_upload_is_refused_with_a_message(client, adviser):
    client.force_login(adviser)
    upload = SimpleUploadedFile("f.yaml", b"\xff\xfe\x00binary")
    response = client.post(reverse("indicators:framework_upload"), {"file": upload})
    assert "not UTF-8 text" in response.text
    assert Framework.objects.count() == 0
