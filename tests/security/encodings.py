"""Every way a client can wrap text in a request body, each carrying a NUL: what the
encoding fuzz (test_encoding_fuzz.py) sends to every JSON and form route.

A ``Sent`` is one request body with its headers. ``must_refuse`` says whether the NUL
sits where the app reads text (then the request must be refused, 4xx) or in a part the
app ignores or checks itself (a text field sent as a file: the route sees no such field).
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_plus, urlencode

NUL = "\x00"
BOUNDARY = "fuzzBoundary7MA4YWxk"
Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Sent:
    variant: str
    headers: Headers
    body: bytes
    must_refuse: bool = True


@dataclass(frozen=True)
class Part:
    name: str
    value: bytes
    filename: str | None = None
    content_type: str | None = None


def with_nul(value: str) -> str:
    """The value with a NUL inside it (empty values become one)."""
    return f"{value[:1]}{NUL}{value[1:]}" if value else f"a{NUL}b"


def json_bodies(document: Any) -> list[Sent]:
    """``document`` (holding a NUL somewhere) in every encoding Python's JSON reader takes,
    under every media type the app reads as JSON, and with a second Content-Type."""
    escaped = json.dumps(document)  # the NUL as its \\u0000 escape
    raw = json.dumps(document, ensure_ascii=False)  # a raw NUL character (not valid JSON)
    plain: Headers = [("content-type", "application/json")]
    sent = [
        Sent("json \\u0000", plain, escaped.encode()),
        Sent("json raw NUL", plain, raw.encode()),
        Sent("json utf-8 BOM", plain, codecs.BOM_UTF8 + escaped.encode()),
        Sent("json utf-16 BOM", plain, escaped.encode("utf-16")),
        Sent("json utf-32 BOM", plain, escaped.encode("utf-32")),
    ]
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        sent.append(Sent(f"json {encoding}", plain, escaped.encode(encoding)))
    sent += [
        Sent(
            "json charset=utf-16",
            [("content-type", "application/json; charset=utf-16")],
            escaped.encode("utf-16-le"),
        ),
        Sent("json +json type", [("content-type", "application/problem+json")], escaped.encode()),
    ]
    for first, second in (
        ("application/json", f"multipart/form-data; boundary={BOUNDARY}"),
        (f"multipart/form-data; boundary={BOUNDARY}", "application/json"),
    ):
        sent.append(
            Sent(
                f"two content types ({first.split(';')[0]} first)",
                [("content-type", first), ("content-type", second)],
                escaped.encode(),
            )
        )
    return sent


def form_bodies(fields: list[tuple[str, str]], target: str) -> list[Sent]:
    """A form whose ``target`` field holds a NUL, URL-encoded and as multipart, in the
    encodings and charsets a client can declare."""
    nul_fields = [(name, with_nul(value) if name == target else value) for name, value in fields]
    encoded = urlencode(nul_fields)
    raw = "&".join(f"{quote_plus(k)}={quote_plus(v, safe=NUL)}" for k, v in nul_fields)
    form: Headers = [("content-type", "application/x-www-form-urlencoded")]
    parts = [Part(name, value.encode()) for name, value in nul_fields]
    utf7 = [
        Part(name, value.encode("utf-7") if name == target else value.encode())
        for name, value in nul_fields
    ]
    utf16_part = [
        Part(name, value.encode("utf-16-le"), content_type="text/plain; charset=utf-16")
        if name == target
        else Part(name, value.encode())
        for name, value in nul_fields
    ]
    as_file = [
        Part(name, value.encode(), filename="field.txt", content_type="text/plain")
        if name == target
        else Part(name, value.encode())
        for name, value in nul_fields
    ]
    return [
        Sent("form %00", form, encoded.encode()),
        Sent("form raw NUL", form, raw.encode()),
        Sent("form utf-8 BOM", form, codecs.BOM_UTF8 + encoded.encode()),
        Sent("form utf-16-le", form, encoded.encode("utf-16-le")),
        Sent(
            "form charset=utf-16",
            [("content-type", "application/x-www-form-urlencoded; charset=utf-16")],
            encoded.encode("utf-16-le"),
        ),
        multipart("multipart raw NUL", parts),
        multipart("multipart charset=utf-7 (+AAA- is a NUL)", utf7, charset="utf-7"),
        multipart("multipart part in utf-16", utf16_part),
        Sent(
            "two content types (form first)",
            [
                ("content-type", "application/x-www-form-urlencoded"),
                ("content-type", f"multipart/form-data; boundary={BOUNDARY}"),
            ],
            encoded.encode(),
        ),
        multipart("multipart, the field sent as a file", as_file, must_refuse=False),
    ]


def file_bodies(fields: list[tuple[str, str]], file_field: str, content: bytes) -> list[Sent]:
    """An upload form whose file carries a NUL in its name or its content: the guard leaves
    files to what reads them, which must not store the NUL either."""
    text = [Part(name, value.encode()) for name, value in fields if name != file_field]
    return [
        multipart(
            "file name with NUL",
            [*text, Part(file_field, content, filename=f"cv{NUL}.txt", content_type="text/plain")],
            must_refuse=False,
        ),
        multipart(
            "file name with %00",
            [*text, Part(file_field, content, filename="cv%00.txt", content_type="text/plain")],
            must_refuse=False,
        ),
        multipart(
            "file content with NUL",
            [*text, Part(file_field, content + NUL.encode() + content, "cv.txt", "text/plain")],
            must_refuse=False,
        ),
    ]


def multipart(
    variant: str, parts: list[Part], *, charset: str | None = None, must_refuse: bool = True
) -> Sent:
    body = b""
    for part in parts:
        disposition = f'form-data; name="{part.name}"'
        if part.filename is not None:
            disposition += f'; filename="{part.filename}"'
        headers = f"Content-Disposition: {disposition}\r\n"
        if part.content_type:
            headers += f"Content-Type: {part.content_type}\r\n"
        body += f"--{BOUNDARY}\r\n{headers}\r\n".encode() + part.value + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    if charset:
        content_type += f"; charset={charset}"
    return Sent(variant, [("content-type", content_type)], body, must_refuse)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]]  # text fields (inputs, textareas, selects, named buttons)
    files: list[str]  # file inputs


class FormReader(HTMLParser):
    """The forms of a page, with the values a browser would submit by default."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(
                action=attr.get("action", ""),
                method=attr.get("method", "get").lower(),
                enctype=attr.get("enctype", "application/x-www-form-urlencoded"),
                fields=[],
                files=[],
            )
            self.forms.append(self._form)
            return
        if tag == "option":
            if self._select and (self._select_value is None or "selected" in attr):
                self._select_value = attr.get("value", "")
            return
        form, name = self._form, attr.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = attr.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind not in ("checkbox", "radio", "submit", "image", "reset") or "checked" in attr:
                form.fields.append((name, attr.get("value", "")))
        elif tag == "button" and name not in dict(form.fields):
            form.fields.append((name, attr.get("value", "")))
        elif tag == "textarea":
            self._textarea = name
            form.fields.append((name, ""))
        elif tag == "select":
            self._select, self._select_value = name, None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._form is not None and self._select:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None


def forms_of(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def stored_nul(value: Any) -> bool:
    """Whether a stored value (text, or JSON decoded to dicts and lists) holds a NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(stored_nul(key) or stored_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(stored_nul(item) for item in value)
    return False
