"""Plain words for clients: every exercise has a plain name, every rule a plain sentence."""

from __future__ import annotations

import re

import pytest

from upperback.errors import InvalidInput
from upperback.feedback.table import RULE_TABLE
from upperback.illustrate.plain import (
    client_text,
    parse_plain,
    plain_change,
    plain_dose,
    plain_effort,
    plain_language,
    plain_name,
    plain_rx_dose,
    plain_tempo,
)
from upperback.knowledge.loader import exercise_library
from upperback.model.program import Prescription

LIB = exercise_library().by_id
CLINICAL = re.compile(r"\b(?:ER|IR|UT|LT|MT|SA|RPE|RIR|CKC|PBU|CCF|DNF|deg)\b|\d{4}|\[|_")


def test_every_exercise_has_a_plain_name_without_shorthand() -> None:
    names = plain_language().names
    assert set(names) == set(LIB)
    bad = {k: v for k, v in names.items() if CLINICAL.search(v)}
    assert bad == {}
    assert plain_name("prone_y") == "Face-down arm raise into a Y"
    assert plain_name("not_there", "Fallback") == "Fallback"


def test_every_rule_has_a_plain_sentence_naming_no_rule() -> None:
    for rule in RULE_TABLE:
        text = plain_change(rule.rule_id, "prone_y")
        assert rule.rule_id not in text and "prone_y" not in text
        assert 20 < len(text) < 260 and text.count(".") <= 2, rule.rule_id
    assert "Face-down arm raise into a Y" in plain_change("pain.flare_regress", "prone_y")
    assert plain_change("some.new_rule", None) == "Your plan was adjusted after this session."


def test_library_cues_lose_tags_and_citations_for_clients() -> None:
    for ex in LIB.values():
        for text in [ex.breathing_cue, *ex.coaching_cues]:
            cleaned = client_text(text)
            assert not re.search(r"\[[VKU]|\[design|\b(?:19|20)\d{2}\b\)", cleaned), cleaned
    assert client_text("Exhale slowly [K/U].") == "Exhale slowly."
    assert client_text("Slide up (Kim 2017) gently") == "Slide up gently"


def test_doses_tempo_and_effort_in_words() -> None:
    assert plain_dose(3, 10, None, True, 2.0) == "3 sets of 10 (each side), 2 kg"
    assert plain_dose(8, None, 10) == "8 holds of 10 seconds"
    assert plain_tempo("3-1-2-0", mobility=False) == (
        "Move over 2 s, return slowly over 3 s, pause 1 s."
    )
    assert plain_tempo("6-2-4-0", mobility=True).startswith("Breathe out and move into")
    assert plain_effort(7) == "Effort about 7 out of 10 (about 3 more left in you)"
    assert plain_effort(10).endswith("(none left)")


def test_glossary_explains_effort_tempo_and_holds() -> None:
    terms = {g.term: g.text for g in plain_language().glossary}
    assert {"effort", "tempo", "hold"} <= set(terms)
    assert "RPE" in terms["effort"] and "RIR" in terms["effort"]


def test_bad_plain_language_file_is_one_line() -> None:
    with pytest.raises(InvalidInput, match="glossary"):
        parse_plain({"names": {}, "changes": {}, "glossary": []})


def _rx(exercise_id: str, level: int | None, load_kg: float | None = None) -> Prescription:
    return Prescription(
        exercise_id=exercise_id, name="x", sets=10, reps=None, hold_s=10, tempo="0-10-0-0",
        rest_s=10, rpe_target=3, breathing_cue="breathe", rationale="r", level=level,
        load_kg=load_kg,
    )  # fmt: skip


def test_a_pressure_cuff_dose_names_the_mark_on_the_gauge_not_a_stage() -> None:
    cuff = plain_rx_dose(_rx("ccf_pbu_22_24", level=2))
    assert cuff == "10 holds of 10 seconds, with the pressure gauge at 24"
    assert "level" not in cuff
    band = next(e.id for e in LIB.values() if e.load_mode.value == "band")
    assert plain_rx_dose(_rx(band, level=2)).endswith("band 2 (your lightest band is 1)")
    lever = next(e.id for e in LIB.values() if e.load_mode.value == "bodyweight")
    assert "level" not in plain_rx_dose(_rx(lever, level=3))  # the picture shows the lever


def test_clinician_dose_text_names_the_unit_of_each_load() -> None:
    from upperback.knowledge.loading_rules import loading_rules
    from upperback.loading.dose import load_text

    rules = loading_rules()
    by_mode = {m: next(e for e in LIB.values() if e.load_mode.value == m)
               for m in ("band", "bodyweight", "pressure", "kg")}  # fmt: skip
    assert load_text(_rx(by_mode["kg"].id, None, 2.0), by_mode["kg"], rules) == " @ 2 kg"
    band = load_text(_rx(by_mode["band"].id, 2), by_mode["band"], rules)
    assert band == " @ band level 2 (1 = lightest)"
    cuff = load_text(_rx(by_mode["pressure"].id, 2), by_mode["pressure"], rules)
    assert cuff == ", each hold at the 24 mmHg mark"
    lever = load_text(_rx(by_mode["bodyweight"].id, 2), by_mode["bodyweight"], rules)
    assert lever == " @ lever level 2"
