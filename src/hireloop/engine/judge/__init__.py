"""Judging answers: claims credited, misconceptions found, and the verdict they add up to.

``verdict`` is the contract every judge returns (the built-in matcher and a language
model's checked reply alike); ``match`` reads claims out of an answer's clauses;
``score`` turns outcomes into a verdict; ``builtin`` is the offline judge.
"""
