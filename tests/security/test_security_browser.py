"""The security pages in headless Chromium at desktop and phone sizes: login with a second
factor, the account page (authenticator set-up, tokens, client logins), the audit trail.
Screenshots go to artifacts/screenshots/security-*.png."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from live_server import serving
from web_helpers import World

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

pytestmark = pytest.mark.browser


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"security-{name}.png"), full_page=True)


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_security_pages_in_the_browser(app: FastAPI, world: World) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("UPPERBACK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and UPPERBACK_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with serving(app) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        secret = ""
        for size, (w, h) in SIZES.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            page.goto(base + "/login")
            page.fill("input[name=username]", "demo")
            page.fill("input[name=password]", "not-the-password")
            page.click("button[type=submit]")
            assert "wrong username or password" in page.inner_text(".alert")
            assert page.input_value("input[name=username]") == "demo"  # kept after the error
            _shot(page, f"login-error-{size}")
            page.fill("input[name=password]", "demo-clinician")
            page.click("button[type=submit]")
            if not secret:  # first pass: set up the authenticator on the account page
                page.goto(base + "/account")
                page.click("text=Set up an authenticator app")
                key = page.inner_text("text=/Key:/")
                secret = re.search(r"[A-Z2-7]{16,}", key).group(0)  # type: ignore[union-attr]
                assert page.locator(".qr svg").count() == 1
                _shot(page, f"account-totp-setup-{size}")
                page.fill("input[name=code]", pyotp.TOTP(secret).now())
                page.click("button:has-text('Turn on')")
                assert page.locator(".codes li").count() == 10
                _shot(page, f"account-recovery-codes-{size}")
            else:  # second pass: the login asks for the code
                assert page.locator("input[name=code]").count() == 1
                _shot(page, f"login-code-{size}")
                page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))
                page.click("button[type=submit]")
                page.goto(base + "/account")
                assert "On." in page.inner_text("#second-factor")
            assert _no_sideways_scroll(page), f"account page scrolls sideways at {size}"
            _shot(page, f"account-{size}")
            page.goto(f"{base}/clients/{world.a_client}/audit")
            assert page.locator("table tbody tr").count() > 3
            assert "Download as CSV" in page.inner_text("main")
            _shot(page, f"audit-{size}")
            page.close()
            # a client's account page: plain words, and their own data to download
            page = browser.new_page(viewport={"width": w, "height": h})
            page.goto(base + "/login")
            page.fill("input[name=username]", "alex")
            page.fill("input[name=password]", "demo-client")
            page.click("button[type=submit]")
            page.goto(base + "/account")
            # the client's own copies: all their data (JSON) and their record for another
            # clinic's system (FHIR)
            hrefs = [a.get_attribute("href") for a in page.locator("a[download]").all()]
            assert hrefs == ["/account/my-data.json", "/account/my-record.fhir.json"]
            assert "authenticator" not in page.inner_text("main")
            assert "token" not in page.inner_text("main").lower()
            assert _no_sideways_scroll(page)
            _shot(page, f"account-client-{size}")
            page.close()
        browser.close()
