"""Uploaded documents (photos and scans): checked by their content, never by their name.

``inspect(data, name)`` answers what a file really is — JPEG, PNG, HEIC (iPhone photos) or PDF — by
opening it with the library that reads that format (Pillow, pillow-heif, pypdf), or refuses it with a
message in Chinese: a script renamed ``.jpg`` is not an image whatever its name says, an image that does
not decode is refused, a PDF that does not parse is refused. ``preview(data)`` makes the downscaled
JPEG shown on screen (phones send 4000-pixel photos; the case page needs 1600).

Storage: a case's attachments are kept by the engine (cases.attachment_add). A module's single document
outside a case (a festival visit's signed receipt, a model worker's certificate) is kept with ``keep``:
checked, encrypted and stored in the attachments storage (so key rotation and backups take it up), read
back with ``kept`` and removed with ``discard``.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

ACCEPTED_LABEL = "JPG、PNG、HEIC 照片或 PDF 扫描件"
PREVIEW_PIXELS = 1600
_heif_registered = False


@dataclass(frozen=True)
class Inspected:
    kind: str  # jpeg | png | heic | pdf
    content_type: str
    extension: str
    pages: int = 1
    width: int = 0
    height: int = 0

    @property
    def is_image(self) -> bool:
        return self.kind != "pdf"


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
        return "heic"
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    return None


def inspect(data: bytes, name: str = "") -> Inspected:
    """What the file is, or ``ValidationError`` with the reason (in Chinese)."""
    label = f"文件“{name}”" if name else "文件"
    if not data:
        raise ValidationError(f"{label}是空的。", code="empty")
    if len(data) > max_bytes():
        raise ValidationError(f"{label}超过 {max_bytes() // (1024 * 1024)} MB，请压缩或分开上传。",
                              code="too_large")
    kind = _sniff(data[:32])
    if kind is None:
        raise ValidationError(f"{label}不是可接受的格式（只接受{ACCEPTED_LABEL}），请重新拍照或扫描。",
                              code="bad_type")
    if kind == "pdf":
        return _inspect_pdf(data, label)
    return _inspect_image(data, kind, label)


def _inspect_pdf(data: bytes, label: str) -> Inspected:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(f"{label}是加密的 PDF，无法查看，请上传未加密的扫描件。", code="encrypted")
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValidationError(f"{label}已损坏，无法打开，请重新扫描。", code="corrupt") from exc
    if pages == 0:
        raise ValidationError(f"{label}没有页面。", code="corrupt")
    return Inspected("pdf", "application/pdf", "pdf", pages=pages)


def max_pixels() -> int:
    return settings.ATTACHMENT_MAX_PIXELS


def _inspect_image(data: bytes, kind: str, label: str) -> Inspected:
    from PIL import Image, ImageFile, UnidentifiedImageError

    # WeasyPrint sets this process-wide when it is imported (the claim form's PDF): a truncated photo would
    # then load without complaint. Uploads are checked whole, whoever imported what before.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    if kind == "heic":
        _register_heif()
    try:
        # the size is in the header: a small file that claims a huge image (a decompression bomb: 480 KB of
        # PNG for 13,000 × 13,000 pixels took 9 s and 1.3 GB to decode) is refused before anything is decoded
        with warnings.catch_warnings():  # Pillow's own warning comes at 89 million pixels; ours is the limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        if width * height > max_pixels():
            raise ValidationError(f"{label}的像素过大（{width}×{height}），请用手机正常拍照或压缩后上传。",
                                  code="too_many_pixels")
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # decodes the structure; a truncated or forged file fails here
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # beyond Pillow's hard limit: refused before the size is read
        raise ValidationError(f"{label}的像素过大，请用手机正常拍照或压缩后上传。", code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(f"{label}已损坏或不是完整的图片，请重新拍照。", code="corrupt") from exc
    types = {"jpeg": ("image/jpeg", "jpg"), "png": ("image/png", "png"), "heic": ("image/heic", "heic")}
    content_type, extension = types[kind]
    return Inspected(kind, content_type, extension, width=width, height=height)


def preview(data: bytes) -> bytes:
    """A JPEG no larger than ``PREVIEW_PIXELS`` on its long side, upright (EXIF orientation applied)."""
    from PIL import Image, ImageOps

    _register_heif()
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PREVIEW_PIXELS, PREVIEW_PIXELS))
        if image.mode not in ("RGB", "L"):  # palette, CMYK scans, transparency: flatten onto white
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def keep(data: bytes, name: str, folder: str) -> tuple[str, str]:
    """Check a document, store it encrypted; returns (stored path, content type)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from gonghui.core import pii

    info = inspect(data, name)
    stored = storages["attachments"].save(f"{folder}/{uuid.uuid4().hex}.bin",
                                          ContentFile(pii.encrypt_bytes(data, field="attachment")))
    return stored, info.content_type


def kept(path: str) -> bytes:
    from django.core.files.storage import storages

    from gonghui.core import pii

    with storages["attachments"].open(path, "rb") as fh:
        return pii.decrypt_bytes(fh.read(), field="attachment")


def discard(path: str) -> None:
    from django.core.files.storage import storages

    if path:
        storages["attachments"].delete(path)
