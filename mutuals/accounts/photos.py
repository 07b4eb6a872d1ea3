"""Profile photos (issue 19): checked, cropped square, resized, stripped of metadata, stored.

An upload is decoded by Pillow only after its size in bytes and its dimensions (read from the
header, before any pixel is decoded) are within bounds, so a small file that claims a huge
image (a decompression bomb) is refused before it takes memory. The member's crop box (in the
pixels of the photo as it is seen, after its EXIF orientation) or else the centred square is
resized to each of `SIZES` and written as a new JPEG: nothing of the original file (EXIF with
its GPS position and camera, XMP, ICC profiles, comments) is copied.

The files are named after the hash of their content (`User.photo_key`), in the `photos`
storage: the data directory by default, or an S3-compatible bucket (README, "Profile photos").
A new photo therefore has new addresses, and each address can be cached for ever
(`cache_control`); the old files are deleted once the change is committed. Without a
photo, pages show the initials (`accounts/_avatar.html`).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from mutuals.accounts.models import User
from mutuals.core.errors import Refused

# Square sizes in pixels: 64 for lists (a 32 px face at twice the density), 160 for cards,
# posts and messages (up to 80 px), 400 for the profile page (up to 200 px).
SIZES = (64, 160, 400)
SMALL, MEDIUM, LARGE = SIZES
# The smallest square worth showing, and the largest photo decoded at all.
MIN_SIDE = 64
MAX_SIDE = 12_000
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
JPEG_QUALITY = 85


def cache_control() -> str:
    """How long a photo's address may be cached: for ever (settings.PHOTO_CACHE_CONTROL, which
    the S3 storage also writes on each file)."""
    return str(settings.PHOTO_CACHE_CONTROL)


def max_photo_bytes() -> int:
    return int(settings.MUTUALS_MAX_PHOTO_BYTES)


def photo_storage() -> Storage:
    return storages["photos"]


@dataclass(frozen=True, slots=True)
class Crop:
    """A square in the photo's pixels as seen (after its orientation): top-left and side."""

    x: int
    y: int
    size: int


def _not_an_image(message: str) -> Refused:
    formats = ", ".join(ACCEPTED_FORMATS.values())
    return Refused(
        f"{message} Upload a photo as {formats}.",
        code="photo_not_image",
        detail={"formats": list(ACCEPTED_FORMATS.values())},
    )


def _too_many_pixels(width: int | None, height: int | None) -> Refused:
    return Refused(
        f"The image is too large to process ({width or '?'} × {height or '?'} pixels); "
        f"a photo may have at most {MAX_PIXELS // 1_000_000} megapixels and "
        f"{MAX_SIDE:,} pixels a side. Save a smaller copy and upload that.",
        code="photo_too_many_pixels",
        detail={"width": width, "height": height, "max_pixels": MAX_PIXELS, "max_side": MAX_SIDE},
    )


def _open(stream: IO[bytes]) -> Image.Image:
    """The image, decoded only after its header passed the checks."""
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns before it refuses; both are a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(stream)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels(None, None) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _not_an_image("This file is not an image we can read.") from None
        if image.format not in ACCEPTED_FORMATS:
            raise _not_an_image(f"{image.format or 'This'} images are not accepted.")
        width, height = image.size
        if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
            raise _too_many_pixels(width, height)
        if min(width, height) < MIN_SIDE:
            raise Refused(
                f"The photo is too small ({width} × {height} pixels); "
                f"it needs at least {MIN_SIDE} pixels a side.",
                code="photo_too_small",
                detail={"width": width, "height": height, "min_side": MIN_SIDE},
            )
        try:
            image.load()
            # Turned as the camera meant it, so the crop box is in the pixels the member saw.
            turned = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels(width, height) from None
        except (OSError, SyntaxError, ValueError):
            raise _not_an_image("The image is damaged or incomplete.") from None
    return turned


def _square(image: Image.Image, crop: Crop | None) -> Image.Image:
    width, height = image.size
    if crop is None:
        side = min(width, height)
        crop = Crop(x=(width - side) // 2, y=(height - side) // 2, size=side)
    problems = []
    if crop.size < MIN_SIDE:
        problems.append(f"The square must be at least {MIN_SIDE} pixels a side.")
    if crop.x < 0 or crop.y < 0 or crop.x + crop.size > width or crop.y + crop.size > height:
        problems.append(f"The square must lie inside the photo ({width} × {height} pixels).")
    if problems:
        raise Refused.for_fields({"crop": problems})
    return image.crop((crop.x, crop.y, crop.x + crop.size, crop.y + crop.size))


def _flat_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels only; transparency laid on white (a JPEG has no alpha)."""
    if image.mode in {"RGBA", "LA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def photo_render(stream: IO[bytes], *, crop: Crop | None = None) -> dict[int, bytes]:
    """The photo as one JPEG per size in `SIZES`, square, with no metadata.

    Refuses (422) what is not a JPEG, PNG or WebP image (`photo_not_image`), a photo over
    `MAX_PIXELS` or `MAX_SIDE` (`photo_too_many_pixels`, checked from the header before
    decoding), one under `MIN_SIDE` (`photo_too_small`), and a crop box outside the photo or
    under `MIN_SIDE` (`invalid_fields` on `crop`).
    """
    image = _open(stream)
    square = _flat_rgb(_square(image, crop))
    rendered = {}
    for size in SIZES:
        resized = square.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
        # Pixels only, into a fresh image: Pillow carries the source's info (its comment, ICC
        # profile, XMP) through resizing and would write some of it back into the JPEG.
        clean = Image.new("RGB", resized.size)
        clean.paste(resized)
        out = io.BytesIO()
        clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        rendered[size] = out.getvalue()
    return rendered


def photo_name(member_id: int, key: str, size: int) -> str:
    return f"{member_id}/{key}-{size}.jpg"


def photo_urls(member: User) -> dict[int, str]:
    """Size → address of the member's photo, or {} when they have none."""
    if not member.photo_key:
        return {}
    storage = photo_storage()
    return {size: storage.url(photo_name(member.pk, member.photo_key, size)) for size in SIZES}


def photo_url(member: User, size: int = MEDIUM) -> str | None:
    return photo_url_for(member.pk, member.photo_key, size)


def photo_url_for(member_id: int, key: str | None, size: int = MEDIUM) -> str | None:
    """The address of one size of a photo from the member's id and photo key alone (a row
    read without the model), or None without a photo."""
    if not key:
        return None
    return photo_storage().url(photo_name(member_id, key, size))


def _delete_files(member_id: int, key: str) -> None:
    storage = photo_storage()
    for size in SIZES:
        storage.delete(photo_name(member_id, key, size))


def _sizes_checked(upload_size: int | None) -> None:
    limit = max_photo_bytes()
    if upload_size is not None and upload_size > limit:
        raise Refused(
            f"The photo is {upload_size / 1_048_576:.1f} MB; the limit is "
            f"{limit // 1_048_576} MB. Save a smaller copy and upload that.",
            code="photo_too_large",
            detail={"size": upload_size, "max_bytes": limit},
        )


@transaction.atomic
def photo_set(*, user: User, stream: IO[bytes], size: int | None, crop: Crop | None = None) -> User:
    """Make the uploaded image the member's profile photo (the rules of `photo_render`; a
    file over `MUTUALS_MAX_PHOTO_BYTES` is `photo_too_large`, refused before it is decoded).
    The previous photo's files are deleted once the change is committed."""
    _sizes_checked(size)
    rendered = photo_render(stream, crop=crop)
    key = hashlib.sha256(rendered[LARGE]).hexdigest()[:32]
    storage = photo_storage()
    for pixels, data in rendered.items():
        name = photo_name(user.pk, key, pixels)
        if not storage.exists(name):
            storage.save(name, ContentFile(data))
    member = User.objects.select_for_update().get(pk=user.pk)
    old = member.photo_key
    User.objects.filter(pk=user.pk).update(photo_key=key)
    if old and old != key:
        transaction.on_commit(lambda: _delete_files(user.pk, old))
    user.photo_key = key
    return user


@transaction.atomic
def photo_remove(*, user: User) -> None:
    """Remove the member's photo: the pages show their initials again and the files go once
    the change is committed. Removing when there is none changes nothing."""
    member = User.objects.select_for_update().get(pk=user.pk)
    old = member.photo_key
    if not old:
        return
    User.objects.filter(pk=user.pk).update(photo_key="")
    transaction.on_commit(lambda: _delete_files(user.pk, old))
    user.photo_key = ""


def photo_file(member_id: int, key: str, size: int) -> bytes | None:
    """The stored bytes of one size of a photo, or None when there is no such file (an old
    photo since replaced, or a name nobody was given)."""
    if size not in SIZES:
        return None
    storage = photo_storage()
    name = photo_name(member_id, key, size)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def initials(name: str) -> str:
    """Up to two letters for a face without a photo: first and last word ("Ana Ferreira" is
    "AF"; "Cher" is "C")."""
    words = [word for word in name.split() if word[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
