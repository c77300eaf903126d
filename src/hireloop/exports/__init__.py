"""Recruiter exports: a posting's applicants as CSV, one applicant's results to print."""
