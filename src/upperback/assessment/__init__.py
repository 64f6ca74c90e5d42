"""Assessment: score the battery, compare with norms and change thresholds, build the
deficit profile (pure; all figures come from knowledge/data/tests.yaml)."""
