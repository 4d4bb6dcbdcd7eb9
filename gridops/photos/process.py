"""Turn an uploaded file into a clean JPEG: checked by content, upright, without metadata.

The file's name and declared type are ignored: Pillow decides what it is. Only the pixels
survive re-encoding, so EXIF (camera, time, GPS position) never reaches the store.
"""
import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from gridops.photos.errors import NotAnImage, PhotoTooLarge, TooManyPixels

#: What Pillow may open; a multi-picture JPEG (MPO) from some phones opens as JPEG.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_SIDE = 1600
THUMB_SIDE = 320
QUALITY = 82
#: An image whose header claims more pixels than this is refused before anything is decoded.
HEADER_PIXEL_FACTOR = 8


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded photo and its thumbnail, named by the SHA-256 of the photo."""

    data: bytes
    thumb: bytes
    width: int
    height: int
    sha256: str


def clean_photo(stream, max_bytes, max_pixels):
    """Read `stream` and return a CleanPhoto, or raise why the file is refused."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise PhotoTooLarge(limit=round(max_bytes / 1024 / 1024, 1))
    with warnings.catch_warnings():
        # Pillow warns, then raises, on huge images; both are a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _decoded(raw, max_pixels)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
                Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            if isinstance(error, (Image.DecompressionBombWarning, Image.DecompressionBombError)):
                raise TooManyPixels(limit=max_pixels // 1_000_000) from None
            raise NotAnImage() from None
    photo = _jpeg(image, MAX_SIDE)
    width, height = image.size
    return CleanPhoto(photo, _jpeg(image, THUMB_SIDE), width, height,
                      hashlib.sha256(photo).hexdigest())


def _decoded(raw, max_pixels):
    """Open, size-check, decode, turn upright and flatten to RGB."""
    image = Image.open(io.BytesIO(raw), formats=FORMATS)
    _check_pixels(image.size, max_pixels * HEADER_PIXEL_FACTOR, max_pixels)
    if image.format in ("JPEG", "MPO"):
        # JPEG can decode at 1/2, 1/4 or 1/8 scale: a 100-megapixel camera shot stays cheap.
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))
    _check_pixels(image.size, max_pixels, max_pixels)
    image.load()
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return _rgb(image)


def _check_pixels(size, ceiling, limit):
    if size[0] * size[1] > ceiling:
        raise TooManyPixels(limit=limit // 1_000_000)


def _rgb(image):
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def _jpeg(image, side):
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= and no icc_profile=: the new file carries pixels only.
    copy.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
