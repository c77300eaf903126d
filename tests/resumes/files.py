"""Real, small resume files generated for tests: PDF (built by hand), DOCX (python-docx)."""

from __future__ import annotations

import io

import docx

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"

RESUME_LINES = [
    "Grace Hopper",
    "Senior Backend Engineer",
    "Backend engineer with 7 years of experience building payment systems.",
    "Senior Backend Engineer at Acme Payments, Jan 2021 - Present",
    "- Built a real-time billing API with FastAPI and PostgreSQL serving 2M requests a day.",
    "- Moved our deployments to Docker, cutting release time from hours to minutes.",
    "Software Developer, Initech, 2017 - 2020",
    "- Maintained Django services and wrote the REST API for the mobile app.",
    "Skills: Python, PostgreSQL, Docker, Django, Git",
]


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(lines: list[str] | None) -> bytes:
    """A one-page PDF showing ``lines`` in Helvetica; ``None`` makes a page with no text."""
    if lines:
        shown = " T* ".join(f"({_pdf_escape(line)}) Tj" for line in lines)
        content = f"BT /F1 10 Tf 14 TL 50 760 Td {shown} ET".encode("latin-1")
    else:
        content = b"0 0 1 rg 100 100 200 200 re f"  # a blue square and nothing else
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_text(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


# The start of a Linux executable (ELF header) followed by code-like bytes.
FAKE_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 64
