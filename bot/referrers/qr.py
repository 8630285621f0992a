"""QR codes of referrers' links: a PNG to print or send, and its matrix read back from pixels.

`png` draws with segno; `read_matrix` decodes a PNG with the standard library only (zlib,
struct) and samples one pixel per module, so that a test can compare what was drawn with
what segno encodes for the link.
"""

from __future__ import annotations

import io
import struct
import zlib

import segno

ERROR_LEVEL = "m"  # medium: a printed flyer survives a fold or a stain (segno may raise it)
SCALE = 10  # pixels per module: sharp on a phone, prints at a few centimetres
BORDER = 4  # the quiet zone the QR standard asks for


def make(data: str) -> segno.QRCode:
    return segno.make_qr(data, error=ERROR_LEVEL)


def png(data: str, *, scale: int = SCALE, border: int = BORDER) -> bytes:
    """The QR code of `data` as PNG bytes."""
    buffer = io.BytesIO()
    make(data).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def matrix(data: str) -> list[list[bool]]:
    """The modules segno encodes for `data` (True: dark), without the quiet zone."""
    return [[bool(module) for module in row] for row in make(data).matrix]


def read_matrix(image: bytes) -> list[list[bool]]:
    """The modules of a QR code PNG (True: dark), found from its top-left finder pattern."""
    pixels = _dark_pixels(image)
    rows = [y for y, row in enumerate(pixels) if any(row)]
    if not rows:
        raise ValueError("no dark pixel: not a QR code")
    top, bottom = rows[0], rows[-1]
    left = min(row.index(True) for row in pixels if any(row))
    right = max(len(row) - 1 - row[::-1].index(True) for row in pixels if any(row))
    # The finder pattern's top edge is 7 dark modules in a row.
    run = 0
    while left + run <= right and pixels[top][left + run]:
        run += 1
    if run % 7:
        raise ValueError("the finder pattern is not 7 modules wide")
    scale = run // 7
    size = (right - left + 1) // scale
    if size * scale != right - left + 1 or (bottom - top + 1) != size * scale:
        raise ValueError("the code is not a square of whole modules")
    half = scale // 2
    return [
        [pixels[top + y * scale + half][left + x * scale + half] for x in range(size)]
        for y in range(size)
    ]


def _chunks(image: bytes) -> list[tuple[bytes, bytes]]:
    if image[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    chunks, position = [], 8
    while position < len(image):
        (length,) = struct.unpack(">I", image[position : position + 4])
        kind = image[position + 4 : position + 8]
        chunks.append((kind, image[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def _dark_pixels(image: bytes) -> list[list[bool]]:
    """Each pixel of a non-interlaced PNG, True when darker than mid-grey."""
    chunks = _chunks(image)
    header = next(data for kind, data in chunks if kind == b"IHDR")
    width, height, depth, color, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", header
    )
    if interlace:
        raise ValueError("interlaced PNG files are not read")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    palette = next((data for kind, data in chunks if kind == b"PLTE"), b"")
    raw = zlib.decompress(b"".join(data for kind, data in chunks if kind == b"IDAT"))
    stride = (width * channels * depth + 7) // 8
    step = max(1, channels * depth // 8)
    lines = _unfilter(raw, stride, step, height)
    maximum = (1 << depth) - 1
    result = []
    for line in lines:
        row = []
        for x in range(width):
            samples = [_sample(line, x * channels + c, depth) for c in range(channels)]
            if color == 3:
                r, g, b = palette[samples[0] * 3 : samples[0] * 3 + 3]
                level = (r + g + b) / 3 / 255
            elif color in (2, 6):
                level = sum(samples[:3]) / 3 / maximum
            else:
                level = samples[0] / maximum
            row.append(level < 0.5)
        result.append(row)
    return result


def _sample(line: bytes, index: int, depth: int) -> int:
    if depth == 8:
        return line[index]
    if depth == 16:
        return (line[index * 2] << 8) | line[index * 2 + 1]
    per_byte = 8 // depth
    byte = line[index // per_byte]
    shift = 8 - depth * (index % per_byte + 1)
    return (byte >> shift) & ((1 << depth) - 1)


def _unfilter(raw: bytes, stride: int, step: int, height: int) -> list[bytes]:
    """Undo PNG's per-line filters (none, sub, up, average, Paeth)."""
    lines: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - step] if i >= step else 0
            b = previous[i]
            c = previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + predictor) & 0xFF
        lines.append(bytes(line))
        previous = line
    return lines
