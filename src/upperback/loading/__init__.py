"""Intentional loading: from a deficit profile and intake constraints to a phased program.

Public API:
    generate_program   profile + intake -> Program (deterministic for a seed)
    load_index         volume-load index of one prescription
    cap_violations     weeks where an exercise grew faster than the weekly cap
    enforce_weekly_cap cut future sessions to respect the cap
"""

from upperback.loading.generator import generate_program, mode_lookup, modes_of
from upperback.loading.load import cap_violations, enforce_weekly_cap, load_index

__all__ = [
    "cap_violations",
    "enforce_weekly_cap",
    "generate_program",
    "load_index",
    "mode_lookup",
    "modes_of",
]
