"""Offline analysis of a whole recording: plan, front end, activations, per-channel results,
ratios and onset delays, fatigue, quality."""
