"""Recruiters invite candidates to a job by email, with a signed single-use link."""
