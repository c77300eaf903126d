"""Candidates' data rights (issue 18): export, erasure and the retention purge."""
