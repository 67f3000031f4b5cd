"""Health records (a clinic visit, a screening result) are written and read by the programme's providers and
read by the worker herself — not by the centre's staff who checked her in, not by a doctor of another
programme; every reading by a provider is in the audit log. The care rooms are listed on /m/."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from gonghui.accounts.demo_accounts import ensure_partner_people
from gonghui.accounts.models import PartnerKind
from gonghui.core.models import AuditLog
from gonghui.health import services
from gonghui.health.models import CareRoom, HealthRecord
from gonghui.orgs.models import ServiceCentre
from gonghui.scheduling import services as scheduling

RESULT = "乳腺超声：右乳低回声结节，BI-RADS 3类"


@pytest.fixture
def screened(session, book, staff, doctors, today):
    """王芳 screened at the city centre's screening session (doctor 蔡医生), checked in by the clerk."""
    s = session(capacity=5, service="women_screening", providers=[doctors[1]])
    booking = book("王芳", s)
    today(s.date)
    scheduling.check_in(actor=staff["city_staff"], booking=booking)
    booking.refresh_from_db()
    return booking


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_screening_doctor_records_the_result_and_the_woman_reads_it(screened, doctors, worker_user):
    services.record_write(actor=doctors[1], booking=screened, values={"result": RESULT, "advice": "6个月后复查"},
                          abnormal=True)
    record = HealthRecord.objects.get(booking=screened)
    assert RESULT.encode() not in bytes(record.content_enc)  # encrypted at rest
    mine = _client(worker_user("王芳")).get(reverse("health_m:mine")).content.decode()
    assert RESULT in mine and "需复查" in mine
    page = _client(doctors[1]).get(reverse("health:record", args=[screened.pk])).content.decode()
    assert RESULT in page
    assert AuditLog.objects.filter(action="health.record_view", actor=doctors[1]).exists()
    assert not AuditLog.objects.filter(summary__contains=RESULT).exists()


def test_no_one_else_reads_the_result(screened, doctors, staff, worker_user, counsellors):
    services.record_write(actor=doctors[1], booking=screened, values={"result": RESULT})
    # doctor 1 works the spine clinic, not the screening programme; the clerk checked her in; 张伟 is another woman
    for user in (doctors[0], staff["city_staff"], staff["meiling_staff"], counsellors[0]):
        response = _client(user).get(reverse("health:record", args=[screened.pk]))
        assert response.status_code == 404, user.username
        with pytest.raises(PermissionDenied):
            services.record_read(actor=user, booking=screened)
    session_page = _client(staff["city_staff"]).get(reverse("scheduling:session", args=[screened.session_id]))
    assert RESULT not in session_page.content.decode() and "筛查结果" not in session_page.content.decode()
    assert RESULT not in _client(worker_user("张伟")).get(reverse("health_m:mine")).content.decode()


def test_a_record_needs_the_worker_checked_in_and_its_first_field(session, book, doctors):
    s = session(capacity=2)
    booking = book("王芳", s)
    with pytest.raises(ValidationError, match="签到后"):
        services.record_write(actor=doctors[0], booking=booking, values={"complaint": "腰痛"})


def test_the_clinic_doctor_records_a_visit_from_the_session_page(session, book, doctors, staff, today):
    s = session(capacity=2)
    booking = book("张伟", s)
    today(s.date)
    scheduling.check_in(actor=staff["city_staff"], booking=booking)
    doctor = _client(doctors[0])
    page = doctor.get(reverse("scheduling:session", args=[s.pk])).content.decode()
    assert reverse("health:record", args=[booking.pk]) in page  # the doctor's link to the record
    refused = doctor.post(reverse("health:record", args=[booking.pk]), {"complaint": "", "treatment": "推拿"})
    assert "请填写主诉" in refused.content.decode()
    assert "推拿" in refused.content.decode()  # what was typed is kept
    done = doctor.post(reverse("health:record", args=[booking.pk]),
                       {"complaint": "颈肩酸痛两周", "treatment": "推拿20分钟", "advice": "少低头"})
    assert done.status_code == 302
    assert HealthRecord.objects.get(booking=booking).rows()[0] == ("主诉", "颈肩酸痛两周")


def test_care_rooms_are_listed_with_their_centre(city, worker_user, people):
    centre = ServiceCentre.objects.filter(org=city["qingyang"]).first()
    CareRoom.objects.create(centre=centre, name="青阳爱心妈咪小屋", location="服务中心二楼", hours="工作日 8:00-18:00")
    page = _client(worker_user("王芳")).get(reverse("health_m:mine")).content.decode()
    assert "青阳爱心妈咪小屋" in page and centre.name in page


def test_a_lawyer_on_the_partner_role_records_no_health_data(screened, city):
    lawyer = ensure_partner_people(name="某律所", kind=PartnerKind.LAW_FIRM, role="partner", people=["甲律师"],
                                   prefix="law", title="律师")[0]
    with pytest.raises(PermissionDenied):
        services.record_write(actor=lawyer, booking=screened, values={"result": "x"})
