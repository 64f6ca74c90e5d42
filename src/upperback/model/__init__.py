"""Typed values shared by every step of the method (pydantic v2, validated at boundaries)."""
