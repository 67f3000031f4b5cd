"""Counselling notes are the counsellor's alone. A note is written; then every role of the platform — the
centre's staff of the city and of two towns, the reviewer, finance, the mutual-aid administrator, the system,
security and audit administrators, a lawyer, a doctor, the other counsellor of the same practice, the crisis
lead (before any disclosure) and the worker who came — opens every page of the workbench, the figures, the
Django admin, the API, the exports and the audit log: the note appears nowhere. Only its author reads it,
and the crisis lead's emergency disclosure is a justified, audited act the counsellor is told of."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from gonghui.cases.models import Message
from gonghui.core.models import AuditLog
from gonghui.counselling import services
from gonghui.counselling.models import Contact

SECRET = "来访者提到想轻生的念头"


def _urls(patterns=None, prefix=""):
    """Every page and API route that takes no argument (admin included)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _urls(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and not pattern.pattern.regex.groupindex:
            route = prefix + str(pattern.pattern)
            if "<" not in route and "(?P" not in route and "^" not in route.lstrip("^"):
                yield "/" + route.lstrip("^").rstrip("$")


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "".join(book.read(n).decode("utf-8", "ignore") for n in book.namelist())
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8", "ignore")
    return response.content.decode("utf-8", "ignore")


@pytest.fixture
def noted(counsellors, session, book, staff, today, people, worker_user):
    """苏老师's booked session with 王芳: she checked in, and the counsellor wrote a note flagged at risk."""
    s = session(capacity=1, service="counselling", providers=counsellors[:1])
    booking = book("王芳", s)
    today(s.date)
    from gonghui.scheduling import services as scheduling

    scheduling.check_in(actor=staff["city_staff"], booking=booking)
    contact = services.contact_for_booking(actor=counsellors[0], booking=booking)
    services.note_write(actor=counsellors[0], contact=contact, note=SECRET, risk=True)
    hotline = services.contact_log(actor=counsellors[0], channel="hotline", occurred_on=s.date, minutes=25,
                                   client_label="陈先生", note=SECRET + "（热线）")
    return contact, hotline


@pytest.fixture
def lead(city, grant):
    user = get_user_model().objects.create_user("crisis_lead", password="x", name="危机干预负责人",
                                                must_change_password=False, org=city["jinjiang"])
    return grant(user, "crisis_lead", city["jinjiang"])


def test_the_note_is_encrypted_at_rest(noted):
    contact, _ = noted
    with connection.cursor() as cursor:
        cursor.execute("SELECT note_enc FROM counselling_contact WHERE id = %s", [contact.pk])
        raw = bytes(cursor.fetchone()[0])
    assert SECRET.encode() not in raw


def test_only_the_author_reads_the_note(noted, counsellors, login):
    contact, _ = noted
    page = Client()
    page.force_login(counsellors[0])
    assert SECRET in page.get(reverse("counselling:contact", args=[contact.pk])).content.decode()
    other = Client()
    other.force_login(counsellors[1])  # the other counsellor of the same practice
    assert other.get(reverse("counselling:contact", args=[contact.pk])).status_code == 404
    with pytest.raises(Exception, match="仅由接待的咨询师本人查看"):
        services.note_read(actor=counsellors[1], contact=contact)


def _signed_in(user, second_factor) -> Client:
    """A client signed in as ``user``, past the second factor where their role asks for it."""
    client = Client()
    client.force_login(user)
    if user.is_superuser or user.role_assignments.filter(role__requires_2fa=True).exists():
        second_factor(client, user)
    return client


def test_no_other_role_finds_the_note_on_any_surface(noted, staff, counsellors, doctors, lead, worker_user, city,
                                                     second_factor):
    from gonghui.legal.demo_data import ensure_partners

    lawyer = ensure_partners(lawyers=["陈建华"])[0]
    everyone = [u for u in {*staff.values(), counsellors[1], doctors[0], lead, lawyer, worker_user("王芳")}
                if u.pk != counsellors[0].pk]
    assert {"city_staff", "qingyang_staff", "admin", "secadmin", "auditor", "city_finance", "counsellor2",
            "doctor1", "crisis_lead", "lawyer1"} <= {u.username for u in everyone}
    superuser = get_user_model().objects.create_superuser("root", password="x", name="超级用户",
                                                       must_change_password=False)
    everyone.append(superuser)  # even a Django superuser: the admin has no page for the notes
    contact, hotline = noted
    urls = sorted(set(_urls()))
    assert "/desk/counselling/" in urls and "/admin/" in urls and "/api/v1/cases" in urls
    extra = [reverse("counselling:contact", args=[contact.pk]), reverse("counselling:contact", args=[hotline.pk]),
             reverse("counselling:risks"), "/desk/audit/?q=counselling", "/desk/audit/export/",
             reverse("scheduling:session", args=[contact.booking.session_id]),
             reverse("scheduling_dash:figures") + "?format=xlsx", reverse("registry:worker_detail",
                                                                         args=[contact.worker_id])]
    extra += [f"/admin/counselling/{m}/" for m in ("contact", "disclosure", "letter", "groupcourse")]
    seen: dict[str, int] = {}
    for user in everyone:
        client = _signed_in(user, second_factor)
        for url in [*urls, *extra]:
            if url.endswith("/logout/"):
                continue
            response = client.get(url)
            if response.status_code == 200:
                seen[user.username] = seen.get(user.username, 0) + 1
                assert SECRET not in _text(response), (user.username, url)
    # the pages were really read, the administrators' too (the audit log, the admin)
    assert all(seen.get(name, 0) >= 5 for name in ("auditor", "admin", "root", "crisis_lead", "city_staff")), str(seen)


def test_the_crisis_lead_discloses_with_a_reason_audited_and_the_counsellor_told(noted, lead, counsellors,
                                                                                 second_factor):
    contact, _ = noted
    client = _signed_in(lead, second_factor)
    risks = client.get(reverse("counselling:risks")).content.decode()
    assert "王芳" in risks and SECRET not in risks  # the flag, not the content
    refused = client.post(reverse("counselling:disclose", args=[contact.pk]), {"reason": "看看"}, follow=True)
    assert "不少于10个字" in refused.content.decode() and SECRET not in refused.content.decode()
    assert not AuditLog.objects.filter(action="counselling.disclose").exists()
    reason = "来访者今晚失联，家属报警，需立即了解风险情况"
    shown = client.post(reverse("counselling:disclose", args=[contact.pk]), {"reason": reason})
    assert SECRET in shown.content.decode()
    log = AuditLog.objects.get(action="counselling.disclose")
    assert log.actor_id == lead.pk and reason in log.summary and SECRET not in log.summary
    assert contact.disclosures.get().reason == reason
    told = Message.objects.get(recipient=counsellors[0], title="咨询记录被紧急查阅")
    assert reason in told.body and SECRET not in told.body
    # nothing else recorded in the audit log holds the content
    assert not AuditLog.objects.filter(summary__contains=SECRET).exists()


def test_a_staff_member_cannot_disclose(noted, staff):
    contact, _ = noted
    with pytest.raises(Exception, match="心理危机干预负责人"):
        services.disclose(actor=staff["city_staff"], contact=contact, reason="我想看看记录内容，十个字以上")


def test_figures_count_contacts_by_channel_never_their_content(noted, staff):
    from gonghui.counselling.views import panel

    figures = dict((label, value) for label, value, _url in panel(staff["city_staff"])["figures"])
    assert figures["预约咨询"] == "1" and figures["心理热线"] == "1"
    assert Contact.objects.filter(occurred_on__year=timezone.localdate().year).count() >= 1
