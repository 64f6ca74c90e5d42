"""Signals with known truth for tests, benchmarks, simulations and demos; never imported by
the production path (readers, offline analysis, live, exposure)."""
