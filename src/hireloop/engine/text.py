"""Text normalisation shared by role mapping and skill lookup."""

from __future__ import annotations

import re
import unicodedata

# ".NET" on its own (not the dot inside "ASP.NET") is spoken "dot net".
_LEADING_DOT_NET = re.compile(r"(?<![^\W_])\.\s*net\b")


def normalize_term(text: str) -> str:
    """Reduce a role or skill name to a lookup key.

    Case, spacing and punctuation are ignored, except that ``#`` and ``+`` carry
    meaning ("C#" is not "C", "C++" is not "C") and a leading dot in ".NET" reads as
    "dot". Examples: "Node.JS" and " node js " -> "nodejs"; "C#" -> "csharp";
    "C++" -> "cplusplus"; ".NET" and "dot net" -> "dotnet"; "CI/CD" -> "cicd".
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _LEADING_DOT_NET.sub("dotnet", folded)
    folded = folded.replace("#", "sharp").replace("+", "plus")
    return "".join(char for char in folded if char.isalnum())
