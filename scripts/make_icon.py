"""Renders resources/icons/app.svg into app.ico (16, 24, 32, 48, 256 px) and app.png (256 px).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icon.py

Qt (QtSvg, part of PySide6-Essentials) draws the SVG; the .ico is written here: 32-bit
BGRA bitmaps for the small sizes (every Windows version reads them) and PNG for 256 px.
Both outputs are committed; run this again after editing the SVG.
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 256)
PNG_SIZES = (16, 32, 48, 64, 128, 256)  # app-<n>.png for the window icon (QIcon picks the best)


def render(svg: Path, size: int):
    from PySide6.QtCore import QByteArray, QBuffer, QIODevice, Qt  # noqa: F401
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"Không đọc được {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    buf.close()
    return bytes(data)


def bmp_entry(image) -> bytes:
    """A DIB as stored inside an .ico: BITMAPINFOHEADER (height doubled), BGRA rows bottom-up, AND mask."""
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_ARGB32)  # memory order B, G, R, A (little endian)
    w, h = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, w, h * 2, 1, 32, 0, w * h * 4, 0, 0, 0, 0)
    raw = bytes(image.constBits())
    stride = image.bytesPerLine()
    rows = [raw[y * stride: y * stride + w * 4] for y in range(h)]
    pixels = b"".join(reversed(rows))
    mask_stride = ((w + 31) // 32) * 4
    mask = bytearray()
    for y in reversed(range(h)):
        line = bytearray(mask_stride)
        for x in range(w):
            if rows[y][x * 4 + 3] == 0:  # fully transparent → masked
                line[x // 8] |= 0x80 >> (x % 8)
        mask += line
    return header + pixels + bytes(mask)


def write_ico(path: Path, images: dict[int, object]) -> None:
    entries, blobs = [], []
    offset = 6 + 16 * len(images)
    for size, image in sorted(images.items()):
        blob = png_bytes(image) if size >= 256 else bmp_entry(image)
        dim = 0 if size >= 256 else size
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    path.write_bytes(struct.pack("<HHH", 0, 1, len(images)) + b"".join(entries) + b"".join(blobs))


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    svg = ICONS / "app.svg"
    images = {size: render(svg, size) for size in SIZES}
    write_ico(ICONS / "app.ico", images)
    render(svg, 256).save(str(ICONS / "app.png"), "PNG")
    for size in PNG_SIZES:
        render(svg, size).save(str(ICONS / f"app-{size}.png"), "PNG")
    print(f"Đã tạo {ICONS / 'app.ico'} ({', '.join(map(str, SIZES))} px), app.png và app-<cỡ>.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
