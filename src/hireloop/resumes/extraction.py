"""What kind of file an upload is, and its text.

The declared type (the part's Content-Type, or the file name's extension when the client
sent a generic type) must be one we accept, and the bytes must really be that kind of
file; otherwise the upload is refused (415). Extraction is synchronous and CPU-bound:
callers run it in a worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import io
import logging
import zipfile
from enum import StrEnum
from pathlib import PurePosixPath

from hireloop.errors import DomainError, InvalidInput

MAX_TEXT_CHARS = 100_000
MAX_PDF_PAGES = 50
# A DOCX is a zip; refuse archives that inflate far beyond any real resume (zip bombs).
MAX_DOCX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
ACCEPTED = "upload a PDF, DOCX or plain-text file"


# pypdf logs a warning for every quirk of real-world PDFs; they are not our errors.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class UnsupportedMediaType(DomainError):
    status_code = 415


class FileKind(StrEnum):
    pdf = "pdf"
    docx = "docx"
    text = "text"


CONTENT_TYPES: dict[FileKind, str] = {
    FileKind.pdf: "application/pdf",
    FileKind.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.text: "text/plain",
}
_KIND_BY_TYPE: dict[str, FileKind] = {
    **{value: kind for kind, value in CONTENT_TYPES.items()},
    "application/x-pdf": FileKind.pdf,
    "text/markdown": FileKind.text,
}
_KIND_BY_EXTENSION: dict[str, FileKind] = {
    ".pdf": FileKind.pdf,
    ".docx": FileKind.docx,
    ".txt": FileKind.text,
    ".md": FileKind.text,
    ".text": FileKind.text,
}
# Clients that do not know the type send one of these; the extension decides then.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


def declared_kind(content_type: str | None, file_name: str) -> FileKind:
    """The kind the client says the file is; 415 for anything we do not accept."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in _KIND_BY_TYPE:
        return _KIND_BY_TYPE[media_type]
    extension = PurePosixPath(file_name.lower()).suffix
    if media_type in _GENERIC_TYPES and extension in _KIND_BY_EXTENSION:
        return _KIND_BY_EXTENSION[extension]
    shown = media_type or "no type"
    raise UnsupportedMediaType(f"Unsupported resume file type ({shown}); {ACCEPTED}")


def extract_text(kind: FileKind, data: bytes) -> str:
    """The file's text, checked against its declared kind.

    Raises:
        UnsupportedMediaType: the bytes are not a file of that kind (e.g. a renamed program).
        InvalidInput: the file is of that kind but unreadable or has no text in it.
    """
    if kind is FileKind.pdf:
        text = _pdf_text(data)
    elif kind is FileKind.docx:
        text = _docx_text(data)
    else:
        text = _plain_text(data)
    text = _clean(text)
    if not text.strip():
        if kind is FileKind.pdf:
            raise InvalidInput(
                "The PDF has no extractable text (it may be a scanned image); upload a PDF "
                "with selectable text, a DOCX or a plain-text file"
            )
        raise InvalidInput("The file contains no text")
    return text


def _mismatch(kind: FileKind) -> UnsupportedMediaType:
    label = {FileKind.pdf: "a PDF", FileKind.docx: "a DOCX document", FileKind.text: "text"}
    return UnsupportedMediaType(
        f"The file's content is not {label[kind]} as its type says; {ACCEPTED}"
    )


def _pdf_text(data: bytes) -> str:
    # The header may follow a little junk (the PDF spec tolerates up to 1 KB before it).
    if b"%PDF-" not in data[:1024]:
        raise _mismatch(FileKind.pdf)
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput("The PDF is password-protected; upload an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise InvalidInput("The PDF could not be read; it may be damaged") from exc
    except NotImplementedError as exc:  # e.g. an encryption scheme pypdf cannot open
        raise InvalidInput("The PDF uses features that cannot be read") from exc
    return "\n".join(pages)


def _docx_text(data: bytes) -> str:
    if not data.startswith(b"PK\x03\x04"):
        raise _mismatch(FileKind.docx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _mismatch(FileKind.docx) from exc
    if "word/document.xml" not in names:
        raise _mismatch(FileKind.docx)  # some other zip (an .xlsx, a .jar, ...)
    if inflated > MAX_DOCX_UNCOMPRESSED_BYTES:
        raise InvalidInput("The DOCX document is too large once unpacked")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    # Broad on purpose: damaged packages surface as many types (lxml's XMLSyntaxError,
    # KeyError for a missing part, ...), and every one of them means the same to the user.
    except Exception as exc:
        raise InvalidInput("The DOCX document could not be read; it may be damaged") from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("  ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _plain_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # older editors on Windows save resumes in this code page
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _mismatch(FileKind.text) from exc
    # Programs and other binary files are full of control characters; text has almost none.
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise _mismatch(FileKind.text)
    return text


def _clean(text: str) -> str:
    """Text any database column can hold: no NULs or lone surrogates, bounded length."""
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_TEXT_CHARS]
