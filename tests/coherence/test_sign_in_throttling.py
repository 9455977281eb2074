"""Sign-in throttling: repeated wrong passwords lock that user name from that address for a while, with a
clear message; other people in the same room (same address) can still sign in."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
URL = "/en/accounts/login/"


@pytest.fixture(autouse=True)
def throttling_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def attempt(client, username, password, address="10.0.0.7"):
    return client.post(URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_wrong_passwords_lock_that_user_name_from_that_address(client):
    UserFactory(username="lina")
    for _ in range(2):
        assert attempt(client, "lina", "wrong").status_code == 200
    locked = attempt(client, "lina", "wrong")
    assert locked.status_code == 429
    assert "Too many wrong passwords for this user name" in locked.text
    # Even the right password is refused while locked.
    assert attempt(client, "lina", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_neighbour_in_the_same_room_still_signs_in(client):
    UserFactory(username="lina")
    UserFactory(username="umar")
    for _ in range(3):
        attempt(client, "lina", "wrong")
    response = attempt(client, "umar", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_same_user_name_from_another_address_is_not_locked(client):
    UserFactory(username="lina")
    for _ in range(3):
        attempt(client, "lina", "wrong")
    assert attempt(client, "lina", PASSWORD, address="10.0.0.8").status_code == 302


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(client, settings):
    settings.TRUSTED_PROXIES = 1
    UserFactory(username="lina")
    for _ in range(3):
        client.post(
            URL,
            {"username": "lina", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # Another client behind the same proxy is not locked out, and a forged header does not escape the lock.
    ok = client.post(
        URL,
        {"username": "lina", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert ok.status_code == 302
    client.logout()
    forged = client.post(
        URL,
        {"username": "lina", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5",
    )
    assert forged.status_code == 429
