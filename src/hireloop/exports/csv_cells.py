"""CSV cells a spreadsheet will not run: text that would start a formula is neutralised.

Spreadsheets treat a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return can hide one), so such text gets a leading apostrophe,
which spreadsheets show as plain text (OWASP's CSV-injection advice). Numbers are written
as numbers and never changed.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    # Leading spaces do not stop some spreadsheets from reading a formula behind them.
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text
