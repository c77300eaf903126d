"""The candidate notice and candidates consent to it (issue 18)."""
