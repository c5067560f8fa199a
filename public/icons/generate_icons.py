#!/usr/bin/env python3
"""Generate Vitrina's PNG app icons using nothing but the Python standard library.

Run from anywhere:

    python3 public/icons/generate_icons.py

The PNGs are written next to this script:

    icon-192.png          192x192  rounded square, transparent corners (manifest, purpose "any")
    icon-512.png          512x512  rounded square, transparent corners (manifest, purpose "any")
    maskable-512.png      512x512  full-bleed background, mark inside the 80 % safe zone
    apple-touch-icon.png  180x180  full-bleed, opaque (iOS rounds the corners itself)
    favicon-32.png        32x32    rounded square for browser tabs

The mark is a white shop awning (a band with four scallops) over a bold letter "V",
on the brand teal (#0f766e). It matches the hand-written icon.svg: both use the
geometry in MARK below, in units of the icon's side (0..1).

Shapes are rasterised with signed distance functions (SDFs): every pixel takes the
distance from its centre to the shape's edge, and a one-pixel ramp across the edge gives
anti-aliasing without supersampling. Output is deterministic, so regenerating the icons
produces byte-identical files unless the drawing changes.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent

BRAND = (0x0F, 0x76, 0x6E)  # teal-700, the theme colour everywhere
WHITE = (0xFF, 0xFF, 0xFF)

# --------------------------------------------------------------------------------------
# Geometry of the mark, in unit coordinates (0..1 of the icon's side, y pointing down).
# Keep in sync with icon.svg (which uses the same numbers multiplied by 512).
# --------------------------------------------------------------------------------------

#: Awning band: (left, top, right, bottom, corner radius). Only the top corners look
#: rounded: AWNING_BAND_BASE squares off the bottom ones where the scallops begin.
AWNING_BAND = (0.22, 0.20, 0.78, 0.34, 0.03)
AWNING_BAND_BASE = (0.22, 0.27, 0.78, 0.34, 0.0)
#: Awning scallops hanging under the band: (centre x, centre y, radius).
AWNING_SCALLOPS = [(0.29, 0.34, 0.07), (0.43, 0.34, 0.07), (0.57, 0.34, 0.07), (0.71, 0.34, 0.07)]
#: The letter "V" as one polygon (clockwise).
LETTER_V = [
    (0.25, 0.47),
    (0.375, 0.47),
    (0.50, 0.70),
    (0.625, 0.47),
    (0.75, 0.47),
    (0.56, 0.81),
    (0.44, 0.81),
]
#: Bounding box of the whole mark (computed from the shapes above; used for the safe zone check).
MARK_BOX = (0.22, 0.20, 0.78, 0.81)
#: Corner radius of the rounded-square background, as a fraction of the side.
CORNER = 0.22


# --------------------------------------------------------------------------------------
# Signed distance functions (negative inside, positive outside), in pixels.
# --------------------------------------------------------------------------------------

def sd_circle(px: float, py: float, cx: float, cy: float, r: float) -> float:
    return math.hypot(px - cx, py - cy) - r


def sd_round_rect(px: float, py: float, x0: float, y0: float, x1: float, y1: float, r: float) -> float:
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
    qx = abs(px - cx) - hw + r
    qy = abs(py - cy) - hh + r
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    inside = min(max(qx, qy), 0.0)
    return outside + inside - r


def sd_polygon(px: float, py: float, pts: list[tuple[float, float]]) -> float:
    """Exact distance to a simple polygon, signed by the even-odd rule (after I. Quilez)."""
    d = (px - pts[0][0]) ** 2 + (py - pts[0][1]) ** 2
    sign = 1.0
    j = len(pts) - 1
    for i in range(len(pts)):
        vix, viy = pts[i]
        vjx, vjy = pts[j]
        ex, ey = vjx - vix, vjy - viy
        wx, wy = px - vix, py - viy
        t = max(0.0, min(1.0, (wx * ex + wy * ey) / (ex * ex + ey * ey)))
        bx, by = wx - ex * t, wy - ey * t
        d = min(d, bx * bx + by * by)
        c1 = py >= viy
        c2 = py < vjy
        c3 = ex * wy > ey * wx
        if (c1 and c2 and c3) or not (c1 or c2 or c3):
            sign = -sign
        j = i
    return sign * math.sqrt(d)


def coverage(distance: float) -> float:
    """Fraction of a pixel covered by a shape whose edge is `distance` px from its centre."""
    return max(0.0, min(1.0, 0.5 - distance))


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

def render(size: int, *, rounded: bool, mark_scale: float) -> bytes:
    """Returns raw RGBA rows (no filter bytes) of a size x size icon.

    rounded:    draw the background as a rounded square with transparent corners;
                otherwise the background fills the whole square (maskable / Apple icons).
    mark_scale: scale of the mark about the icon's centre (1.0 = the geometry as defined).
    """
    s = float(size)
    centre = s / 2

    def to_px(ux: float, uy: float) -> tuple[float, float]:
        return centre + (ux * s - centre) * mark_scale, centre + (uy * s - centre) * mark_scale

    # Mark geometry in pixels.
    bx0, by0 = to_px(AWNING_BAND[0], AWNING_BAND[1])
    bx1, by1 = to_px(AWNING_BAND[2], AWNING_BAND[3])
    band = (bx0, by0, bx1, by1, AWNING_BAND[4] * s * mark_scale)
    base = (*to_px(AWNING_BAND_BASE[0], AWNING_BAND_BASE[1]), *to_px(AWNING_BAND_BASE[2], AWNING_BAND_BASE[3]), 0.0)
    scallops = [(*to_px(cx, cy), r * s * mark_scale) for cx, cy, r in AWNING_SCALLOPS]
    letter = [to_px(x, y) for x, y in LETTER_V]

    mx0, my0 = to_px(MARK_BOX[0], MARK_BOX[1])
    mx1, my1 = to_px(MARK_BOX[2], MARK_BOX[3])
    # Pixels outside this box (plus a margin for anti-aliasing) cannot touch the mark.
    box = (mx0 - 2, my0 - 2, mx1 + 2, my1 + 2)

    def mark_distance(px: float, py: float) -> float:
        d = min(sd_round_rect(px, py, *band), sd_round_rect(px, py, *base))
        for cx, cy, r in scallops:
            d = min(d, sd_circle(px, py, cx, cy, r))
        return min(d, sd_polygon(px, py, letter))

    corner = CORNER * s
    rows = bytearray()
    for y in range(size):
        py = y + 0.5
        for x in range(size):
            px = x + 0.5
            bg = coverage(sd_round_rect(px, py, 0, 0, s, s, corner)) if rounded else 1.0
            if bg == 0.0:
                rows += b"\x00\x00\x00\x00"
                continue
            fg = 0.0
            if box[0] <= px <= box[2] and box[1] <= py <= box[3]:
                fg = coverage(mark_distance(px, py))
            # The mark lies inside the background, so blend colours and use bg as alpha.
            r, g, b = (round(BRAND[i] * (1 - fg) + WHITE[i] * fg) for i in range(3))
            rows += bytes((r, g, b, round(255 * bg)))
    return bytes(rows)


# --------------------------------------------------------------------------------------
# PNG encoding (RGBA, 8 bits per channel)
# --------------------------------------------------------------------------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _filter_rows(rgba: bytes, width: int, height: int) -> bytes:
    """Applies a per-row PNG filter (None, Sub or Up), choosing the one with the smallest
    sum of absolute residuals, the usual heuristic for good compression."""
    bpp = 4
    stride = width * bpp
    out = bytearray()
    prev = bytes(stride)
    for y in range(height):
        row = rgba[y * stride:(y + 1) * stride]
        sub = bytes((row[i] - (row[i - bpp] if i >= bpp else 0)) & 0xFF for i in range(stride))
        up = bytes((row[i] - prev[i]) & 0xFF for i in range(stride))
        candidates = [(0, row), (1, sub), (2, up)]

        def cost(data: bytes) -> int:
            return sum(v if v < 128 else 256 - v for v in data)

        kind, data = min(candidates, key=lambda c: cost(c[1]))
        out.append(kind)
        out += data
        prev = row
    return bytes(out)


def write_png(path: Path, size: int, rgba: bytes) -> None:
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    idat = zlib.compress(_filter_rows(rgba, size, size), 9)
    srgb = bytes([0])  # sRGB chunk, perceptual rendering intent
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"sRGB", srgb) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    path.write_bytes(png)


# --------------------------------------------------------------------------------------
# The icon set
# --------------------------------------------------------------------------------------

#: Mark scale for full-bleed icons; chosen so the mark sits well inside the maskable safe zone.
MASKABLE_SCALE = 0.8

ICONS = [
    # (file name, side, rounded background, mark scale)
    ("icon-192.png", 192, True, 1.0),
    ("icon-512.png", 512, True, 1.0),
    ("maskable-512.png", 512, False, MASKABLE_SCALE),
    ("apple-touch-icon.png", 180, False, 0.9),
    ("favicon-32.png", 32, True, 1.0),
]


def check_safe_zone(scale: float) -> None:
    """A maskable icon may be cropped to a circle of radius 40 % of the side (the safe zone).
    Every corner of the scaled mark's bounding box must lie inside that circle."""
    for ux in (MARK_BOX[0], MARK_BOX[2]):
        for uy in (MARK_BOX[1], MARK_BOX[3]):
            dist = math.hypot((ux - 0.5) * scale, (uy - 0.5) * scale)
            assert dist <= 0.40, f"mark corner ({ux}, {uy}) is {dist:.3f} from the centre, outside the safe zone"


def main() -> None:
    check_safe_zone(MASKABLE_SCALE)
    for name, size, rounded, scale in ICONS:
        path = OUT_DIR / name
        write_png(path, size, render(size, rounded=rounded, mark_scale=scale))
        print(f"{path.name}: {size}x{size}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
