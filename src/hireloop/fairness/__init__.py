"""Voluntary self-identification and the adverse-impact (bias) report.

What a candidate says about their sex and race/ethnicity is kept in its own table, read
only by the report (aggregates, for admins). Nothing here is imported by the interview
engine, the applicant pages or the results: a test keeps it that way.
"""
