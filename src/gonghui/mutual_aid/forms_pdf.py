"""The claim acceptance form (报销受理单): an A4 PDF printed at the intake point, in Chinese, with the case
number and a QR code that opens the case's progress page on /m/.

WeasyPrint renders a Django template; it embeds and subsets the CJK font (Debian's fonts-wqy-microhei
or fonts-noto-cjk), so the PDF reads the same on a machine without Chinese fonts. The QR code is made by
segno as a PNG and embedded as an image.
"""

from __future__ import annotations

import base64
import io

from django.template.loader import render_to_string
from django.utils import timezone

from gonghui.core import audit


def qr_png(url: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def claim_acceptance_form(case, *, progress_url: str, actor=None) -> bytes:
    from PIL import ImageFile
    from weasyprint import HTML

    # importing WeasyPrint lets Pillow load truncated images in the whole process; our PDFs embed only our
    # own QR codes, and uploads must be refused when truncated (core.uploads)
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    from .models import Claim

    claim = Claim.objects.filter(case=case).select_related("product__plan_year").first()
    invoices = list(claim.invoices.all()) if claim else []
    attachments = list(case.attachments.all())
    # what was received, material by material, in the order of the materials list: never one not uploaded
    counts: dict[str, int] = {}
    for attachment in attachments:
        counts[attachment.material] = counts.get(attachment.material, 0) + 1
    names = {m["key"]: m["name"] for m in case.item.materials}
    received = [(names[key], counts[key]) for key in names if key in counts]
    received += [("其他材料", n) for key, n in counts.items() if key not in names]
    html = render_to_string("mutual_aid/claim_form.html", {
        "case": case, "claim": claim, "invoices": invoices,
        "total": sum(i.amount for i in invoices), "eligible_total": sum(i.eligible for i in invoices),
        "qr": "data:image/png;base64," + base64.b64encode(qr_png(progress_url)).decode(),
        "progress_url": progress_url, "printed_at": timezone.localtime(),
        "attachments": attachments, "received": received,
    })
    data = HTML(string=html, base_url=None).write_pdf()
    audit.record(actor=actor, action="mutual_aid.print_form", obj=case,
                 summary=f"{case.number} 打印报销受理单")
    return data
