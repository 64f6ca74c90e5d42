"""API: a log naming an exercise the session did not prescribe is a 422 naming it; nothing
is stored (the session stays the next one to log)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_helpers import World

from upperback.knowledge.loader import exercise_library


def test_api_refuses_a_log_for_an_unprescribed_exercise(
    api: TestClient, headers_client: dict[str, str], world: World
) -> None:
    base = f"/api/v1/clients/{world.a_client}"
    nxt = api.get(f"{base}/next", headers=headers_client).json()
    s = nxt["session"]
    prescribed = {p["exercise_id"] for p in s["prescriptions"]}
    other = next(e for e in exercise_library() if e.id not in prescribed)
    p0 = s["prescriptions"][0]
    sets = [
        {"exercise_id": p0["exercise_id"], "set_index": 1, "reps": p0["reps"],
         "hold_s": p0["hold_s"], "rpe": 5, "pain_during": 1},
        {"exercise_id": other.id, "set_index": 1, "reps": 8, "rpe": 5, "pain_during": 1},
    ]  # fmt: skip
    log = {"date": nxt["session_date"], "week": s["week"], "index": s["index"], "sets": sets}
    logs_before = api.get(f"{base}/sessions", headers=headers_client).json()
    r = api.post(f"{base}/sessions", headers=headers_client, json=log)
    assert r.status_code == 422
    assert r.json()["detail"] == (
        f"sets[1].exercise_id: {other.name} ({other.id}) is not prescribed in session "
        f"{s['week']}.{s['index']}"
    )
    assert api.get(f"{base}/sessions", headers=headers_client).json() == logs_before
    again = api.get(f"{base}/next", headers=headers_client).json()
    assert again["program_version"] == nxt["program_version"]
    assert (again["session"]["week"], again["session"]["index"]) == (s["week"], s["index"])
