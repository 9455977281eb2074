"""A person signs in through the real login form in Chromium and reaches the home page."""

import re

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def test_a_person_signs_in_through_the_login_form(page: Page, live_server, coordinator, screenshot_dir):
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("link", name="Sign in").first.click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))

    page.get_by_label("Username").fill("camila")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("Welcome, Camila Coordinator.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "home-signed-in.png", full_page=True)


def test_a_wrong_password_keeps_the_person_on_the_form(page: Page, live_server, coordinator):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.get_by_label("Username").fill("camila")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
