"""The product photo drawer: a 'photo' drawn with Pillow, nothing downloaded.

A gradient in the colours of the product's top category, the silhouette of its kind of
product (pouch, jar, bottle, cake, basket …), and its English name on a light band.
Each view (product, packaging, close-up, detail) moves and tints the picture.

So that the catalogue does not look like one pack repeated, each product gets its own
look from its name: the category's colours turned a little around the colour wheel, a
backdrop (plain, stripes, dots, a table edge or a tiled wall), the size and place of
the silhouette and how many items stand in the picture.
"""

from __future__ import annotations

import colorsys
import functools
import io
import math
import zlib

from umkm.models import Category

PHOTO_VIEWS = [
    ("product", "the product"),
    ("packaging", "its packaging"),
    ("close-up", "a close-up"),
    ("detail", "a detail"),
]
PALETTES = {
    "food-beverages": ((255, 240, 214), (236, 140, 72), (150, 62, 24)),
    "crafts": ((220, 243, 238), (42, 150, 138), (16, 82, 76)),
    "fashion": ((246, 228, 244), (176, 82, 152), (96, 30, 84)),
    "furniture": ((244, 232, 216), (160, 112, 70), (88, 56, 30)),
    "agriculture": ((230, 245, 214), (96, 160, 72), (40, 92, 32)),
    "herbal-cosmetics": ((236, 234, 250), (130, 116, 196), (64, 52, 120)),
}
SHAPES = {
    "snacks": "pouch",
    "coffee-tea": "pouch",
    "spices-condiments": "jar",
    "processed-fish": "tray",
    "sweets-cakes": "cake",
    "beverages": "bottle",
    "sago-staples": "pouch",
    "woven-goods": "basket",
    "batik-songket": "fabric",
    "wood-carving": "panel",
    "clothing": "shirt",
    "bags-accessories": "bag",
    "indoor-furniture": "table",
    "rattan-furniture": "chair",
    "palm-products": "bundle",
    "fresh-fruit": "fruit",
    "honey": "jar",
    "body-care": "bottle",
    "essential-oils": "bottle",
}
PHOTO_SIZE = (800, 600)


def _turned(colour: tuple, turn: float, saturation: float = 1.0) -> tuple:
    """``colour`` turned by ``turn`` of the colour wheel, its saturation scaled."""
    hue, lightness, sat = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    r, g, b = colorsys.hls_to_rgb((hue + turn) % 1.0, lightness, min(1.0, sat * saturation))
    return (round(r * 255), round(g * 255), round(b * 255))


def _backdrop(draw, style: int, width: int, height: int, colour: tuple) -> None:
    """A quiet pattern behind the product: the product's own from its name."""
    if style == 1:  # diagonal stripes
        for x in range(-height, width, 48):
            draw.line([(x, 0), (x + height, height)], fill=colour, width=14)
    elif style == 2:  # dots
        for y in range(20, height, 56):
            for x in range(20 + (y // 56 % 2) * 28, width, 56):
                draw.ellipse((x - 6, y - 6, x + 6, y + 6), fill=colour)
    elif style == 3:  # a table edge
        draw.rectangle((0, int(height * 0.62), width, height), fill=colour)
    elif style == 4:  # tiles
        for x in range(0, width, 80):
            draw.line([(x, 0), (x, height)], fill=colour, width=3)
        for y in range(0, height, 80):
            draw.line([(0, y), (width, y)], fill=colour, width=3)


def _mix(a: tuple, b: tuple, t: float) -> tuple:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _draw_shape(draw, shape: str, cx: float, cy: float, s: float, fill, accent, light) -> None:
    def box(x0, y0, x1, y1):
        return (cx + x0 * s, cy + y0 * s, cx + x1 * s, cy + y1 * s)

    w = max(2, round(s * 0.02))
    if shape == "pouch":
        draw.rounded_rectangle(box(-0.32, -0.42, 0.32, 0.45), radius=s * 0.05, fill=fill)
        draw.rectangle(box(-0.32, -0.36, 0.32, -0.31), fill=accent)
        draw.ellipse(box(-0.18, -0.16, 0.18, 0.2), fill=light)
        draw.rectangle(box(-0.22, 0.27, 0.22, 0.36), fill=accent)
    elif shape == "jar":
        draw.rounded_rectangle(box(-0.25, -0.46, 0.25, -0.33), radius=s * 0.03, fill=accent)
        draw.rounded_rectangle(box(-0.31, -0.33, 0.31, 0.46), radius=s * 0.09, fill=fill)
        draw.rounded_rectangle(box(-0.24, -0.12, 0.24, 0.22), radius=s * 0.03, fill=light)
    elif shape == "bottle":
        draw.rectangle(box(-0.07, -0.5, 0.07, -0.4), fill=accent)
        draw.rectangle(box(-0.09, -0.4, 0.09, -0.24), fill=fill)
        draw.polygon(
            [
                box(-0.09, -0.24, 0.09, -0.24)[0:2],
                (cx + 0.09 * s, cy - 0.24 * s),
                (cx + 0.21 * s, cy - 0.12 * s),
                (cx - 0.21 * s, cy - 0.12 * s),
            ],
            fill=fill,
        )
        draw.rounded_rectangle(box(-0.21, -0.13, 0.21, 0.48), radius=s * 0.05, fill=fill)
        draw.rectangle(box(-0.21, 0.02, 0.21, 0.26), fill=light)
    elif shape == "cake":
        draw.rectangle(box(-0.42, -0.05, 0.42, 0.25), fill=fill)
        draw.ellipse(box(-0.42, 0.1, 0.42, 0.4), fill=fill)
        draw.ellipse(box(-0.42, -0.2, 0.42, 0.1), fill=light)
        for k in range(8):
            angle = k * 0.785
            x, y = 0.26 * math.cos(angle), 0.1 * math.sin(angle) - 0.05
            draw.ellipse(box(x - 0.07, y - 0.035, x + 0.07, y + 0.035), fill=accent)
    elif shape == "tray":
        draw.rounded_rectangle(
            box(-0.46, -0.22, 0.46, 0.28), radius=s * 0.06, fill=light, outline=accent, width=w * 2
        )
        for row in range(2):
            for col in range(4):
                x, y = -0.33 + col * 0.22, -0.08 + row * 0.22
                draw.ellipse(box(x - 0.09, y - 0.07, x + 0.09, y + 0.07), fill=fill)
    elif shape == "basket":
        draw.arc(box(-0.3, -0.55, 0.3, 0.05), 180, 360, fill=accent, width=w * 3)
        draw.polygon(
            [
                (cx - 0.42 * s, cy - 0.15 * s),
                (cx + 0.42 * s, cy - 0.15 * s),
                (cx + 0.32 * s, cy + 0.42 * s),
                (cx - 0.32 * s, cy + 0.42 * s),
            ],
            fill=fill,
        )
        for k in range(6):
            y = -0.08 + k * 0.09
            draw.line(
                [
                    box(-0.4 + k * 0.017, y, 0.4 - k * 0.017, y)[0:2],
                    box(-0.4 + k * 0.017, y, 0.4 - k * 0.017, y)[2:4],
                ],
                fill=light,
                width=w,
            )
    elif shape == "fabric":
        draw.rectangle(box(-0.44, -0.36, 0.44, 0.4), fill=fill)
        draw.rectangle(box(-0.44, -0.36, 0.44, -0.3), fill=accent)
        draw.rectangle(box(-0.44, 0.34, 0.44, 0.4), fill=accent)
        for row in range(3):
            for col in range(6):
                x, y = -0.37 + col * 0.148, -0.2 + row * 0.18
                draw.polygon(
                    [
                        (cx + (x - 0.05) * s, cy + (y + 0.07) * s),
                        (cx + x * s, cy + (y - 0.08) * s),
                        (cx + (x + 0.05) * s, cy + (y + 0.07) * s),
                    ],
                    fill=light,
                )
    elif shape == "panel":
        draw.rounded_rectangle(box(-0.45, -0.3, 0.45, 0.32), radius=s * 0.03, fill=fill)
        draw.rounded_rectangle(
            box(-0.39, -0.24, 0.39, 0.26), radius=s * 0.02, outline=light, width=w
        )
        for k in range(5):
            x = -0.28 + k * 0.14
            draw.arc(box(x - 0.08, -0.1, x + 0.08, 0.12), 0, 300, fill=light, width=w)
    elif shape == "shirt":
        points = [
            (-0.16, -0.42),
            (0.16, -0.42),
            (0.42, -0.25),
            (0.33, -0.08),
            (0.22, -0.15),
            (0.22, 0.45),
            (-0.22, 0.45),
            (-0.22, -0.15),
            (-0.33, -0.08),
            (-0.42, -0.25),
        ]
        draw.polygon([(cx + x * s, cy + y * s) for x, y in points], fill=fill)
        draw.polygon(
            [(cx - 0.1 * s, cy - 0.42 * s), (cx + 0.1 * s, cy - 0.42 * s), (cx, cy - 0.3 * s)],
            fill=light,
        )
        draw.rectangle(box(-0.22, 0.18, 0.22, 0.26), fill=accent)
    elif shape == "bag":
        draw.arc(box(-0.2, -0.5, 0.2, -0.1), 180, 360, fill=accent, width=w * 3)
        draw.rounded_rectangle(box(-0.36, -0.3, 0.36, 0.38), radius=s * 0.06, fill=fill)
        draw.rectangle(box(-0.36, -0.1, 0.36, 0.05), fill=light)
    elif shape == "table":
        draw.rounded_rectangle(box(-0.46, -0.12, 0.46, -0.04), radius=s * 0.01, fill=fill)
        for x in (-0.4, 0.34):
            draw.rectangle(box(x, -0.04, x + 0.06, 0.4), fill=fill)
        draw.rectangle(box(-0.34, 0.02, 0.34, 0.06), fill=accent)
    elif shape == "chair":
        draw.arc(box(-0.3, -0.5, 0.3, 0.1), 180, 360, fill=fill, width=w * 4)
        draw.rectangle(box(-0.3, -0.2, -0.25, 0.1), fill=fill)
        draw.rectangle(box(0.25, -0.2, 0.3, 0.1), fill=fill)
        draw.rounded_rectangle(box(-0.34, 0.06, 0.34, 0.16), radius=s * 0.03, fill=accent)
        for x in (-0.3, 0.25):
            draw.rectangle(box(x, 0.16, x + 0.05, 0.45), fill=fill)
    elif shape == "bundle":
        for k in range(15):
            x = -0.3 + k * 0.043
            draw.line(
                [(cx + x * s, cy - 0.45 * s), (cx + x * 0.3 * s, cy + 0.45 * s)], fill=fill, width=w
            )
        draw.rectangle(box(-0.16, 0.0, 0.16, 0.07), fill=accent)
    else:  # fruit
        for x, y, r in ((-0.2, 0.1, 0.22), (0.2, 0.12, 0.2), (0.0, -0.12, 0.22)):
            draw.ellipse(box(x - r, y - r, x + r, y + r), fill=fill, outline=accent, width=w)
            draw.polygon(
                [
                    (cx + x * s, cy + (y - r) * s),
                    (cx + (x + 0.08) * s, cy + (y - r - 0.1) * s),
                    (cx + (x + 0.02) * s, cy + (y - r + 0.02) * s),
                ],
                fill=light,
            )


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def product_photo(
    *, title: str, category: Category, unit: str = "", size: str = "", variant: int = 0
) -> bytes:
    """A product 'photo' drawn with Pillow: gradient, a silhouette and the name (JPEG)."""
    top = category.parent.slug if category.parent_id else category.slug
    return _drawn_photo(title, category.slug, top, unit, size, variant)


@functools.lru_cache(maxsize=512)  # a second seed in the same process redraws nothing
def _drawn_photo(title: str, slug: str, top: str, unit: str, size: str, variant: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    pale, mid, dark = PALETTES.get(top, PALETTES["crafts"])
    # The product's own look, the same every time it is drawn.
    seed = zlib.crc32(f"{slug}:{title}".encode())
    turn = ((seed % 11) - 5) * 0.022  # up to about 40 degrees either way
    saturation = 0.7 + (seed >> 4) % 4 * 0.1
    pale, mid, dark = (_turned(c, turn, saturation) for c in (pale, mid, dark))
    style = (seed >> 8) % 5
    size_factor = 0.85 + (seed >> 12) % 4 * 0.08
    shift = ((seed >> 16) % 5 - 2) * 0.05
    shape = SHAPES.get(slug, "pouch")
    if size.startswith("jar"):
        shape = "jar"
    elif size.startswith("bottle") or (unit == "bottle" and shape == "pouch"):
        shape = "bottle"
    width, height = PHOTO_SIZE
    # Background: a soft gradient whose direction and tint change with the view.
    mask = Image.linear_gradient("L").resize((width, height))
    if variant % 2:
        mask = mask.transpose(Image.Transpose.ROTATE_180)
    start = _mix(pale, (255, 255, 255), 0.4)
    end = _mix(pale, mid, 0.35 + 0.1 * (variant % 3))
    image = Image.composite(
        Image.new("RGB", (width, height), end), Image.new("RGB", (width, height), start), mask
    )
    draw = ImageDraw.Draw(image)
    _backdrop(draw, style, width, height, _mix(start, end, 0.55))
    # A soft "table" shadow and the silhouette.
    scale = (0.62, 0.5, 0.8, 0.55)[variant % 4] * height * size_factor
    cx = (
        width / 2
        + ((0, -0.16, 0, 0.17)[variant % 4] + (shift if variant % 4 in (0, 2) else 0)) * width
    )
    cy = height * 0.42
    draw.ellipse(
        (cx - scale * 0.45, cy + scale * 0.4, cx + scale * 0.45, cy + scale * 0.55),
        fill=_mix(end, dark, 0.25),
    )
    _draw_shape(
        draw, shape, cx, cy, scale, fill=mid, accent=dark, light=_mix(pale, (255,) * 3, 0.5)
    )
    if variant % 4 in (1, 3) or (variant == 0 and seed % 3 == 0):  # a second, smaller item
        _draw_shape(
            draw,
            shape,
            cx + (0.31 if variant % 4 in (0, 1) else -0.33) * width,
            cy + 40,
            scale * 0.6,
            fill=_mix(mid, dark, 0.3),
            accent=dark,
            light=pale,
        )
    # The product's English name in large type on a light band.
    band_top = int(height * 0.76)
    draw.rectangle((0, band_top, width, height), fill=_mix(pale, (255, 255, 255), 0.6))
    font_size = 40
    while True:
        font = ImageFont.load_default(size=font_size)
        lines = _wrap(draw, title, font, width - 80)
        if len(lines) <= 2 or font_size <= 24:
            break
        font_size -= 4
    y = band_top + (height - band_top - len(lines[:2]) * (font_size + 8)) / 2
    for line in lines[:2]:
        draw.text((40, y), line, font=font, fill=dark)
        y += font_size + 8
    label = PHOTO_VIEWS[variant % len(PHOTO_VIEWS)][0].upper()
    draw.text(
        (28, 24),
        f"{label} · JEMBATAN UMKM DEMO",
        font=ImageFont.load_default(size=16),
        fill=_mix(dark, pale, 0.3),
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)  # re-encoded on upload anyway
    return buffer.getvalue()


def logo_picture(name: str, *, sector: str = "") -> bytes:
    """A business's logo: its initials in a circle, in colours of its own (PNG)."""
    from PIL import Image, ImageDraw, ImageFont

    seed = zlib.crc32(name.encode())
    top = {
        "food": "food-beverages",
        "crafts": "crafts",
        "fashion": "fashion",
        "furniture": "furniture",
        "agriculture": "agriculture",
        "cosmetics": "herbal-cosmetics",
    }.get(sector, "crafts")
    pale, mid, dark = PALETTES[top]
    turn = ((seed % 11) - 5) * 0.03
    pale, mid, dark = (_turned(c, turn) for c in (pale, mid, dark))
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    initials = "".join(w[0] for w in words[:2]).upper() or "U"
    size = 240
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, size - 12, size - 12), fill=mid, outline=dark, width=8)
    draw.arc((40, 40, size - 40, size - 40), 200, 340, fill=pale, width=6)
    font = ImageFont.load_default(size=96)
    box = draw.textbbox((0, 0), initials, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), initials, font=font, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
