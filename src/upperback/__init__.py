"""upperback: precision training of upper-back resilience.

The package follows the method's four steps (preface, assessment, loading, feedback)
with sEMG guidance, outcomes and adapters (store, web, cli, report) around them.
"""

__version__ = "0.1.0"
