"""Notices in writing on a case (书面告知): a module issues one at a step (a petition's notice of
acceptance, its reply, an extension's reasons) with ``issue``; the text is fixed then, and ``pdf`` prints it
later as an A4 page with the case number and a QR code that opens the case's progress on /m/. The
applicant downloads their public documents on /m/; staff who may see the case print any of them. Every
print is audited.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gonghui.core import audit, pdf

from .models import Case, CaseDocument, DeliveryWay, EventKind


def issue(*, actor, case: Case, kind: str, title: str, body: str, issuer: str, delivery: str = "",
          public: bool = True) -> CaseDocument:
    """Inside the caller's transaction: number and keep the notice, and put it on the timeline."""
    from .services import add_event

    delivery = delivery if delivery in DeliveryWay.values else DeliveryWay.ONLINE
    count = CaseDocument.objects.filter(case=case).count()
    document = CaseDocument.objects.create(
        case=case, number=f"{case.number}-{count + 1:02d}", kind=kind, title=title[:40], body=body,
        issuer=issuer[:100], issued_on=timezone.localdate(),
        issued_by=actor if getattr(actor, "pk", None) else None, delivery=delivery, public=public)
    add_event(case, actor, EventKind.DOCUMENT, f"出具《{document.title}》",
              text=f"文书编号{document.number}，{document.get_delivery_display()}", public=public,
              data={"document": document.number})
    audit.record(actor=actor, action="cases.document_issue", obj=case,
                 summary=f"{case.number} 出具{document.title}（{document.number}）")
    return document


def for_applicant(case: Case):
    return case.documents.filter(public=True)


def pdf_of(*, actor, document: CaseDocument, progress_url: str, applicant: bool = False) -> bytes:
    """The notice as an A4 PDF; ``applicant``: the applicant's own download (public notices only)."""
    if applicant and not document.public:
        raise PermissionDenied("该文书不对申请人公开。")
    data = pdf.render_pdf("cases/pdf_document.html", {
        "document": document, "case": document.case, "qr": pdf.qr_data_uri(progress_url),
        "progress_url": progress_url, "paragraphs": [p for p in document.body.split("\n") if p.strip()],
    })
    audit.record(actor=actor, action="cases.document_print", obj=document.case,
                 summary=f"{document.case.number} 打印{document.title}（{document.number}）")
    return data
