"""The clinician's workbench in headless Chromium (desktop 1280x800 and phone 390x844).

Each form is submitted with a bad value: the page must come back with what was typed and
the message beside the named field. Then the happy paths: a PSFS saved, an exercise
swapped by picking and the swap revoked, a photo marked and its angle stored, the
referral letter. Every page is measured for horizontal overflow at 390 px, and axe-core
(the npm package, installed into git-ignored artifacts/node at set-up) must report no
critical or serious violation. Screenshots go to artifacts/screenshots/workbench-*.png.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
NODE = ROOT / "artifacts" / "node"
AXE = NODE / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
AXE_FIGURES = ROOT / "artifacts" / "axe-workbench.json"


def axe_source() -> str | None:
    """axe-core from the npm package; installed once into artifacts/node when npm can."""
    if not AXE.exists() and shutil.which("npm"):
        NODE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NODE), "--no-audit", "--no-fund", "axe-core@4"],
            capture_output=True, timeout=180, check=False,
        )  # fmt: skip
    return AXE.read_text(encoding="utf-8") if AXE.exists() else None


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workbench-{name}.png"), full_page=True)


def login(page: Any, base: str) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "demo-clinician")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def side_photo() -> bytes:
    """A drawn side view (head, neck, trunk) as PNG: a real image for Pillow to verify."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (600, 800), (236, 240, 244))
    d = ImageDraw.Draw(im)
    d.ellipse((250, 120, 420, 310), fill=(222, 184, 150))  # head
    d.ellipse((300, 200, 320, 225), fill=(150, 100, 80))  # ear
    d.rectangle((260, 290, 340, 420), fill=(222, 184, 150))  # neck
    d.rectangle((180, 400, 380, 780), fill=(70, 110, 160))  # trunk
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def field_error(page: Any, name: str) -> str:
    return str(page.locator(f"#err-{name.replace(':', '-')}").inner_text())


def test_workbench_forms_editing_photo_and_reading(
    server: str, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    login(page, server)

    # new client: bad birth year, typed name survives, message names the field
    page.fill("#client-form input[name=name]", "Wren Workbench")
    page.fill("#client-form input[name=birth_year]", "19x6")
    page.fill("#client-form input[name=body_mass_kg]", "61.5")
    page.click("#client-form button[type=submit]")
    assert "Birth year" in field_error(page, "birth_year")
    assert page.input_value("#client-form input[name=name]") == "Wren Workbench"
    assert page.input_value("#client-form input[name=body_mass_kg]") == "61.5"
    shot(page, "01-dashboard-client-error")
    page.fill("#client-form input[name=birth_year]", "1986")
    page.click("#client-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Wren Workbench")
    base = page.url

    # intake: pain out of range; every typed value and the red-flag answer survive
    page.goto(base + "/intake")
    expect(page.locator("#rf-group-cervical_arterial")).to_be_visible()
    page.fill("input[name=pain_now]", "12")
    page.fill("input[name=occupation]", "night-shift nurse")
    page.fill("textarea[name=complaint]", "neck ache after long shifts")
    page.check("input[name='rf:diplopia'][value=yes]")
    page.check("input[name='rf:dysarthria'][value=no]")
    page.click("#intake-form button[type=submit]")
    assert field_error(page, "pain_now") == "Pain now: must be 0-10"
    assert page.input_value("input[name=occupation]") == "night-shift nurse"
    assert page.input_value("textarea[name=complaint]") == "neck ache after long shifts"
    assert page.is_checked("input[name='rf:diplopia'][value=yes]")
    assert page.is_checked("input[name='rf:dysarthria'][value=no]")
    shot(page, "02-intake-error")
    page.fill("input[name=pain_now]", "4")
    page.click("#intake-form button[type=submit]")
    expect(page.locator("#screening-result")).to_contain_text("REFER")
    page.click("#referral-link")
    expect(page.locator("h1")).to_contain_text("Referral: Wren Workbench")
    expect(page.locator("body")).to_contain_text("Diplopia")
    shot(page, "03-referral-letter")
    pdf = page.request.get(base + "/referral.pdf")
    assert pdf.status == 200 and pdf.body()[:5] == b"%PDF-"
    page.goto(base + "/intake")
    page.fill("textarea[name=note]", "GP reviewed 2 days later: migraine aura, cleared")
    page.click("button:has-text('Record clearance')")
    expect(page.locator("body")).to_contain_text("Referral cleared")

    # assessment: PSFS score 11 -> message at that activity, all typed values kept
    page.goto(base + "/assessment")
    acts = ["reaching overhead", "driving 1 h", "reading in bed"]
    for k, (act, score) in enumerate(zip(acts, ["6", "5", "11"], strict=True), start=1):
        page.fill(f"input[name='act:psfs:{k}']", act)
        page.fill(f"input[name='item:psfs:{k}']", score)
    for k, answer in enumerate([2, 1, 2, 2, 2, 1, 2, 1, 1, 2], start=1):
        page.select_option(f"select[name='item:ndi:{k}']", str(answer))
    page.fill("[name='val:nprs:-']", "5")
    page.fill("[name='val:dnf_endurance:-']", "12")
    page.fill("[name='val:prone_y_hold:-']", "20")
    page.fill("[name='val:emg_ratio_ut_lt:-']", "3.1")
    page.fill("[name='cond:emg_ratio_ut_lt']", "elevation")
    page.click("#assessment-form button[type=submit]")
    msg = field_error(page, "item:psfs:3")
    assert "activity 3 (reading in bed)" in msg and "0-10" in msg, msg
    assert page.input_value("input[name='act:psfs:2']") == "driving 1 h"
    assert page.input_value("input[name='item:psfs:3']") == "11"
    assert page.input_value("select[name='item:ndi:4']") == "2"
    assert page.input_value("[name='cond:emg_ratio_ut_lt']") == "elevation"
    shot(page, "04-assessment-error")
    # an out-of-range test value is named with its test
    page.fill("input[name='item:psfs:3']", "4")
    page.fill("[name='val:nprs:-']", "15")
    page.click("#assessment-form button[type=submit]")
    assert field_error(page, "val:nprs:-").startswith("Pain intensity") or "15" in field_error(
        page, "val:nprs:-"
    )
    assert page.input_value("input[name='item:psfs:3']") == "4"
    page.fill("[name='val:nprs:-']", "5")
    page.click("#assessment-form button[type=submit]")
    expect(page.locator("#scored")).to_contain_text("Patient-Specific Functional Scale")
    expect(page.locator("#scored")).to_contain_text("Neck Disability Index")
    shot(page, "05-assessment-psfs-saved")

    # program: plan, inline dose with a bad value, swap by picking, revoke
    page.goto(base + "/program")
    page.click("form.inline-form button:has-text('Plan')")
    expect(page.locator("#edit")).to_be_visible()
    first = page.locator(".edit-ex").first
    ex_id = str(first.get_attribute("id")).removeprefix("ex-")
    first.locator("select[name$=':field']").select_option("reps")
    first.locator("input[name$=':value']").fill("0")
    first.locator("input[name$=':reason']").fill("too much for the first week")
    first.locator("button:has-text('Apply')").click()
    shot(page, "06-program-dose-error")
    err = field_error(page, f"{ex_id}:value")
    assert "Reps" in err and "1 to 60" in err, err
    first = page.locator(f"#ex-{ex_id}")
    assert first.locator("input[name$=':reason']").input_value() == "too much for the first week"
    shot(page, "06-program-dose-error")
    first.locator("a:has-text('Swap')").click()
    expect(page.locator("h1")).to_contain_text("Swap")
    assert page.locator("ul.pick li.ok").count() >= 1
    expect(page.locator("ul.pick")).to_contain_text("Engine would pick")
    page.click("#swap-form button[type=submit]")  # no pick, no reason
    expect(page.locator("#form-error")).to_be_visible()
    shot(page, "07-swap-picker")
    pick = page.locator("ul.pick li.ok input[type=radio]").first
    picked_id = str(pick.get_attribute("value"))
    pick.check()
    page.fill(f"input[name='{ex_id}:reason']", "client prefers a standing option")
    page.click("#swap-form button[type=submit]")
    ovr = page.locator(f"#ex-{picked_id} .ovr")
    expect(ovr).to_contain_text("swapped for")
    expect(ovr).to_contain_text("client prefers a standing option")
    shot(page, "08-program-swapped")
    ovr.locator("input[name^='revoke:']").fill("back to the engine's choice")
    ovr.locator("button:has-text('Revoke')").click()
    shot(page, "09-program-revoked")
    shot(page, "09-program-revoked")
    expect(page.locator("details:has-text('Revoked overrides')")).to_contain_text(
        "back to the engine's choice"
    )
    assert page.locator(f"#ex-{ex_id}").count() == 1
    shot(page, "09-program-revoked")

    # head posture: a text file is refused at the field; a photo is marked and stored
    page.goto(base + "/posture")
    bad = tmp_path / "notes.jpg"
    bad.write_text("not an image")
    page.set_input_files("input[name=photo]", str(bad))
    page.fill("input[name=taken]", "2026-11-30")
    page.click("#photo-form button[type=submit]")
    assert "not a readable" in field_error(page, "photo")
    assert page.input_value("input[name=taken]") == "2026-11-30"
    good = tmp_path / "side.png"
    good.write_bytes(side_photo())
    page.set_input_files("input[name=photo]", str(good))
    page.click("#photo-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Mark tragus and C7")
    expect(page.locator("#photo")).to_have_js_property("complete", True)  # no eval: CSP
    for point, (x, y) in (("tragus", (310, 212)), ("c7", (262, 400))):
        page.locator(f"#pt-{point}").scroll_into_view_if_needed()
        box = page.locator("#overlay").bounding_box()
        handle = page.locator(f"#pt-{point}").bounding_box()
        assert box is not None and handle is not None
        scale = box["width"] / 600
        page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + x * scale, box["y"] + y * scale, steps=5)
        page.mouse.up()
    tx, ty = float(page.input_value("#tragus_x")), float(page.input_value("#tragus_y"))
    cx, cy = float(page.input_value("#c7_x")), float(page.input_value("#c7_y"))
    assert abs(tx - 310) < 4 and abs(cy - 400) < 4
    import math

    expected = math.degrees(math.atan2(cy - ty, abs(tx - cx)))
    expect(page.locator("#angle-live")).to_contain_text(f"{expected:.1f}")
    page.click("#mark-form button[type=submit]")
    expect(page.locator("#cva-result")).to_contain_text(f"CVA {expected:.1f}°")
    shot(page, "10-posture-marked")
    page.click("#use-in-assessment")
    expect(page.locator("#photo-note")).to_be_visible()
    assert page.input_value("[name='val:cva:-']") == f"{round(expected, 1):g}"
    page.click("#assessment-form button[type=submit]")
    expect(page.locator("#scored")).to_contain_text("Craniovertebral angle")
    page.goto(base + "/posture")
    expect(page.locator("body")).to_contain_text(f"CVA {expected:.1f}°")

    # library: filter, open an exercise with its ladder graph
    page.goto(server + "/library?muscle=lower_trapezius")
    n = page.locator("li.ex-card").count()
    assert 0 < n < page.evaluate("1000")
    shot(page, "11-library")
    page.locator("li.ex-card a").first.click()
    expect(page.locator("svg.ladder")).to_be_visible()
    expect(page.locator("body")).to_contain_text("EMG figures")
    shot(page, "12-exercise")

    # reports: inline styles allowed by the page's own CSP (no console refusals)
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if "Content Security" in m.text else None)
    for path in ("/report.html", "/home-program", "/referral.html"):
        page.goto(base + path)
        color = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "system-ui" in color or "Georgia" in color, (path, color)
    assert not refusals, refusals
    # API docs render offline from the package's Swagger UI under the app's own CSP
    page.goto(server + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("upperback")
    expect(page.locator(".opblock").first).to_be_visible()
    shot(page, "13-api-docs")
    ctx.close()

    # every page: no horizontal overflow at 390 px, axe-core without critical/serious issues
    pages = [
        "/", "/library", "/library/" + ex_id, base.removeprefix(server), *(
            base.removeprefix(server) + p for p in (
                "/intake", "/assessment", "/profile", "/program", "/program/swap?exercise=" + ex_id,
                "/log", "/progress", "/adaptations", "/emg", "/posture", "/posture/1",
            )
        ), "/api/v1/docs",
    ]  # fmt: skip
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    desk = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    axe = axe_source()
    figures: dict[str, dict[str, int]] = {}
    wide: list[str] = []
    for ctx_, tag in ((phone, "phone"), (desk, "desktop")):
        p = ctx_.new_page()
        login(p, server)
        for path in pages:
            p.goto(server + path)
            if tag == "phone":  # layout at 390 px: measured and photographed
                p.wait_for_load_state("networkidle")
                sw = p.evaluate("document.documentElement.scrollWidth")
                if sw > PHONE["width"]:
                    wide.append(f"{path}: {sw}px")
                if path.endswith("/adaptations"):  # each reason gets the phone's width to read
                    rw = p.evaluate(
                        "document.querySelector('table.adapt-table tbody td:nth-child(5)')"
                        ".getBoundingClientRect().width"
                    )
                    if rw < 0.75 * PHONE["width"]:
                        wide.append(f"{path}: reason squeezed to {rw:.0f}px")
                shot(p, "phone" + path.replace("/", "_").replace("?", "_"))
                continue
            if axe is None:
                continue
            p.add_script_tag(content=axe)
            res = p.evaluate(
                "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
                " return r.violations.map(v => [v.id, v.impact, v.nodes.length]); }"
            )
            counts = figures.setdefault(path, {})
            for vid, impact, nodes in res:
                counts[f"{impact}:{vid}"] = nodes
        p.close()
    phone.close()
    desk.close()
    assert not wide, f"horizontal overflow at 390 px: {wide}"
    if axe is None:
        pytest.skip("axe-core is not installed and npm could not install it from the registry")
    AXE_FIGURES.write_text(json.dumps(figures, indent=1))
    bad_axe = {
        page: [k for k in c if k.startswith(("critical", "serious"))]
        for page, c in figures.items()
        if any(k.startswith(("critical", "serious")) for k in c)
    }
    assert not bad_axe, f"axe critical/serious violations: {bad_axe}"
