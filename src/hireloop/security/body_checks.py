"""What the request guard checks in a request before any route reads it.

- the ``Content-Type``: one header, of a type the route takes (the API takes JSON and
  multipart uploads; the server-rendered pages also take URL-encoded forms), and multipart
  only in UTF-8 (the app would decode its fields with any other charset) → 400 / 415;
- text no database column can hold (``text.text_problem``) → 422, the same for every field
  of every route: in JSON bodies (keys and values, in any encoding JSON allows), URL-encoded
  forms, multipart text fields and query strings; and JSON nested deeper than
  ``MAX_JSON_DEPTH``.

Each check raises ``refusals.Refused``; what passes is left exactly as sent. Malformed
bodies are left to the app, which answers them with its usual errors.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header

from hireloop.security import API_PATH_PREFIX
from hireloop.security.refusals import Refused
from hireloop.security.text import text_problem

MAX_JSON_DEPTH = 32
JSON = "application/json"
MULTIPART = "multipart/form-data"
FORM = "application/x-www-form-urlencoded"


def media_type_of(headers: dict[bytes, bytes]) -> str:
    """The request's media type, lower case, without parameters ("" when none)."""
    value = headers.get(b"content-type", b"").decode("latin-1")
    return value.split(";", 1)[0].strip().lower()


def single_content_type(raw_headers: list[tuple[bytes, bytes]]) -> None:
    """Two Content-Type headers would let the guard and the app read different ones."""
    if sum(1 for name, _ in raw_headers if name.lower() == b"content-type") > 1:
        raise Refused(400, "Send one Content-Type header, not several")


def check_content(path: str, media_type: str, body: bytes) -> None:
    """A type the route at ``path`` takes, and storable text in a JSON or form body."""
    allowed = [JSON, MULTIPART] if path.startswith(API_PATH_PREFIX) else [JSON, MULTIPART, FORM]
    if not media_type:
        raise Refused(415, "A request body needs a Content-Type header")
    if _is_json(media_type):
        _check_json(body)
    elif media_type not in allowed:
        raise Refused(
            415, f"Unsupported Content-Type '{media_type}'; expected {' or '.join(allowed)}"
        )
    elif media_type == FORM:
        check_pairs(body.decode("latin-1"), "body")


def _is_json(media_type: str) -> bool:
    return media_type == JSON or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _walk_json(document: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string (keys included) with its location; iterative, bounded in depth."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [(("body",), document)]
    while stack:
        loc, value = stack.pop()
        if len(loc) > MAX_JSON_DEPTH + 1:
            raise Refused(422, f"JSON is nested more than {MAX_JSON_DEPTH} levels deep", loc[:1])
        if isinstance(value, str):
            yield loc, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield (*loc, key), key
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, index), item) for index, item in enumerate(value))


def _check_json(body: bytes) -> None:
    # Decoded exactly as the app will decode it (json.loads on bytes: a UTF-8 byte-order
    # mark, UTF-16 and UTF-32 are all accepted there), so both see the same document.
    encoding = json.detect_encoding(body)
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        raise Refused(422, "Request body is not valid UTF-8", ("body",)) from None
    try:
        document = json.loads(text)
    except RecursionError:
        raise Refused(422, f"JSON is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError:
        return  # malformed JSON: FastAPI answers with its usual 422 and position
    for loc, value in _walk_json(document):
        problem = text_problem(value)
        if problem:
            raise Refused(422, problem, loc)


def check_pairs(raw: str, where: str) -> None:
    """Storable text in every key and value of a query string or URL-encoded form."""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(422, f"{where} is not valid UTF-8", (where,)) from None
    for key, value in pairs:
        for text in (key, value):
            problem = text_problem(text)
            if problem:
                raise Refused(422, problem, (where, key))


def check_multipart(body: bytes, content_type: bytes) -> None:
    """The text fields of a multipart form (not its files): the same rules as any text."""
    # Read the header exactly as Starlette does, so both see the same boundary and charset.
    _, params = parse_options_header(content_type)
    charset = params.get(b"charset")
    if charset is not None and _codec_name(charset) != "utf-8":
        # Starlette would decode every field with it: in UTF-7, "+AAA-" is a NUL.
        raise Refused(415, "multipart/form-data must be UTF-8 (leave out the charset)")
    boundary = params.get(b"boundary", b"").decode("latin-1")
    if not boundary:
        return  # the app answers a multipart body without a boundary with its own 400
    fields: list[tuple[str, bytes, bool]] = []  # (name, value, is a file)
    part: dict[str, Any] = {}

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, field=b"", value=b"", data=[])

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        name = part["field"].decode("latin-1").lower()
        part["headers"][name] = part["headers"].get(name, b"") + data[start:end]

    def on_header_end() -> None:
        part["field"] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part["data"].append(data[start:end])

    def on_part_end() -> None:
        disposition = part["headers"].get("content-disposition", b"").decode("latin-1")
        name = next(
            (
                p.split("=", 1)[1].strip().strip('"')
                for p in disposition.split(";")
                if p.strip().lower().startswith("name=")
            ),
            "field",
        )
        fields.append((name, b"".join(part["data"]), "filename" in disposition.lower()))

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except Exception:
        return
    for name, value, is_file in fields:
        if is_file:
            continue  # files are checked by what reads them (resume text extraction)
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(422, "text must be valid UTF-8", ("body", name)) from None
        problem = text_problem(text)
        if problem:
            raise Refused(422, problem, ("body", name))


def _codec_name(charset: bytes) -> str | None:
    try:
        return codecs.lookup(charset.decode("latin-1")).name
    except LookupError:
        return None
