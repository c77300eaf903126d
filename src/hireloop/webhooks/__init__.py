"""Signed webhooks: admins register endpoints; domain events reach them through the outbox."""
