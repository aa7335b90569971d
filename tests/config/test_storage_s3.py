"""Media on S3-compatible object storage, against moto's S3 server on 127.0.0.1.

moto runs in-process (a thread), so these need no external service and never skip.
The storage settings are the ones config/settings.py builds from the AWS_* variables
(loaded in a child process), not a copy written here.
"""

import io
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image

from core import uploads
from umkm import images, services
from umkm.models import Business, Category, Certification, Product

from ..factories import OwnerFactory
from ..support import ROOT
from ..support.pdfs import pdf_file

REGION = "us-east-1"
ACCESS_KEY, SECRET_KEY = "testing-access-key", "testing-secret-key"
AWS_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_PRIVATE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_CUSTOM_DOMAIN",
)
PDF = pdf_file()  # a whole PDF: uploads are parsed


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def storages_from_settings(**variables: str) -> dict:
    """STORAGES as config/settings.py builds it from these environment variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DJANGO_")) and key not in ("SECRET_KEY", "DATABASE_URL")
    }
    env.update(dict.fromkeys(AWS_VARIABLES, ""))  # a developer's .env must not leak in
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="True", **variables)
    script = "import json, config.settings as s; print(json.dumps(s.STORAGES))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_client(s3_endpoint, monkeypatch, tmp_path):
    # Only what the test passes counts: no profile, config file or proxy of the host.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def use_s3(settings, monkeypatch, s3_client, s3_endpoint, *, private_bucket: str = "") -> dict:
    """Create the buckets and switch STORAGES to what settings.py makes of them."""
    media = f"media-{uuid.uuid4().hex[:12]}"
    s3_client.create_bucket(Bucket=media)
    # As deployed: anyone may read photos and logos, nothing else (not private/).
    s3_client.put_bucket_policy(Bucket=media, Policy=json.dumps(public_read_policy(media)))
    if private_bucket:
        s3_client.create_bucket(Bucket=private_bucket)
    built = storages_from_settings(
        AWS_STORAGE_BUCKET_NAME=media,
        AWS_PRIVATE_BUCKET_NAME=private_bucket,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    # The setting_changed signal resets django.core.files.storage.storages and
    # default_storage; Certification.document was bound to storages["private"] when the
    # model was imported, so that field is pointed at the new backend by hand.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": built["default"],
        "private": built["private"],
    }
    monkeypatch.setattr(Certification._meta.get_field("document"), "storage", storages["private"])
    return {"media": media, "private": private_bucket or media}


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{bucket}/products/*", f"arn:aws:s3:::{bucket}/logos/*"],
            }
        ],
    }


def keys(s3_client, bucket: str, prefix: str = "") -> list[str]:
    listing = s3_client.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def fetch(url: str) -> bytes:
    """GET without credentials, as a browser would."""
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - moto on loopback
        return response.read()


def status_of(url: str) -> int:
    try:
        fetch(url)
    except urllib.error.HTTPError as error:
        return error.code
    return 200


@pytest.fixture
def business(db):
    return Business.objects.create(
        owner=OwnerFactory(),
        name="Tenun Songket Siak",
        slug="tenun-songket-siak",
        legal_form="ud",
        assets_idr=100_000_000,
        annual_turnover_idr=500_000_000,
        scale="mikro",
        sector="crafts",
        province="Riau",
        city="Pekanbaru",
        founded_year=2015,
    )


@pytest.fixture
def product(business):
    category = Category.objects.create(name_id="Kain", name_en="Textiles", slug="textiles")
    return Product.objects.create(
        business=business, category=category, slug="songket", name_id="Songket"
    )


def jpeg(size=(1600, 1000)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "JPEG")
    return SimpleUploadedFile("IMG_1234.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- settings ------------------------------------------------------------------------


def test_without_a_bucket_media_stays_on_the_local_disk():
    built = storages_from_settings()
    assert built["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert built["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_switches_both_storages_to_s3():
    built = storages_from_settings(
        AWS_STORAGE_BUCKET_NAME="jembatan-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.id",
        AWS_S3_REGION_NAME="ap-southeast-3",
        AWS_S3_CUSTOM_DOMAIN="media.example.id",
    )
    public, private = built["default"], built["private"]
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"] == {
        "bucket_name": "jembatan-media",
        "endpoint_url": "https://s3.example.id",
        "region_name": "ap-southeast-3",
        "access_key": None,  # boto3's own chain (instance role)
        "secret_key": None,
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": False,
        "custom_domain": "media.example.id",
    }
    assert private["OPTIONS"]["bucket_name"] == "jembatan-media"
    assert private["OPTIONS"]["location"] == "private"
    assert private["OPTIONS"]["default_acl"] == "private"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["querystring_expire"] == 300
    assert private["OPTIONS"]["custom_domain"] is None
    assert private["OPTIONS"]["file_overwrite"] is False


def test_a_private_bucket_of_its_own_needs_no_prefix():
    built = storages_from_settings(
        AWS_STORAGE_BUCKET_NAME="jembatan-media", AWS_PRIVATE_BUCKET_NAME="jembatan-private"
    )
    assert built["private"]["OPTIONS"]["bucket_name"] == "jembatan-private"
    assert built["private"]["OPTIONS"]["location"] == ""


# --- product photos --------------------------------------------------------------------


def test_product_photo_and_thumbnails_are_stored_in_the_bucket(
    product, settings, monkeypatch, s3_client, s3_endpoint, django_capture_on_commit_callbacks
):
    buckets = use_s3(settings, monkeypatch, s3_client, s3_endpoint)

    with django_capture_on_commit_callbacks(execute=True):
        photo = services.product_image_add(
            product=product, upload=jpeg((1600, 1000)), by=product.business.owner
        )

    photo.refresh_from_db()
    assert (photo.width, photo.height) == (1600, 1000)
    assert photo.thumbnails_ready
    stored = keys(s3_client, buckets["media"])
    assert stored == sorted([photo.image.name, photo.thumb_small.name, photo.thumb_large.name])
    assert all(key.startswith(f"products/{product.pk}/") for key in stored)
    assert "IMG_1234" not in photo.image.name

    original = s3_client.get_object(Bucket=buckets["media"], Key=photo.image.name)
    assert original["ContentType"] == "image/jpeg"
    for field, long_side in ((photo.thumb_small, 400), (photo.thumb_large, 1200)):
        body = s3_client.get_object(Bucket=buckets["media"], Key=field.name)["Body"].read()
        with Image.open(io.BytesIO(body)) as thumb:
            assert thumb.format == "WEBP"
            assert max(thumb.size) == long_side

    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*")), "nothing lands on the local disk"


def test_product_photo_urls_are_plain_and_public(
    product, settings, monkeypatch, s3_client, s3_endpoint
):
    buckets = use_s3(settings, monkeypatch, s3_client, s3_endpoint)
    photo = services.product_image_add(
        product=product, upload=jpeg((200, 100)), by=product.business.owner
    )

    url = photo.image.url
    assert "?" not in url
    assert "Signature" not in url and "Expires" not in url
    assert url.startswith(s3_endpoint) and buckets["media"] in url
    assert url.endswith(photo.image.name)
    with Image.open(io.BytesIO(fetch(url))) as served:
        assert served.size == (200, 100)


def test_thumbnail_task_reads_from_the_bucket_without_a_local_path(
    product, settings, monkeypatch, s3_client, s3_endpoint
):
    use_s3(settings, monkeypatch, s3_client, s3_endpoint)
    photo = services.product_image_add(
        product=product, upload=jpeg((900, 600)), by=product.business.owner
    )
    with pytest.raises(NotImplementedError):
        default_storage.path(photo.image.name)  # S3 has no local path to lean on

    assert images.product_image_make_thumbnails(image_id=photo.pk) is True
    assert images.product_image_make_thumbnails(image_id=photo.pk) is False


# --- certificate documents ---------------------------------------------------------------


@pytest.mark.parametrize("own_bucket", [False, True], ids=["same-bucket", "own-bucket"])
def test_certificate_is_private_with_a_signed_expiring_url(
    business, settings, monkeypatch, s3_client, s3_endpoint, own_bucket
):
    private_bucket = f"private-{uuid.uuid4().hex[:12]}" if own_bucket else ""
    buckets = use_s3(settings, monkeypatch, s3_client, s3_endpoint, private_bucket=private_bucket)
    content = uploads.clean_document_upload(
        SimpleUploadedFile("Sertifikat Halal.pdf", PDF, content_type="application/pdf")
    )
    certification = Certification(
        business=business, kind="halal", number="ID31110000123", issued_on=date(2024, 1, 15)
    )
    certification.document.save(content.name, content, save=False)
    certification.save()

    name = certification.document.name
    assert name.startswith(f"certificates/{business.pk}/") and name.endswith(".pdf")
    key = name if own_bucket else f"private/{name}"
    assert keys(s3_client, buckets["private"], prefix="certificates/" if own_bucket else "") == [
        key
    ]
    if own_bucket:
        assert keys(s3_client, buckets["media"]) == []
    grants = s3_client.get_object_acl(Bucket=buckets["private"], Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]

    url = certification.document.url
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url
    assert fetch(url) == PDF  # the signature is one the store accepts
    assert status_of(url.split("?", 1)[0]) == 403  # and without it, no access


def test_photo_and_certificate_urls_differ_in_kind(
    product, business, settings, monkeypatch, s3_client, s3_endpoint
):
    use_s3(settings, monkeypatch, s3_client, s3_endpoint)
    photo = services.product_image_add(
        product=product, upload=jpeg((120, 80)), by=product.business.owner
    )
    certification = Certification.objects.create(
        business=business, kind="pirt", number="P-IRT 2061471010123-27", issued_on=date(2024, 3, 1)
    )
    certification.document.save(
        "x.pdf", uploads.clean_document_upload(SimpleUploadedFile("x.pdf", PDF)), save=True
    )
    assert "X-Amz-Signature" not in photo.image.url
    assert "X-Amz-Signature" in certification.document.url
