"""Preface: red-flag screening, the programming gate and client education (pure)."""
