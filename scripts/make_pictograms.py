"""Draw the kiosk's pictograms from assets/pictograms/source.toml into SVG and PNG.

    .venv/bin/python scripts/make_pictograms.py

Each pictogram is white on transparent: the kiosk tints it to the colour of the words
beside it (white on blue, black on yellow in the contrast mode). The PNG is drawn four
times larger and scaled down, for smooth edges.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

FOLDER = Path(__file__).resolve().parent.parent / "assets" / "pictograms"
GRID = 96  # the source's units
SIZE = 256  # the PNG's pixels
OVERSAMPLE = 4
WHITE = (255, 255, 255, 255)


def svg(shapes: list[dict[str, Any]]) -> str:
    parts = []
    for shape in shapes:
        width = shape.get("width", 6)
        paint = ('fill="#fff"' if shape.get("fill") else
                 f'fill="none" stroke="#fff" stroke-width="{width}" stroke-linecap="round" '
                 'stroke-linejoin="round"')
        kind, values = _kind(shape)
        if kind == "circle":
            cx, cy, r = values
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" {paint}/>')
        elif kind == "ellipse":
            cx, cy, rx, ry = values
            parts.append(f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" {paint}/>')
        elif kind == "rect":
            x, y, w, h, corner = values
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{corner}" '
                         f'{paint}/>')
        elif kind in ("line", "polygon"):
            points = " ".join(f"{x},{y}" for x, y in _pairs(values))
            tag = "polygon" if kind == "polygon" else "polyline"
            parts.append(f'<{tag} points="{points}" {paint}/>')
        elif kind == "arc":
            cx, cy, r, start, end = values
            (x1, y1), (x2, y2) = _on_circle(cx, cy, r, start), _on_circle(cx, cy, r, end)
            large = 1 if (end - start) % 360 > 180 else 0
            parts.append(f'<path d="M {x1:.2f} {y1:.2f} A {r} {r} 0 {large} 1 {x2:.2f} '
                         f'{y2:.2f}" {paint}/>')
    body = "\n  ".join(parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}" '
            f'width="{GRID}" height="{GRID}">\n  {body}\n</svg>\n')


def png(shapes: list[dict[str, Any]]) -> Image.Image:
    big = SIZE * OVERSAMPLE
    scale = big / GRID
    image = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return x * scale, y * scale

    for shape in shapes:
        width = round(shape.get("width", 6) * scale)
        fill = bool(shape.get("fill"))
        # Pillow strokes inside the outline, SVG on it: grow the outline by half a stroke
        grow = 0 if fill else shape.get("width", 6) / 2
        kind, values = _kind(shape)
        if kind in ("circle", "ellipse"):
            cx, cy, rx = values[:3]
            ry = values[3] if kind == "ellipse" else rx
            rx, ry = rx + grow, ry + grow
            box = [*at(cx - rx, cy - ry), *at(cx + rx, cy + ry)]
            draw.ellipse(box, fill=WHITE if fill else None, outline=None if fill else WHITE,
                         width=width)
        elif kind == "rect":
            x, y, w, h, corner = values
            draw.rounded_rectangle([*at(x - grow, y - grow), *at(x + w + grow, y + h + grow)],
                                   radius=(corner + grow) * scale,
                                   fill=WHITE if fill else None,
                                   outline=None if fill else WHITE, width=width)
        elif kind == "polygon":
            draw.polygon([at(x, y) for x, y in _pairs(values)], fill=WHITE)
        elif kind == "line":
            points = [at(x, y) for x, y in _pairs(values)]
            draw.line(points, fill=WHITE, width=width, joint="curve")
            _round_caps(draw, [points[0], points[-1]], width)
        elif kind == "arc":
            cx, cy, r, start, end = values
            draw.arc([*at(cx - r - grow, cy - r - grow), *at(cx + r + grow, cy + r + grow)],
                     start, end, fill=WHITE, width=width)
            ends = [at(*_on_circle(cx, cy, r, a)) for a in (start, end)]
            _round_caps(draw, ends, width)
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def _kind(shape: dict[str, Any]) -> tuple[str, list[float]]:
    kinds = [k for k in shape if k not in ("fill", "width")]
    if len(kinds) != 1:
        raise ValueError(f"a shape needs exactly one kind: {shape}")
    return kinds[0], shape[kinds[0]]


def _pairs(values: list[float]) -> list[tuple[float, float]]:
    return list(zip(values[::2], values[1::2], strict=True))


def _on_circle(cx: float, cy: float, r: float, degrees: float) -> tuple[float, float]:
    return cx + r * math.cos(math.radians(degrees)), cy + r * math.sin(math.radians(degrees))


def _round_caps(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]],
                width: int) -> None:
    for x, y in points:
        draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill=WHITE)


def main() -> int:
    source = tomllib.loads((FOLDER / "source.toml").read_text(encoding="utf-8"))
    for name, pictogram in source.items():
        (FOLDER / f"{name}.svg").write_text(svg(pictogram["shapes"]), encoding="utf-8")
        png(pictogram["shapes"]).save(FOLDER / f"{name}.png", optimize=True)
    print(f"{len(source)} pictograms in {FOLDER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
