"""Reading an answer: tokens with lemmas, clauses, negation, and quality checks.

Everything here is offline and deterministic, and shared by every judge (the built-in
claim matcher and the checks applied to a language model's verdicts).
"""
