"""PDF files written byte by byte for the upload tests (no binary fixtures).

``pdf_file`` writes objects with a correct classic cross-reference table;
``pdf_file_packed`` packs objects into a compressed object stream (``/ObjStm``) found
through a cross-reference stream, as PDF 1.5+ writers do. Each object is given as its
full text, ``b"4 0 obj << … >> endobj"``.
"""

from __future__ import annotations

import re
import zlib

# The catalog's page tree: one empty A4 page (objects 2 and 3).
PAGES = (
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj",
)

_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
_NUMBER = re.compile(rb"\s*(\d+) (\d+) obj")


def catalog(extra: bytes = b"") -> bytes:
    """Object 1, the catalog, with ``extra`` entries."""
    return b"1 0 obj << /Type /Catalog /Pages 2 0 R " + extra + b" >> endobj"


def pdf_file(*objects: bytes, trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A PDF of ``objects`` (catalog and pages by default) with an exact xref table."""
    objects = objects or (catalog(), *PAGES)
    out = bytearray(_HEADER)
    offsets: dict[int, int] = {}
    for text in objects:
        match = _NUMBER.match(text)
        offsets[int(match.group(1))] = len(out) + match.start(1)
        out += text + b"\n"
    size = max(offsets) + 1
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 00000 f \n"
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, start)
    return bytes(out)


def pdf_file_packed(packed: dict[int, bytes], *plain: bytes, root: int = 1) -> bytes:
    """``packed`` (number → object body, without ``obj``) inside one Flate object stream.

    ``plain`` objects are written as usual; a cross-reference stream lists them all.
    """
    header, body = b"", b""
    for number, text in packed.items():
        header += b"%d %d " % (number, len(body))
        body += text + b"\n"
    content = zlib.compress(header + body)
    stream_number = max([*packed, *(int(_NUMBER.match(t).group(1)) for t in plain)]) + 1
    xref_number = stream_number + 1
    out = bytearray(_HEADER)
    offsets: dict[int, int] = {}
    for text in plain:
        offsets[int(_NUMBER.match(text).group(1))] = len(out)
        out += text + b"\n"
    offsets[stream_number] = len(out)
    out += (
        b"%d 0 obj << /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
        b"stream\n" % (stream_number, len(packed), len(header), len(content))
    )
    out += content + b"\nendstream\nendobj\n"
    offsets[xref_number] = len(out)
    size = xref_number + 1
    rows = b""
    indexes = {number: index for index, number in enumerate(packed)}
    for number in range(size):
        if number in indexes:
            rows += (
                bytes([2]) + stream_number.to_bytes(4, "big") + indexes[number].to_bytes(2, "big")
            )
        elif number in offsets:
            rows += bytes([1]) + offsets[number].to_bytes(4, "big") + bytes(2)
        else:
            rows += bytes([0]) + bytes(4) + b"\xff\xff"
    out += b"%d 0 obj << /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Length %d >>\nstream\n" % (
        xref_number,
        size,
        root,
        len(rows),
    )
    out += rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)
