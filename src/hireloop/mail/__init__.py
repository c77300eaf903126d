"""Email: templates, the SMTP transport, and the messages Hireloop sends through the outbox."""
