"""Checking and re-encoding an evidence photo with Pillow (no Django).

The type is decided by the content, never by the name or the declared Content-Type: Pillow may
only try its JPEG, PNG and WebP readers. The pixel count is read from the header and checked
*before* anything is decoded, so a small file that claims 100,000 x 100,000 pixels (a
decompression bomb) is refused without memory spent on it; Pillow's own bomb check
(``DecompressionBombError``/``Warning``) stays on behind it. A file whose data is cut short or
damaged fails while it is decoded in full: Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` is held
False while a photo is decoded (WeasyPrint sets it True for the whole process when the PDFs
import it), under a lock that also lets one photo at a time be decoded per process.

Re-encoding (:func:`reencode`) applies the EXIF orientation to the pixels, then writes a new
file from the pixels alone: no EXIF, XMP, text chunks or comments travel with it, so whatever
else a file carried (a second file appended to it, a polyglot's other half) is gone. With
``keep_location`` the GPS tags (EXIF's GPSInfo directory), and only those, are written back.
The ICC colour profile is kept (it says how to show the colours, nothing about the place).
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from PIL import ExifTags, Image, ImageFile, ImageOps

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
THUMB_SIDE = 320
QUALITY = 88


_DECODING = threading.Lock()


@contextmanager
def strict() -> Iterator[None]:
    """Truncated files fail while the block runs (one block at a time in the process)."""
    with _DECODING:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


class PhotoRefused(ValueError):
    """``reason``: ``"type"`` (not a JPEG, PNG or WebP image), ``"pixels"`` (too many pixels),
    ``"damaged"`` (truncated or corrupt)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Checked:
    format: str
    width: int
    height: int


class _Borrowed:
    """The upload's file as Pillow may read it, but not close it (Pillow closes a PNG's file
    once it is decoded; the upload is read again to re-encode it)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        return None


def _open(stream: IO[bytes]) -> Image.Image:
    stream.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(_Borrowed(stream), formats=list(FORMATS))  # type: ignore[arg-type]
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PhotoRefused("pixels") from None
    except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRefused("type") from None


def check(stream: IO[bytes], *, max_pixels: int) -> Checked:
    """Refuse what is not a whole JPEG, PNG or WebP image of at most ``max_pixels`` pixels;
    the image is decoded once in full (then freed)."""
    with strict():
        return _check(stream, max_pixels=max_pixels)


def _check(stream: IO[bytes], *, max_pixels: int) -> Checked:
    image = _open(stream)
    with image:
        width, height = image.size
        if width < 1 or height < 1:
            raise PhotoRefused("damaged")
        if width * height > max_pixels:
            raise PhotoRefused("pixels")
        fmt = str(image.format)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.verify()
        except Image.DecompressionBombWarning:
            raise PhotoRefused("pixels") from None
        except Exception:
            raise PhotoRefused("damaged") from None
    _load(stream, max_pixels=max_pixels).close()
    return Checked(fmt, width, height)


def _load(stream: IO[bytes], *, max_pixels: int) -> Image.Image:
    image = _open(stream)
    if image.size[0] * image.size[1] > max_pixels:
        image.close()
        raise PhotoRefused("pixels")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        image.close()
        raise PhotoRefused("pixels") from None
    except Exception:
        image.close()
        raise PhotoRefused("damaged") from None
    return image


@dataclass(frozen=True)
class Encoded:
    content_type: str
    extension: str
    data: bytes
    width: int
    height: int
    thumb: bytes
    thumb_width: int
    thumb_height: int
    location_kept: bool


def _gps_exif(image: Image.Image) -> Image.Exif | None:
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None
    if not gps:
        return None
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = dict(gps)
    return exif


def _pixels_for(image: Image.Image, fmt: str) -> Image.Image:
    if "transparency" in image.info and image.mode in ("P", "L", "RGB", "LA"):
        image = image.convert("RGBA")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    elif fmt == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    return image


def _thumbnail(image: Image.Image) -> Image.Image:
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    if thumb.mode in ("RGBA", "LA", "P"):
        rgba = thumb.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return thumb.convert("RGB")


def reencode(stream: IO[bytes], *, max_pixels: int, keep_location: bool) -> Encoded:
    """The photo's pixels (turned upright by its EXIF orientation) in a new file of the same
    format, without metadata but the GPS tags when ``keep_location``; and a JPEG thumbnail of
    at most 320 pixels a side."""
    with strict():
        return _reencode(stream, max_pixels=max_pixels, keep_location=keep_location)


def _reencode(stream: IO[bytes], *, max_pixels: int, keep_location: bool) -> Encoded:
    image = _load(stream, max_pixels=max_pixels)
    with image:
        fmt = str(image.format)
        content_type, extension = FORMATS[fmt]
        gps = _gps_exif(image) if keep_location else None
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        pixels = _pixels_for(upright, fmt)
        pixels.info = {}  # nothing of the original's metadata may travel (XMP, comments, text)
        options: dict[str, object] = {}
        if fmt in ("JPEG", "WEBP"):
            options["quality"] = QUALITY
        if icc:
            options["icc_profile"] = icc
        if gps is not None:
            options["exif"] = gps
        out = io.BytesIO()
        pixels.save(out, fmt, **options)
        thumb = _thumbnail(pixels)
        small = io.BytesIO()
        thumb.save(small, "JPEG", quality=80)
        return Encoded(
            content_type=content_type,
            extension=extension,
            data=out.getvalue(),
            width=pixels.width,
            height=pixels.height,
            thumb=small.getvalue(),
            thumb_width=thumb.width,
            thumb_height=thumb.height,
            location_kept=gps is not None,
        )
