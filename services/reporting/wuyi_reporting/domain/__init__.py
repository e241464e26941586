"""Reporting domain: deadlines, counts, roll-ups, eligibility and completeness rules. Pure."""
