"""Curated clinical knowledge: validated data files and their loaders.

The only place clinical facts live; every figure carries its source and evidence tag
([V] checked, [K] recalled, [U] uncertain) as in DOMAIN.md.
"""
