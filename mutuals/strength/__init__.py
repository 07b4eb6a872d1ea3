"""The one relationship-strength model (docs/design.md §5, issue 15): pure Python + NumPy, no
Django. `model` scores ties from a ledger of interactions, calibrates itself on a network's own
history, assigns tiers among relationships and states by cadence. The platform's ties
(`engagement.ties`) and the LinkedIn audit (`imports.strength`) both call it.
"""
