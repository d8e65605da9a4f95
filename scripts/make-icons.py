#!/usr/bin/env python3
"""Draws the app icons (public/icons/): a picture's coarse pixels on the left turning into the smooth
picture on the right, the player's 4x in one glance. Run once; the PNGs are committed.
    /usr/bin/python3 scripts/make-icons.py
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "public" / "icons"
BG = (17, 19, 23)


def colour(x: float, y: float) -> tuple[int, int, int]:
    """A smooth two-axis gradient, blue-green to warm orange (x, y in [0, 1])."""
    r = int(40 + 215 * x)
    g = int(120 + 80 * y - 40 * x)
    b = int(230 - 190 * x)
    return r, g, b


def motif(size: int, inset: float) -> Image.Image:
    """The motif in a square of `size`, drawn inside `inset` of each edge, on the dark background."""
    img = Image.new("RGB", (size, size), BG)
    d = ImageDraw.Draw(img)
    a, b = int(size * inset), int(size * (1 - inset))
    n = b - a
    half = a + n // 2
    # right half: smooth, one colour per column and row of pixels
    for y in range(a, b):
        for x in range(half, b):
            img.putpixel((x, y), colour((x - a) / n, (y - a) / n))
    # left half: the same picture as 4 x 8 big pixels, each the colour at its centre
    cols, rows = 4, 8
    cw, rh = (half - a) / cols, n / rows
    for j in range(rows):
        for i in range(cols):
            x0, y0 = a + i * cw, a + j * rh
            c = colour((x0 + cw / 2 - a) / n, (y0 + rh / 2 - a) / n)
            d.rectangle([round(x0), round(y0), round(x0 + cw) - 1, round(y0 + rh) - 1], fill=c)
    # the seam between them
    d.rectangle([half - max(1, size // 128), a, half + max(1, size // 128) - 1, b - 1], fill=BG)
    return img


def rounded(img: Image.Image, radius: float) -> Image.Image:
    mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, img.size[0] - 1, img.size[1] - 1], radius=int(img.size[0] * radius), fill=255)
    out = Image.new("RGBA", img.size, (0, 0, 0, 0))
    out.paste(img, (0, 0), mask)
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = rounded(motif(1024, 0.14), 0.18)
    for s in (192, 512):
        big.resize((s, s), Image.LANCZOS).save(OUT / f"icon-{s}.png", optimize=True)
    # maskable: full bleed, the motif inside the safe circle (radius 40%: corners at 0.28 * sqrt 2 = 0.396)
    motif(1024, 0.22).resize((512, 512), Image.LANCZOS).save(OUT / "icon-maskable-512.png", optimize=True)
    big.resize((180, 180), Image.LANCZOS).save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
