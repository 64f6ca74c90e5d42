"""Browser tests: Playwright drives Debian's Chromium, headless, against a real uvicorn server.

The journey a clinician walks: log in, create a client, intake with a red flag shows the
referral and blocks planning, clearance, assessment -> profile -> program, log a session and
see the next session change with its reason, see the progress plots. Screenshots go to
artifacts/screenshots/. Without /usr/bin/chromium the tests skip, unless
UPPERBACK_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_helpers import World

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

pytestmark = pytest.mark.browser


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(page: Any, base: str, user: str, password: str) -> None:
    page.goto(base + "/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_clinician_journey_in_the_browser(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("Log in")
    shot(page, "01-login")
    login(page, server, "demo", "demo-clinician")
    expect(page.locator("h1")).to_have_text("Your clients")
    expect(page.locator("table.clients")).to_contain_text("Alex Demo (simulated)")
    shot(page, "02-dashboard")

    # create a client
    page.fill("input[name=name]", "Browser Client")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=birth_year]", "1986")
    page.fill("input[name=body_mass_kg]", "63")
    page.click("text=Add client")
    expect(page.locator("h1")).to_have_text("Browser Client")
    client_url = page.url

    # intake with a red flag: referral shown, planning blocked
    page.click("nav.tabs >> text=Intake")
    page.fill("input[name=pain_now]", "4")
    page.check("input[name='rf:diplopia'][value=yes]")
    page.click("text=Record intake and screen")
    expect(page.locator("#screening-result")).to_contain_text("REFER")
    shot(page, "03-intake-referral")
    page.click("nav.tabs >> text=Program")
    expect(page.locator("#blocked")).to_contain_text("Planning is blocked")
    expect(page.locator("form.inline-form button")).to_be_disabled()
    shot(page, "04-program-blocked")

    # clearance, then assessment -> profile -> program
    page.click("nav.tabs >> text=Intake")
    page.fill("textarea[name=note]", "GP reviewed: no neurological findings, cleared for loading")
    page.click("button:has-text('Record clearance')")
    expect(page.locator("body")).to_contain_text("Referral cleared")
    page.click("nav.tabs >> text=Assessment")
    values = {
        "val:nprs:-": "5", "val:dnf_endurance:-": "12",
        "val:ccft:-": "22", "val:cva:-": "45", "val:shoulder_flexion:L": "160",
        "val:shoulder_flexion:R": "158", "val:thoracic_rotation:L": "32",
        "val:thoracic_rotation:R": "34", "val:prone_y_hold:-": "20",
        "val:emg_ratio_ut_lt:-": "3.1", "cond:emg_ratio_ut_lt": "elevation",
    }  # fmt: skip
    for name, value in values.items():
        page.fill(f"[name='{name}']", value)
    for k, answer in enumerate([2, 1, 2, 2, 2, 1, 2, 1, 1, 2], start=1):
        page.select_option(f"select[name='item:ndi:{k}']", str(answer))
    page.click("text=Score assessment")
    expect(page.locator("#scored")).to_contain_text("Neck Disability Index")
    shot(page, "05-assessment-scored")
    page.click("text=See the deficit profile")
    expect(page.locator("h1")).to_have_text("Deficit profile")
    expect(page.locator("table")).to_contain_text("lower trapezius")
    shot(page, "06-profile")
    page.click("nav.tabs >> text=Program")
    page.click("form.inline-form button")
    expect(page.locator(".phase").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("Version 1")
    shot(page, "07-program")

    # log a session on a phone: hard and painful -> the next session changes, with a reason
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(phone, server, "demo", "demo-clinician")
    phone.goto(client_url + "/log")
    expect(phone.locator("h1")).to_have_text("Log a session")
    for field in phone.locator("input[name$='_rpe']").all():
        field.fill("10")
    for field in phone.locator("input[name$='_pain']").all():
        field.fill("7")
    phone.fill("input[name=readiness]", "3")
    shot(phone, "08-log-phone")
    phone.click("#save-log")
    expect(phone.locator("#changes")).to_contain_text("pain")
    changes = phone.locator("#changes li")
    assert changes.count() >= 1
    expect(phone.locator("#next")).to_contain_text("Week 1, session 2")
    shot(phone, "09-logged-next-session")

    # the history of adaptations, and progress plots
    page.goto(client_url + "/adaptations")
    expect(page.locator("table.adapt-table")).to_be_visible()
    shot(page, "10-adaptations")
    page.goto(client_url.rsplit("/", 1)[0] + "/1/progress")
    plots = page.locator("figure.plot img")
    assert plots.count() >= 4
    assert all(img.evaluate("e => e.naturalWidth") > 100 for img in plots.all())
    shot(page, "11-progress-plots")


def test_client_account_sees_own_program_and_live_biofeedback(
    server: str, browser: Any, seeded_template: World
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    login(page, server, "alex", "demo-client")
    expect(page.locator("h1")).to_have_text("Alex Demo (simulated)")
    expect(page.locator("nav.tabs")).not_to_contain_text("Assessment")
    shot(page, "12-client-home-phone")
    page.goto(f"{server}/clients/{seeded_template.b_client}")
    expect(page.locator("h1")).to_have_text("Not found")
    page.goto(f"{server}/clients/{seeded_template.a_client}/emg/{seeded_template.a_recording}")
    expect(page.locator("figure.plot img")).to_be_visible()
    shot(page, "13-emg-envelopes")
    page.goto(f"{server}/clients/{seeded_template.a_client}/emg/{seeded_template.a_recording}/live")
    page.click("#start")
    expect(page.locator("#level")).not_to_have_text("–", timeout=10_000)
    page.wait_for_timeout(1500)
    expect(page.locator("#ratio")).not_to_have_text("–", timeout=10_000)
    shot(page, "14-live-biofeedback")
