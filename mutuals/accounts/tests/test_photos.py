"""Profile photos: real images made by Pillow here, checked, cropped, resized, stripped, stored,
served and removed, through the service, the page and the API."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from mutuals.accounts import photos
from mutuals.accounts.models import User
from mutuals.accounts.tests.clients import web_client_for
from mutuals.core.errors import Refused

pytestmark = pytest.mark.django_db


def jpeg_with_exif(width: int = 800, height: int = 600, orientation: int = 1) -> bytes:
    """A JPEG with EXIF as a phone writes it: camera, GPS position, orientation."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    # A green band down the left side and a blue one across the top, to see what was kept.
    image.paste((30, 200, 30), (0, 0, width // 8, height))
    image.paste((30, 30, 200), (0, 0, width, height // 8))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel 12"  # Model
    exif[0x0112] = orientation  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (43.0, 39.0, 0.0)  # GPSLatitude: Toronto
    gps[3] = "W"
    gps[4] = (79.0, 23.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), "white").save(out, format="PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny real PNG whose header claims `width` × `height` pixels: a decompression bomb's
    shape (a few hundred bytes that would decode to gigabytes)."""
    data = bytearray(png(1, 1))
    ihdr = 8 + 8  # signature, then the chunk's length and type
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    body = bytes(data[12 : ihdr + 13])  # chunk type + IHDR data
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", zlib.crc32(body))
    return bytes(data)


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def _pixel(data: bytes, x: int, y: int) -> tuple[int, int, int]:
    value = _open(data).convert("RGB").getpixel((x, y))
    assert isinstance(value, tuple)
    return value[0], value[1], value[2]


class TestRender:
    def test_every_size_is_a_square_jpeg_without_metadata(self) -> None:
        original = jpeg_with_exif()
        assert _open(original).getexif()[0x010F] == "PhoneMaker"  # the test's premise
        rendered = photos.photo_render(io.BytesIO(original))
        assert sorted(rendered) == [64, 160, 400]
        for size, data in rendered.items():
            image = _open(data)
            assert image.format == "JPEG"
            assert image.size == (size, size)
            assert len(image.getexif()) == 0
            assert "exif" not in image.info
            assert "comment" not in image.info
            assert "icc_profile" not in image.info
            assert b"PhoneMaker" not in data
            assert b"taken at home" not in data

    def test_the_centre_square_is_kept_by_default(self) -> None:
        # 800 × 600: the centred square runs from x 100 to 700, so the green band (x < 100)
        # is cut away, and the blue band (y < 75) stays along the top.
        data = photos.photo_render(io.BytesIO(jpeg_with_exif()))[400]
        red, green, _ = _pixel(data, 5, 200)
        assert (red > 150, green < 80) == (True, True)
        red, _, blue = _pixel(data, 200, 10)
        assert (blue > 150, red < 80) == (True, True)

    def test_a_crop_box_chooses_the_square(self) -> None:
        crop = photos.Crop(x=0, y=100, size=300)
        data = photos.photo_render(io.BytesIO(jpeg_with_exif()), crop=crop)[400]
        red, green, _ = _pixel(data, 10, 300)
        assert (green > 150, red < 80) == (True, True)  # the green band at the left is in

    def test_the_photo_is_turned_as_the_camera_meant(self) -> None:
        # Orientation 6: the stored pixels are turned 90° and viewers turn them back; the
        # blue band stored at the top then runs down the right side.
        data = photos.photo_render(io.BytesIO(jpeg_with_exif(600, 600, orientation=6)))[400]
        red, _, blue = _pixel(data, 395, 200)
        assert (blue > 150, red < 80) == (True, True)

    def test_transparency_is_laid_on_white(self) -> None:
        out = io.BytesIO()
        Image.new("RGBA", (100, 100), (0, 0, 0, 0)).save(out, format="PNG")
        assert min(_pixel(photos.photo_render(io.BytesIO(out.getvalue()))[64], 30, 30)) > 240

    def test_a_text_file_named_jpg_is_not_an_image(self) -> None:
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(b"name,email\nSam,sam@example.com\n"))
        assert refused.value.code == "photo_not_image"
        assert "JPEG, PNG, WebP" in refused.value.message

    def test_a_truncated_image_is_refused(self) -> None:
        data = jpeg_with_exif()
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(data[: len(data) // 3]))
        assert refused.value.code == "photo_not_image"
        assert "damaged" in refused.value.message

    def test_another_format_is_refused(self) -> None:
        out = io.BytesIO()
        Image.new("RGB", (100, 100)).save(out, format="BMP")
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(out.getvalue()))
        assert refused.value.code == "photo_not_image"
        assert refused.value.message.startswith("BMP images are not accepted")

    def test_a_huge_image_is_refused_from_its_header(self) -> None:
        bomb = png_claiming(50_000, 50_000)
        assert len(bomb) < 200
        # A real PNG header: Pillow reads it, and its own guard would raise (not refuse).
        with pytest.raises(Image.DecompressionBombError):
            _open(bomb)
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(bomb))
        assert refused.value.code == "photo_too_many_pixels"
        assert refused.value.detail["width"] in {50_000, None}

    def test_pixels_over_the_limit_but_under_pillows_guard_are_refused(self) -> None:
        # 9,000 × 5,000 = 45 megapixels: over ours (40), under Pillow's warning (89).
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(png_claiming(9_000, 5_000)))
        assert refused.value.code == "photo_too_many_pixels"
        assert refused.value.detail == {
            "width": 9_000,
            "height": 5_000,
            "max_pixels": photos.MAX_PIXELS,
            "max_side": photos.MAX_SIDE,
        }

    def test_a_long_thin_image_is_refused_by_its_side(self) -> None:
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(png_claiming(20_000, 100)))
        assert refused.value.code == "photo_too_many_pixels"

    def test_a_tiny_image_is_refused(self) -> None:
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(png(40, 40)))
        assert refused.value.code == "photo_too_small"

    @pytest.mark.parametrize(
        "crop", [photos.Crop(500, 0, 400), photos.Crop(-1, 0, 100), photos.Crop(0, 0, 20)]
    )
    def test_a_crop_outside_the_photo_is_refused(self, crop: photos.Crop) -> None:
        with pytest.raises(Refused) as refused:
            photos.photo_render(io.BytesIO(jpeg_with_exif()), crop=crop)
        assert refused.value.code == "invalid_fields"
        assert "crop" in refused.value.detail["fields"]


class TestService:
    def test_set_stores_each_size_and_names_it_by_content(self, member: User) -> None:
        photos.photo_set(user=member, stream=io.BytesIO(jpeg_with_exif()), size=None)
        member.refresh_from_db()
        assert len(member.photo_key) == 32
        urls = photos.photo_urls(member)
        assert urls[160] == f"/photos/{member.pk}/{member.photo_key}-160.jpg"
        for size in photos.SIZES:
            assert storages["photos"].exists(photos.photo_name(member.pk, member.photo_key, size))

    def test_a_new_photo_has_new_addresses_and_the_old_files_go(
        self, member: User, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            photos.photo_set(user=member, stream=io.BytesIO(jpeg_with_exif()), size=None)
        first = User.objects.get(pk=member.pk).photo_key
        with django_capture_on_commit_callbacks(execute=True):
            photos.photo_set(user=member, stream=io.BytesIO(png(300, 300)), size=None)
        second = User.objects.get(pk=member.pk).photo_key
        assert first != second
        assert not storages["photos"].exists(photos.photo_name(member.pk, first, 160))
        assert storages["photos"].exists(photos.photo_name(member.pk, second, 160))

    def test_remove_brings_the_initials_back(
        self, member: User, django_capture_on_commit_callbacks: Any
    ) -> None:
        photos.photo_set(user=member, stream=io.BytesIO(png(300, 300)), size=None)
        key = User.objects.get(pk=member.pk).photo_key
        with django_capture_on_commit_callbacks(execute=True):
            photos.photo_remove(user=member)
        assert User.objects.get(pk=member.pk).photo_key == ""
        assert photos.photo_urls(member) == {}
        assert not storages["photos"].exists(photos.photo_name(member.pk, key, 64))

    @override_settings(MUTUALS_MAX_PHOTO_BYTES=1000)
    def test_an_oversized_file_is_refused_before_it_is_decoded(self, member: User) -> None:
        with pytest.raises(Refused) as refused:
            # Not even an image: the size is checked first.
            photos.photo_set(user=member, stream=io.BytesIO(b"x" * 2000), size=2000)
        assert refused.value.code == "photo_too_large"
        assert refused.value.detail == {"size": 2000, "max_bytes": 1000}
        assert User.objects.get(pk=member.pk).photo_key == ""

    def test_a_refused_photo_keeps_the_one_before(self, member: User) -> None:
        photos.photo_set(user=member, stream=io.BytesIO(png(300, 300)), size=None)
        key = User.objects.get(pk=member.pk).photo_key
        with pytest.raises(Refused):
            photos.photo_set(user=member, stream=io.BytesIO(b"not an image"), size=12)
        assert User.objects.get(pk=member.pk).photo_key == key

    def test_initials(self) -> None:
        assert photos.initials("Ana Ferreira") == "AF"
        assert photos.initials("Kwame Kofi Asante") == "KA"
        assert photos.initials("Cher") == "C"
        assert photos.initials("  ") == "?"


class TestPages:
    def _upload(self, client: Any, data: bytes, name: str = "me.jpg", **fields: Any) -> Any:
        upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
        return client.post("/me/photo/", {"photo": upload, **fields})

    def test_upload_shows_the_photo_on_the_profile_and_the_directory(
        self, web_client: Any, member: User, other: User
    ) -> None:
        response = self._upload(web_client, jpeg_with_exif())
        assert response.status_code == 302
        member.refresh_from_db()
        url = f"/photos/{member.pk}/{member.photo_key}-400.jpg"
        assert url in web_client.get(f"/members/{member.pk}/").content.decode()
        # On a card in someone else's directory.
        directory = web_client_for(other).get("/members/").content.decode()
        assert f"/photos/{member.pk}/{member.photo_key}-160.jpg" in directory

    def test_the_photo_is_served_for_ever_cacheable(self, web_client: Any, member: User) -> None:
        self._upload(web_client, jpeg_with_exif())
        member.refresh_from_db()
        response = web_client.get(f"/photos/{member.pk}/{member.photo_key}-160.jpg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert _open(response.content).size == (160, 160)
        gone = web_client.get(f"/photos/{member.pk}/{'0' * 32}-160.jpg")
        assert gone.status_code == 404

    def test_a_text_file_renamed_jpg_is_refused_on_the_form(
        self, web_client: Any, member: User
    ) -> None:
        response = self._upload(web_client, b"Hello, this is not a photo.\n", name="photo.jpg")
        assert response.status_code == 422
        assert "This file is not an image we can read." in response.content.decode()
        member.refresh_from_db()
        assert member.photo_key == ""

    def test_half_a_crop_box_is_refused(self, web_client: Any) -> None:
        response = self._upload(web_client, jpeg_with_exif(), crop_x=10)
        assert response.status_code == 422
        assert "or none of them for the centre" in response.content.decode()

    def test_the_initials_show_without_a_photo(self, web_client: Any, member: User) -> None:
        html = web_client.get(f"/members/{member.pk}/").content.decode()
        assert 'class="avatar avatar-large" aria-hidden="true">SO</span>' in html

    def test_remove(self, web_client: Any, member: User) -> None:
        self._upload(web_client, jpeg_with_exif())
        assert web_client.post("/me/photo/remove/").status_code == 302
        member.refresh_from_db()
        assert member.photo_key == ""


class TestApi:
    def test_upload_with_a_crop_and_remove(self, api_client: Any, member: User) -> None:
        upload = SimpleUploadedFile("me.png", png(500, 300), content_type="image/png")
        response = api_client.post(
            "/api/me/photo", {"file": upload, "crop_x": 100, "crop_y": 0, "crop_size": 300}
        )
        assert response.status_code == 200, response.content
        member.refresh_from_db()
        body = response.json()
        assert body["photo_url"] == f"/photos/{member.pk}/{member.photo_key}-160.jpg"
        assert set(body["sizes"]) == {"64", "160", "400"}
        me = api_client.get(f"/api/members/{member.pk}").json()
        assert me["photo_url"] == body["photo_url"]
        assert api_client.delete("/api/me/photo").status_code == 204
        assert api_client.get("/api/me").json()["profile"]["photo_url"] is None

    def test_refusals(self, api_client: Any) -> None:
        text = SimpleUploadedFile("photo.jpg", b"just text", content_type="image/jpeg")
        response = api_client.post("/api/me/photo", {"file": text})
        assert response.status_code == 422
        assert response.json()["code"] == "photo_not_image"
        bomb = SimpleUploadedFile("bomb.png", png_claiming(30_000, 30_000))
        assert api_client.post("/api/me/photo", {"file": bomb}).json()["code"] == (
            "photo_too_many_pixels"
        )
        half = SimpleUploadedFile("me.png", png(300, 300))
        response = api_client.post("/api/me/photo", {"file": half, "crop_size": 100})
        assert response.json()["code"] == "invalid_fields"
        assert "crop" in response.json()["detail"]["fields"]

    @override_settings(MUTUALS_MAX_PHOTO_BYTES=2000)
    def test_an_oversized_file(self, api_client: Any) -> None:
        big = SimpleUploadedFile("big.jpg", jpeg_with_exif(), content_type="image/jpeg")
        response = api_client.post("/api/me/photo", {"file": big})
        assert response.status_code == 422
        assert response.json()["code"] == "photo_too_large"
        assert response.json()["detail"]["max_bytes"] == 2000

    def test_member_refs_carry_the_photo(self, member: User, other: User) -> None:
        from mutuals.accounts.schemas import MemberRefOut

        photos.photo_set(user=other, stream=io.BytesIO(png(200, 200)), size=None)
        other = User.objects.select_related("profile").get(pk=other.pk)
        assert MemberRefOut.build(other).photo_url == photos.photo_url(other)
        member = User.objects.select_related("profile").get(pk=member.pk)
        assert MemberRefOut.build(member).photo_url is None


class TestStorageSettings:
    def test_the_data_directory_by_default(self) -> None:
        from config.settings.base import DATA_DIR, photos_storage

        conf = photos_storage({})
        assert conf["BACKEND"] == "django.core.files.storage.FileSystemStorage"
        assert conf["OPTIONS"] == {"location": DATA_DIR / "photos", "base_url": "/photos/"}

    def test_a_bucket_through_django_storages(self) -> None:
        from storages.backends.s3 import S3Storage

        from config.settings.base import PHOTO_CACHE_CONTROL, photos_storage

        conf = photos_storage(
            {
                "MUTUALS_PHOTOS_S3_BUCKET": "faces",
                "MUTUALS_PHOTOS_S3_ENDPOINT_URL": "https://s3.example.org",
                "MUTUALS_PHOTOS_S3_REGION": "eu-central-1",
                "MUTUALS_PHOTOS_S3_ACCESS_KEY_ID": "key-id",
                "MUTUALS_PHOTOS_S3_SECRET_ACCESS_KEY": "not-a-secret",
                "MUTUALS_PHOTOS_S3_CUSTOM_DOMAIN": "photos.example.org",
            }
        )
        assert conf["BACKEND"] == "storages.backends.s3.S3Storage"
        storage = S3Storage(**conf["OPTIONS"])  # type: ignore[arg-type]
        assert storage.bucket_name == "faces"
        assert storage.endpoint_url == "https://s3.example.org"
        assert storage.querystring_auth is False
        assert storage.object_parameters == {
            "CacheControl": PHOTO_CACHE_CONTROL,
            "ContentType": "image/jpeg",
        }
        # Pages link to the public host, under the prefix, with no signature to expire.
        assert storage.url("7/abc-160.jpg") == "https://photos.example.org/photos/7/abc-160.jpg"
        assert photos.cache_control() == PHOTO_CACHE_CONTROL

    def test_signed_links_on_request(self) -> None:
        from config.settings.base import photos_storage

        conf = photos_storage(
            {"MUTUALS_PHOTOS_S3_BUCKET": "faces", "MUTUALS_PHOTOS_S3_SIGNED_URLS": "yes"}
        )
        assert conf["OPTIONS"]["querystring_auth"] is True  # type: ignore[index]
