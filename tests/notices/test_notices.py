"""Public notices (公示), the capability hardship aid, Golden Autumn and model workers will publish with:
entries masked as the rules require on the page and the printed notice, a window of working days on the
official calendar, objections from anyone answered by the centre, an entry cleared only after the window
with no objection open or upheld."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gonghui.notices import services
from gonghui.notices.models import Objection

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(people, staff, city):
    def entry(name, n):
        worker = people[name]
        return services.Entry(source="test_files", object_id=n, name=worker.name, id_number=worker.id_number_clear(),
                              unit=worker.enterprise.name, summary="困难职工建档：深度困难")
    return services.notice_create(actor=staff["qingyang_staff"], org=city["qingyang"], source="test_files",
                                  title="青阳街道2026年第三批困难职工建档公示",
                                  body="以下职工拟纳入困难职工档案，现予公示。",
                                  entries=[entry("王芳", 1), entry("李强", 2)])


def test_a_notice_masks_runs_its_window_and_clears_after_objections(notice, people, login, today):
    assert services.mask_name("王芳") == "王*" and services.mask_name("欧阳晓明") == "欧**明"
    today(dt.date(2026, 9, 29))
    desk = login("qingyang_staff")
    assert Client().get(f"/m/notices/{notice.number}/").status_code == 404  # a draft is not public
    desk.post(f"/desk/notices/{notice.number}/publish/")
    notice.refresh_from_db()
    # 5 working days after 09-29: 09-30, then the holiday, 10-08, 10-09, 10-10 (a make-up day), 10-12
    assert (notice.published_on, notice.closes_on) == (dt.date(2026, 9, 29), dt.date(2026, 10, 12))
    page = Client().get(f"/m/notices/{notice.number}/").content.decode()
    number = people["王芳"].id_number_clear()
    assert "王*" in page and "李*" in page and "王芳" not in page and number not in page
    assert number[:6] + "**********" + number[-4:] in page

    from pypdf import PdfReader

    printed = desk.get(f"/desk/notices/{notice.number}/notice.pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed)).pages).replace(" ", "")
    assert "王*" in text and "王芳" not in text and number not in text and "2026年10月12日" in text

    # anyone objects while it is open; the entry is not cleared until the window closes and it is answered
    wang, li = notice.entries.order_by("pk")
    public = Client()
    r = public.post(f"/m/notices/{notice.number}/", {"entry": wang.pk, "text": "她丈夫有稳定工作，家庭收入不低。",
                                                      "contact": "13900001111"})
    assert r.status_code == 302 and "异议已收到" in public.get(r["Location"]).content.decode()
    assert "请写明异议的事实和理由" in public.post(f"/m/notices/{notice.number}/", {"text": " "}).content.decode()
    public.post(f"/m/notices/{notice.number}/", {"entry": li.pk, "text": "他在外地另有住房。"})
    assert services.cleared(source="test_files", object_id=1) == (False, "公示期至2026-10-12，期满后方可审批")
    today(dt.date(2026, 10, 13))
    assert services.cleared(source="test_files", object_id=1) == (False, "有异议尚待核查答复")
    with pytest.raises(ValidationError, match="公示期已结束"):
        services.objection_add(notice=notice, entry=None, text="迟到的异议")
    desk = login("qingyang_staff")
    first, second = Objection.objects.order_by("pk")
    desk.post(f"/desk/notices/{notice.number}/objections/{first.pk}/answer/",
              {"upheld": "0", "findings": "经入户核查，其丈夫2026年3月起失业，异议不成立。"})
    desk.post(f"/desk/notices/{notice.number}/objections/{second.pk}/answer/",
              {"upheld": "1", "findings": "经核查，其在泉州另有住房一套，异议成立。"})
    assert services.cleared(source="test_files", object_id=1) == (True, "")
    assert services.cleared(source="test_files", object_id=2) == (False, "异议成立")
    assert services.cleared(source="test_files", object_id=3) == (False, "尚未公示")
    page = desk.get(f"/desk/notices/{notice.number}/").content.decode()
    assert "异议不成立" in page and "异议成立" in page and "公示期满" in page


def test_only_the_publishing_towns_staff_manage_it(notice, login):
    assert login("meiling_staff").get(f"/desk/notices/{notice.number}/").status_code == 404
    assert login("city_staff").get(f"/desk/notices/{notice.number}/").status_code == 200
    assert notice.number not in login("meiling_staff").get("/desk/notices/").content.decode()
