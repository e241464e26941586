"""Scoring domain: rubrics, campaigns, the application lifecycle and delisting rules (pure)."""
