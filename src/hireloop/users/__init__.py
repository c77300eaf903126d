"""Admin user management: list users, change their role, status or name."""
