"""Generated attachments for the conversations: text files, real PNG images (a chart or a
"screenshot") and small valid PDFs (invoices, credit notes)."""

from __future__ import annotations

import random
import struct
import zlib
from textwrap import dedent

from ..views import NewAttachment


def tidy(text: str) -> str:
    """A script's indented triple-quoted text, dedented, without its first and last newline."""
    return dedent(text).strip("\n")


def text_file(name: str, text: str, content_type: str = "text/plain") -> NewAttachment:
    return NewAttachment(name, tidy(text).encode() + b"\n", content_type)


def png_file(name: str, width: int, height: int, seed: int, kind: str = "chart") -> NewAttachment:
    """A real PNG: a bar chart, or a browser window with a red warning band (a "screenshot")."""
    rng = random.Random(seed)
    rows = []
    if kind == "chart":
        bars = [rng.randint(height // 6, height - 8) for _ in range(width // 8)]
        for y in range(height):
            row = bytearray()
            for x in range(width):
                bar = bars[min(x // 8, len(bars) - 1)]
                if x % 8 == 0:
                    row += b"\xff\xff\xff"
                elif height - y <= bar:
                    peak = bar > height * 0.8
                    row += bytes((214, 69, 65) if peak else (66, 133, 244))
                else:
                    shade = 250 - (y % 16 == 0) * 20
                    row += bytes((shade, shade, shade))
            rows.append(b"\x00" + bytes(row))
    else:
        for y in range(height):
            row = bytearray()
            for x in range(width):
                if y < 14:
                    row += bytes((222, 225, 230))
                elif 30 <= y < 58:
                    row += bytes((200, 35, 51))
                elif 70 <= y and (y // 6) % 2 == 0 and 16 <= x < 16 + rng.randint(width // 3, width - 32):
                    row += bytes((90, 90, 90))
                else:
                    row += b"\xff\xff\xff"
            rows.append(b"\x00" + bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    data = (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Software\x00demo screenshot")
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + chunk(b"IEND", b""))
    return NewAttachment(name, data, "image/png")


def pdf_file(name: str, lines: list[str]) -> NewAttachment:
    """A small, valid one-page PDF (Helvetica text lines): an invoice or a credit note."""
    def esc(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 11 Tf 56 790 Td 15 TL\n" + "".join(f"({esc(x)}) Tj T*\n" for x in lines) + "ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return NewAttachment(name, out.encode("latin-1"), "application/pdf")
