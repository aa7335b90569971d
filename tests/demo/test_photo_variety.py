"""The demo's drawn photos differ from product to product of one line, so the
catalogue does not look like one pack repeated; each is drawn the same every time."""

import io

from PIL import Image, ImageChops, ImageStat

from demo.loaders.photos import _drawn_photo

LINE = [
    "Pineapple chips, original, 100 g",
    "Honey-glazed pineapple chips, 200 g",
    "Pineapple dodol (soft toffee), 250 g",
    "Pineapple jam, 250 g",
]


def pixels(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_products_of_one_line_look_different():
    photos = [
        pixels(_drawn_photo(title, "snacks", "food-beverages", "pack", "", 0)) for title in LINE
    ]
    for i, first in enumerate(photos):
        for second in photos[i + 1 :]:
            # Mean difference well beyond the title band: a different picture.
            top = (0, 0, 800, 450)
            diff = ImageStat.Stat(ImageChops.difference(first.crop(top), second.crop(top))).mean
            assert sum(diff) > 6, diff


def test_a_product_is_drawn_the_same_every_time():
    _drawn_photo.cache_clear()
    once = _drawn_photo(LINE[0], "snacks", "food-beverages", "pack", "", 1)
    _drawn_photo.cache_clear()
    assert _drawn_photo(LINE[0], "snacks", "food-beverages", "pack", "", 1) == once
