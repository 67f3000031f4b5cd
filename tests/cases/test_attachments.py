"""Attachments: checked by content, size-limited, stored encrypted, served only through the scoped,
audited views."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages

from gonghui.cases import services
from gonghui.cases.models import Attachment
from gonghui.core.models import AuditLog

from .conftest import jpeg, pdf, png, ticket_form


@pytest.fixture
def draft(ticket, worker_user, people):
    return services.case_create(actor=worker_user("王芳"), item=ticket, data=ticket_form(people["王芳"]))


def test_a_script_renamed_jpg_is_refused(draft, worker_user):
    with pytest.raises(ValidationError, match="不是可接受的格式"):
        services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="photo.jpg",
                                data=b"#!/bin/sh\nrm -rf /\n")
    assert not Attachment.objects.exists()


def test_a_truncated_image_is_refused(draft, worker_user):
    with pytest.raises(ValidationError, match="已损坏"):
        services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="id.jpg",
                                data=jpeg()[:2000])


def test_an_oversized_file_is_refused(draft, worker_user, settings):
    settings.ATTACHMENT_MAX_BYTES = 50_000
    with pytest.raises(ValidationError, match="超过"):
        services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="big.png",
                                data=png(size=(1500, 1500)) + b"\0" * 60_000)


def test_a_pdf_is_kept_with_its_pages_and_no_preview(draft, worker_user):
    row = services.attachment_add(actor=worker_user("王芳"), case=draft, material="employment", name="合同.pdf",
                                  data=pdf())
    assert (row.kind, row.content_type, row.pages, row.preview) == ("pdf", "application/pdf", 2, "")


def test_a_broken_pdf_is_refused(draft, worker_user):
    with pytest.raises(ValidationError, match="已损坏"):
        services.attachment_add(actor=worker_user("王芳"), case=draft, material="employment", name="x.pdf",
                                data=b"%PDF-1.7\n garbage")


def test_a_phone_photo_is_stored_encrypted_with_a_small_preview(draft, worker_user):
    import io

    from PIL import Image

    data = jpeg(size=(4000, 3000))
    row = services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="IMG_0001.JPG",
                                  data=data)
    with storages["attachments"].open(row.stored, "rb") as fh:
        stored = fh.read()
    assert stored != data and data[:64] not in stored  # ciphertext at rest
    clear, content_type = services.attachment_read(actor=worker_user("王芳"), attachment=row)
    assert clear == data and content_type == "image/jpeg"
    small, _ = services.attachment_read(actor=worker_user("王芳"), attachment=row, preview=True)
    assert max(Image.open(io.BytesIO(small)).size) == 1600


def test_heic_photos_from_an_iphone_are_accepted(draft, worker_user):
    import io

    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (10, 120, 200)).save(out, "HEIF")
    row = services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="IMG_0002.HEIC",
                                  data=out.getvalue())
    assert row.kind == "heic" and row.preview


def test_files_are_served_to_the_applicant_and_the_towns_staff_only_and_audited(draft, worker_user, login, client):
    row = services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="id.png", data=png())
    client.force_login(worker_user("王芳"))
    response = client.get(f"/m/cases/{draft.number}/files/{row.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(worker_user("李强"))
    assert client.get(f"/m/cases/{draft.number}/files/{row.pk}/").status_code == 404
    assert login("meiling_staff").get(f"/desk/cases/{draft.number}/files/{row.pk}/").status_code == 404
    views = AuditLog.objects.filter(action="cases.view_attachment").count()
    assert login("qingyang_staff").get(f"/desk/cases/{draft.number}/files/{row.pk}/?preview=1").status_code == 200
    assert AuditLog.objects.filter(action="cases.view_attachment").count() == views + 1


def test_the_applicant_cannot_change_materials_under_review_but_intake_staff_can_scan(
        draft, worker_user, staff, people):
    user = worker_user("王芳")
    for material in ("id_card", "employment"):
        services.attachment_add(actor=user, case=draft, material=material, name="a.png", data=png())
    services.transition(actor=user, case=draft, name="submit")
    with pytest.raises(services.CaseConflict, match="审核期间"):
        services.attachment_add(actor=user, case=draft, material="id_card", name="b.png", data=png())
    row = services.attachment_add(actor=staff["qingyang_staff"], case=draft, material="other", name="原件.pdf",
                                  data=pdf())
    assert row.by_staff


def test_a_truncated_image_is_refused_even_after_a_pdf_form_was_rendered(draft, worker_user):
    """WeasyPrint (the claim form's PDF) lets Pillow load truncated images process-wide when imported."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as importing WeasyPrint leaves it
    try:
        with pytest.raises(ValidationError, match="已损坏"):
            services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="id.jpg",
                                    data=jpeg()[:2000])
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels in a few dozen bytes (a decompression bomb's header)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(
        b"IEND", b"")


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(draft, worker_user):
    """Issue 23, finding 3: 13,000 × 13,000 pixels in a small file is refused from its header."""
    with pytest.raises(ValidationError, match="像素过大（13000×13000）"):
        services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="bomb.png",
                                data=_png_header(13000, 13000))
    assert not Attachment.objects.exists()


def test_the_stored_name_is_generated_and_the_shown_name_is_cleaned(draft, worker_user):
    """Issue 23, finding 8: the client's name is metadata only, without folders, with the real extension."""
    row = services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card",
                                  name="../../etc/shell.php", data=png())
    assert row.name == "shell.png"
    assert "shell" not in row.stored and row.stored.startswith(f"{draft.number}/") and row.stored.endswith(".bin")
    other = services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="\x00\n.jpg",
                                    data=png())
    assert other.name == "申请人身份证（正反面）.png"  # the material's name when nothing of the name is left


def test_an_image_beyond_pillows_own_limit_is_refused_too(draft, worker_user):
    with pytest.raises(ValidationError, match="像素过大"):
        services.attachment_add(actor=worker_user("王芳"), case=draft, material="id_card", name="bomb.png",
                                data=_png_header(20000, 20000))
