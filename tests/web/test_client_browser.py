"""A client's morning and evening on the phone, in headless Chromium at 390 x 844: log in,
the guided session (timers run, a closed tab resumes, a set done offline syncs), the
next-morning check-in and the NDI questionnaire. Screenshots: artifacts/screenshots/client-*.
Without /usr/bin/chromium the test skips, unless UPPERBACK_REQUIRE_BROWSER=1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import headless_chromium, live_server
from client_helpers import clinician_words, move_session_to_yesterday
from web_helpers import World

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(
    seeded_template: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path, Any]]:
    with live_server(seeded_template.path, tmp_path_factory.mktemp("client-browser")) as served:
        yield served


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"client-{name}.png"), full_page=True)


def _current(page: Any) -> Any:
    return page.locator("section.c-ex:not([hidden])")


def _finish_exercise(page: Any) -> None:
    """Tap through the remaining sets of the shown exercise, then rate it."""
    sec = _current(page)
    while sec.locator(".c-set").is_visible():
        sec.locator(".done-set").click()
        if sec.locator(".c-rest").is_visible():
            sec.locator(".skip-rest").click()
    sec.locator(".c-rate label:has(input[value='1']) span").first.click()
    sec.locator(".c-rate fieldset").nth(1).locator("label:has(input[value='5']) span").click()
    sec.locator(".c-rate button[type=submit]").click()


def test_client_walks_through_guided_session_checkin_and_ndi(
    live: tuple[str, Path, Any], seeded_template: World
) -> None:
    from playwright.sync_api import expect

    base, db_path, app = live
    with headless_chromium() as browser:
        ctx = browser.new_context(**PHONE)
        page = ctx.new_page()
        page.goto(base + "/login?next=/me")
        page.fill("input[name=username]", "alex")
        page.fill("input[name=password]", "demo-client")
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Hello Alex")
        shot(page, "01-today")
        assert clinician_words(page.content()) == []

        # The guided session: one exercise at a time with its moving figure.
        page.click("#start-session")
        expect(page.locator("#guided")).to_have_attribute("data-ready", "1")
        sec = _current(page)
        expect(sec.locator("svg.exfig.animated")).to_be_visible()
        expect(sec.locator(".set-now")).to_have_text("1")
        sec.locator(".start-timer").click()
        page.wait_for_timeout(600)
        expect(sec.locator(".timer-label")).not_to_have_text("Ready")
        shot(page, "02-guided-timer")
        sec.locator(".done-set").click()
        rest = sec.locator(".rest-value")
        first = int(rest.inner_text().split()[0])
        page.wait_for_timeout(1300)
        assert int(rest.inner_text().split()[0]) < first  # the rest countdown runs
        shot(page, "03-rest-countdown")
        expect(page.locator("#guided")).to_have_attribute("data-synced", "1")

        # A closed tab loses nothing: a new tab resumes at set 2.
        page.close()
        page = ctx.new_page()
        page.goto(base + "/me/session")
        expect(page.locator("#guided")).to_have_attribute("data-ready", "1")
        expect(page.locator("#sync-status")).to_contain_text("continue where you stopped")
        expect(_current(page).locator(".set-now")).to_have_text("2")
        shot(page, "04-resumed")

        # Offline: the set is kept on the phone and sent when the connection is back.
        ctx.set_offline(True)
        sec = _current(page)
        sec.locator(".done-set").click()
        expect(page.locator("#sync-status")).to_contain_text("back online")
        shot(page, "05-offline-set")
        ctx.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.locator("#guided")).to_have_attribute("data-synced", "2")
        week = page.evaluate("JSON.parse(document.getElementById('session-data').textContent).week")
        index = page.evaluate(
            "JSON.parse(document.getElementById('session-data').textContent).index"
        )
        server = page.evaluate(
            f"fetch('/me/session/draft?week={week}&index={index}').then(r => r.json())"
        )
        assert [s["set"] for s in server["sets"] if s["ex"] == 0] == [1, 2]

        # Through the rest of the session: only taps, pain and effort asked per exercise.
        if _current(page).locator(".c-rest").is_visible():
            _current(page).locator(".skip-rest").click()
        n = page.locator("section.c-ex").count()
        for i in range(n):
            _finish_exercise(page)
            if i == 0:
                shot(page, "06-next-exercise")
        expect(page.locator("#finish")).to_be_visible()
        page.click("#finish-btn")
        expect(page.locator("#saved")).to_be_visible()
        expect(page.locator("#changes li").first).to_be_visible()
        shot(page, "07-saved-what-changes")
        assert clinician_words(page.locator("#saved").inner_text()) == []

        # The next morning: one question, and it reaches the session's next-morning pain.
        move_session_to_yesterday(db_path)
        page.goto(base + "/me")
        expect(page.locator("#checkin-card")).to_be_visible()
        page.click("#checkin-card a")
        page.locator("label:has(input[name=pain][value='3']) span").click()
        page.locator("label:has(input[value=same]) span").click()
        shot(page, "08-checkin")
        page.click("#checkin-form button[type=submit]")
        expect(page.locator(".c-ok")).to_contain_text("saved")
        shot(page, "09-after-checkin")

        # The NDI, sent by the clinician: ten questions, one tap each.
        from upperback.services import questionnaires
        from upperback.services.accounts import authenticate

        demo = authenticate(app.state.db, "demo", "demo-clinician")
        questionnaires.assign(
            app.state.db, demo.actor(), seeded_template.a_client, "ndi", due=dt.date.today()
        )
        page.goto(base + "/me")
        expect(page.locator("main")).to_contain_text("Neck and daily life")
        page.locator("a.c-btn:has-text('Start')").first.click()
        for i in range(10):  # one question per screen: answering shows the next
            expect(page.locator(f"#q{i}")).to_be_visible()
            if i == 3:
                shot(page, "10-ndi-one-question")
            page.locator(f"#q{i} label").nth(i % 3).locator("span").click()
        shot(page, "10b-ndi-last")
        page.click("#questionnaire-form button[type=submit]")
        expect(page.locator(".c-ok")).to_contain_text("saved")
        res = questionnaires.results(app.state.db, demo.actor(), seeded_template.a_client)
        assert res[-1].instrument == "ndi" and res[-1].score == pytest.approx(100 * 9 / 50)

        page.goto(base + "/me/progress")
        expect(page.locator(".c-plot img").first).to_be_visible()
        shot(page, "11-progress")
        page.goto(base + "/me/words")
        shot(page, "12-words")

        desk = browser.new_context(viewport={"width": 1280, "height": 800})
        dpage = desk.new_page()
        dpage.goto(base + "/login?next=/me")
        dpage.fill("input[name=username]", "alex")
        dpage.fill("input[name=password]", "demo-client")
        dpage.click("button[type=submit]")
        shot(dpage, "13-today-desktop")
        dpage.goto(base + f"/clients/{seeded_template.a_client}/home-program")
        shot(dpage, "14-home-program-desktop")
