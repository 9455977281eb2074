"""The site shell: language prefixes, health check, sign-in and password flows."""

from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language_prefix(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_root_follows_the_browser_language(client):
    response = client.get("/", headers={"accept-language": "es"})
    assert response["Location"] == "/es/"


def test_home_page_is_served_in_french(client):
    response = client.get("/fr/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Se connecter" in response.text


def test_health_answers_ok_when_the_database_answers(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_fails(client):
    with mock.patch("coherence.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_sign_in_through_the_form_then_sign_out(client, coordinator):
    response = client.post(reverse("login"), {"username": "camila", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == coordinator

    assert client.get(reverse("logout")).status_code == 405  # signing out takes a POST, never a link
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_wrong_password_is_refused_with_a_message(client, coordinator):
    response = client.post(reverse("login"), {"username": "camila", "password": "nope"})
    assert response.status_code == 200
    assert response.context["user"].is_anonymous
    assert "enter a correct username and password" in response.text


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_change_sets_the_new_password(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("a-new-long-passphrase")


def test_password_reset_sends_a_link_by_email(client, coordinator):
    response = client.post(reverse("password_reset"), {"email": coordinator.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_language_switch_returns_to_the_same_page_in_the_new_language(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/en/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/accounts/login/"


def test_pages_load_no_asset_from_another_host(client):
    html = client.get("/en/").text
    assert "http://" not in html
    assert "https://" not in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html


def test_admin_is_under_the_language_prefix_and_needs_staff(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert "/en/admin/login/" in response["Location"]


def test_every_language_has_a_compiled_catalogue():
    for language in ("fr", "es"):
        with translation.override(language):
            assert translation.gettext("Sign in") != "Sign in"
