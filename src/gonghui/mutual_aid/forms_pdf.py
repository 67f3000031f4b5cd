"""The claim acceptance form (报销受理单): an A4 PDF printed at the intake point, in Chinese, with the case
number and a QR code that opens the case's progress page on /m/.

Rendered by the shared core.pdf (WeasyPrint, the CJK font embedded; the QR code by segno).
"""

from __future__ import annotations

from django.utils import timezone

from gonghui.core import audit, pdf


def claim_acceptance_form(case, *, progress_url: str, actor=None) -> bytes:
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
    data = pdf.render_pdf("mutual_aid/claim_form.html", {
        "case": case, "claim": claim, "invoices": invoices,
        "total": sum(i.amount for i in invoices), "eligible_total": sum(i.eligible for i in invoices),
        "qr": pdf.qr_data_uri(progress_url),
        "progress_url": progress_url, "printed_at": timezone.localtime(),
        "attachments": attachments, "received": received,
    })
    audit.record(actor=actor, action="mutual_aid.print_form", obj=case,
                 summary=f"{case.number} 打印报销受理单")
    return data
