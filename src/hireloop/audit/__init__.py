"""The audit log: append-only entries for what recruiters and admins do (issue 18)."""
