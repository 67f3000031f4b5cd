"""The counselling room as its people use it: the mailbox (a worker writes on /m/, a counsellor answers, she
reads the answer), the hotline log, a booked session's note reached from the session page, group courses."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.counselling.models import Contact, GroupCourse, Letter
from gonghui.scheduling import services as scheduling


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_mailbox_from_the_phone_to_the_answer(worker_user, counsellors, staff, city):
    worker = _as(worker_user("王芳"))
    refused = worker.post(reverse("counselling_m:mailbox"), {"subject": "", "body": "最近"})
    assert "请填写标题" in refused.content.decode() and "至少5个字" in refused.content.decode()
    worker.post(reverse("counselling_m:mailbox"), {"subject": "睡不着", "body": "最近工作压力很大，晚上睡不着。"})
    letter = Letter.objects.get()
    assert "睡不着".encode() not in bytes(letter.body_enc)
    counsellor = _as(counsellors[0])
    assert "睡不着" in counsellor.get(reverse("counselling:mailbox")).content.decode()
    page = counsellor.get(reverse("counselling:letter", args=[letter.pk])).content.decode()
    assert "晚上睡不着" in page and "王芳" not in page  # the counsellor reads the letter, not who wrote it
    counsellor.post(reverse("counselling:letter", args=[letter.pk]), {"answer": "可以试试睡前放松训练，欢迎预约面谈。"})
    assert "睡前放松训练" in worker.get(reverse("counselling_m:mailbox")).content.decode()
    assert Contact.objects.filter(channel="mailbox", counsellor=counsellors[0]).count() == 1
    # the centre's staff are not counsellors: no mailbox for them
    assert _as(staff["city_staff"]).get(reverse("counselling:letter", args=[letter.pk])).status_code == 404
    assert _as(staff["city_staff"]).get(reverse("counselling:mailbox")).status_code == 403


def test_the_counsellor_logs_a_hotline_call_after_a_mistake(counsellors):
    counsellor = _as(counsellors[0])
    refused = counsellor.post(reverse("counselling:contacts"), {"channel": "hotline", "minutes": "abc",
                                                                "occurred_on": timezone.localdate().isoformat(),
                                                                "client_label": "陈先生", "note": "失眠"})
    text = refused.content.decode()
    assert "时长应为1到600分钟" in text and "陈先生" in text and "失眠" in text
    counsellor.post(reverse("counselling:contacts"), {"channel": "hotline", "minutes": "30", "client_label": "陈先生",
                                                      "occurred_on": timezone.localdate().isoformat(), "note": "失眠"})
    contact = Contact.objects.get()
    assert (contact.channel, contact.minutes, contact.client_label) == ("hotline", 30, "陈先生")


def test_a_booked_session_note_from_the_session_page(session, book, counsellors, staff, today):
    s = session(capacity=1, service="counselling", providers=counsellors[:1])
    booking = book("王芳", s)
    today(s.date)
    scheduling.check_in(actor=staff["city_staff"], booking=booking)
    counsellor = _as(counsellors[0])
    page = counsellor.get(reverse("scheduling:session", args=[s.pk])).content.decode()
    link = reverse("counselling:booking_note", args=[booking.pk])
    assert link in page and "咨询记录" in page
    contact_page = counsellor.get(link, follow=True)
    assert 'data-testid="note-form"' in contact_page.content.decode()
    contact = Contact.objects.get(booking=booking)
    assert contact.channel == "booked" and contact.minutes == 30
    # the clerk's session page has no such link; the other counsellor is not on the session
    assert link not in _as(staff["city_staff"]).get(reverse("scheduling:session", args=[s.pk])).content.decode()
    assert _as(counsellors[1]).get(link).status_code == 404


def test_group_courses_for_women_workers(staff, city):
    clerk = _as(staff["city_staff"])
    refused = clerk.post(reverse("counselling:groups"), {"enterprise_name": "恒安集团", "title": "",
                                                         "held_on": "2026-03-08", "participants": "0"})
    assert "请填写课程名称" in refused.content.decode() and "参加人数应为正整数" in refused.content.decode()
    clerk.post(reverse("counselling:groups"), {"enterprise_name": "恒安集团", "title": "女职工情绪管理",
                                               "held_on": "2026-03-08", "participants": "320", "women": "1"})
    course = GroupCourse.objects.get()
    assert course.women and course.participants == 320
    page = clerk.get(reverse("counselling:groups")).content.decode()
    assert "女职工情绪管理" in page


def test_the_counsellor_follows_up_the_contacts_she_flagged(counsellors):
    from gonghui.counselling import services

    day = timezone.localdate()
    flagged = services.contact_log(actor=counsellors[0], channel="hotline", occurred_on=day, minutes=20,
                                   client_label="匿名甲", note="有轻生念头", risk=True)
    services.contact_log(actor=counsellors[0], channel="hotline", occurred_on=day, minutes=20, client_label="匿名乙")
    counsellor = _as(counsellors[0])
    page = counsellor.get(reverse("counselling:contacts") + "?risk=1").content.decode()
    assert "需跟进（1）" in page and "匿名甲" in page and "匿名乙" not in page
    counsellor.post(reverse("counselling:contact", args=[flagged.pk]), {"note": "已回访，情绪稳定", "risk": ""})
    assert "需跟进（0）" in counsellor.get(reverse("counselling:contacts")).content.decode()
