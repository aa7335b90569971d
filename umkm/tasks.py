from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=10, max_retries=5)
def make_thumbnails(image_id: int) -> bool:
    """Make the WebP thumbnails of one product photo (idempotent)."""
    from . import images

    return images.product_image_make_thumbnails(image_id=image_id)


@shared_task(acks_late=True)
def warn_expiring_certifications() -> int:
    """Daily (celery beat): tell owners about certificates expiring in 30 and 7 days."""
    return services.certifications_warn_expiring()


@shared_task(acks_late=True)
def sweep_thumbnails() -> int:
    """Periodic (celery beat): re-queue photos still without thumbnails."""
    return services.product_images_missing_thumbnails()


@shared_task(acks_late=True)
def rebuild_catalogue_words() -> int:
    """Hourly (celery beat): drop words of products no longer listed from the dictionary
    that corrects misspelt searches (new words arrive by a database trigger), and
    recount the listed products per business and category and the catalogue's facet
    counts read from them (kept by triggers; this corrects any drift)."""
    services.listed_counts_rebuild()
    return services.catalogue_words_rebuild()


@shared_task(acks_late=True)
def rebuild_catalogue_facets() -> int:
    """Daily (celery beat), just after local midnight: recount the catalogue's facet
    counts with the certificates valid today (yesterday's last valid day has passed
    without any write to tell the triggers)."""
    return services.catalogue_facets_rebuild()
