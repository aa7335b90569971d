"""The catalogue's shared pieces: photo rows without files, the slugs of the ``shop``."""

from umkm.models import ProductImage


def add_photos(products, count: int) -> None:
    """Photo rows with stored sizes and thumbnails: rendering them reads no file."""
    ProductImage.objects.bulk_create(
        ProductImage(
            product=product,
            image=f"products/{product.pk}/{n}.jpg",
            thumb_small=f"products/{product.pk}/{n}-400.jpg",
            thumb_large=f"products/{product.pk}/{n}-1200.jpg",
            width=1200,
            height=900,
            position=n,
            alt_text=f"Photo {n}",
        )
        for product in products
        for n in range(count)
    )


ALL = {"kopi", "kopi-dumai", "keripik", "kursi", "tikar"}
