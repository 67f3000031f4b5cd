"""A4 documents as PDF, for every module (mutual aid's claim acceptance form, a mediation agreement, a
notice in writing): WeasyPrint renders a Django template and embeds and subsets the CJK font (Debian's
fonts-wqy-microhei or fonts-noto-cjk), so the PDF reads the same on a machine without Chinese fonts. QR
codes are made by segno as PNGs and embedded as images (``qr_data_uri``)."""

from __future__ import annotations

import base64
import io

from django.template.loader import render_to_string


def qr_png(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def qr_data_uri(url: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(url)).decode()


def render_pdf(template: str, context: dict) -> bytes:
    from PIL import ImageFile
    from weasyprint import HTML

    # importing WeasyPrint lets Pillow load truncated images in the whole process; our PDFs embed only our
    # own QR codes, and uploads must be refused when truncated (core.uploads)
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML(string=render_to_string(template, context), base_url=None).write_pdf()
