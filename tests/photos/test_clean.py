"""Photos are checked by content, turned upright, stripped of EXIF and stored by hash."""
import io
import struct
import zlib

import pytest
from PIL import Image

from gridops.photos import store
from gridops.photos.errors import NotAnImage, PhotoTooLarge, TooManyPixels
from gridops.photos.process import clean_photo

from web.kit import photo_bytes

MB = 1024 * 1024


def clean(data, max_bytes=12 * MB, max_pixels=40_000_000):
    return clean_photo(io.BytesIO(data), max_bytes, max_pixels)


def png_header_only(width, height):
    """Return a PNG that declares `width`×`height` but holds almost no data: a bomb's header."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def test_a_camera_jpeg_is_scaled_down_and_loses_its_exif_and_gps():
    photo = clean(photo_bytes((2000, 1500)))
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and max(image.size) == 1600
    assert (photo.width, photo.height) == image.size == (1600, 1200)
    assert not image.getexif() and "exif" not in image.info


def test_the_photo_is_turned_upright_by_its_exif_orientation():
    # Orientation 6: the camera was held upright, the sensor stored the picture on its side.
    photo = clean(photo_bytes((800, 600), orientation=6))
    assert (photo.width, photo.height) == (600, 800)


def test_a_transparent_png_becomes_a_white_backed_jpeg():
    photo = clean(photo_bytes((300, 200), fmt="PNG", color=(0, 0, 0, 0)))
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG" and image.getpixel((10, 10)) == (255, 255, 255)


def test_the_same_picture_always_gives_the_same_hash_and_a_thumbnail():
    first, second = clean(photo_bytes()), clean(photo_bytes())
    assert first.sha256 == second.sha256 and len(first.sha256) == 64
    assert max(Image.open(io.BytesIO(first.thumb)).size) == 320


def test_a_text_file_named_like_a_photo_is_refused():
    with pytest.raises(NotAnImage) as refused:
        clean(b"%PDF-1.4 this is not a picture at all")
    assert "不是照片" in refused.value.message() or "not a photo" in refused.value.message()


def test_a_truncated_jpeg_is_refused_as_not_an_image():
    with pytest.raises(NotAnImage):
        clean(photo_bytes()[:300])


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    with pytest.raises(TooManyPixels):
        clean(png_header_only(30_000, 30_000))


def test_an_image_over_the_pixel_limit_is_refused():
    with pytest.raises(TooManyPixels):
        clean(png_header_only(7_000, 7_000))


def test_a_file_over_the_byte_limit_is_refused():
    with pytest.raises(PhotoTooLarge) as refused:
        clean(photo_bytes(), max_bytes=1000)
    assert refused.value.params["limit"] == 0.0


def test_the_store_names_files_by_hash_and_writes_each_once(tmp_path):
    photo = clean(photo_bytes())
    store.save(tmp_path, photo)
    full = store.path_of(tmp_path, photo.sha256)
    assert full.read_bytes() == photo.data
    assert store.path_of(tmp_path, photo.sha256, "thumb").exists()
    stamp = full.stat().st_mtime_ns
    store.save(tmp_path, photo)
    assert full.stat().st_mtime_ns == stamp
    with pytest.raises(ValueError):
        store.path_of(tmp_path, "../../etc/passwd")
