"""The rule table a clinician reads: id, what fires it, what it does, where the numbers live."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    rule_id: str
    fires_when: str
    does: str
    rules_section: str  # loading_rules.yaml section holding its thresholds and source


RULE_TABLE: tuple[RuleInfo, ...] = (
    RuleInfo(
        "symptoms.red_flag_stop",
        "a new red-flag symptom is logged and screening refers",
        "stops the program (no later sessions), raises the referral",
        "DOMAIN 3",
    ),
    RuleInfo(
        "pain.flare_regress",
        "pain during a set > max(pain.during_max 5/10, session start or usual pain + pain.during_tolerance 2.1 = NPRS MDC)",
        "regresses the painful exercise (ladder rung down, else -25 % volume and one load step), never below the minimum effective dose; after pain.alert_after_flares flares in pain.alert_window sessions, or at the minimum effective dose, holds and raises a clinician alert (alert.flares_persist; alert.min_dose_floor after alerts.floor_flares_to_alert painful sessions at that dose), one open alert per cause and exercise for alerts.quiet_days (a repeat is held as alert.still_open)",
        "pain",
    ),
    RuleInfo(
        "pain.morning_not_settled",
        "next-morning pain > baseline + pain.morning_tolerance (2.1 = NPRS MDC)",
        "next session volume -pain.volume_reduction; no progression",
        "pain",
    ),
    RuleInfo(
        "pain.weekly_trend",
        "last session of a week; mean morning pain rose >= pain.weekly_trend_rise",
        "next week made lighter (deload dosing); no progression",
        "pain",
    ),
    RuleInfo(
        "readiness.low_fatigue_high",
        "readiness <= 3 or fatigue >= 7 (0-10)",
        "no progression; next session one set fewer",
        "readiness",
    ),
    RuleInfo(
        "adherence.reentry_after_gap",
        ">= adherence.gap_days since the last completed session",
        "next week's sessions -20 % volume (-35 % after >= long_gap_days); no progression",
        "adherence",
    ),
    RuleInfo(
        "load.acwr_guardrail",
        "EWMA acute:chronic workload > acwr.max_ratio after acwr.min_days",
        "holds progression (soft guardrail only)",
        "acwr",
    ),
    RuleInfo(
        "pain.after_flare_hold",
        "the previous session was a pain flare",
        "holds the dose for pain.hold_sessions_after_flare clean session(s)",
        "pain",
    ),
    RuleInfo(
        "technique.lost_control_regress",
        "scapular control lost in >= technique.lost_fraction of sets",
        "regresses the exercise",
        "technique",
    ),
    RuleInfo(
        "emg.ut_compensation",
        "sEMG UT/target ratio > emg.cue_ratio in LT/MT/SA work (> regress_ratio)",
        "adds the scapular-depression cue and holds load (regresses above class C)",
        "emg",
    ),
    RuleInfo(
        "effort.reduce_load",
        "RPE >= target + effort.reduce_margin and the set was hard (RPE >= effort.hard_min_rpe, RIR <= 3, or reps missed)",
        "load -5 %/RPE point (2-10 %), -1 band level or -2 reps",
        "effort",
    ),
    RuleInfo(
        "effort.progress_reps",
        "easy against the target, in every phase: every set complete, RPE <= target - effort.progress_margin (RIR >= 10 - target + margin: 4 in reserve is easy at target RPE 7, on target at 4-6); pain <= 2 or no rise over the start; motor-control phase: next rung first",
        "+2 reps (or +3 s hold) up to the range top; graded exposure: one exercise per session, the first by priority",
        "effort",
    ),
    RuleInfo(
        "effort.progress_load",
        "as progress_reps, and target reps exceeded by >= 1 or at range top",
        "load +5 %/RPE point (2-10 %), +1 level, or the next ladder rung for bodyweight",
        "effort",
    ),
    RuleInfo(
        "ccf.criterion",
        "a pressure-cuff drill logged with every prescribed hold (10 x 10 s) at its stage and pain <= max(2, start)",
        "next stage +phase_progression.pressure_step_mmhg (2 mmHg, 22 -> 30), then the next pressure drill; effort (RPE) never moves it",
        "phase_progression",
    ),
    RuleInfo(
        "load.weekly_cap",
        "a later week would grow an exercise's load index > weekly_cap.max_increase",
        "cuts reps/sets of that week to the cap",
        "weekly_cap",
    ),
    RuleInfo(
        "reassessment.replan",
        "replan() after a reassessment",
        "regenerates the untrained weeks",
        "phases",
    ),
    RuleInfo(
        "override.clinician", "a clinician override", "applied and never undone by the engine", "-"
    ),
)
