"""The pages: the workbench's queue and case page, the worker's /m/ pages — what a user sees, and a
fixed number of SQL queries whatever the number of cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.cases import services
from gonghui.cases.models import Case, State

from .conftest import pdf, png, ticket_form


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def test_the_queue_runs_a_fixed_number_of_queries(submitted, login):
    client = login("qingyang_staff")
    for _ in range(2):
        submitted()
    few = _queries(client, "/desk/cases/")
    for _ in range(6):
        submitted("李强")
    assert _queries(client, "/desk/cases/") == few
    assert _queries(client, "/desk/cases/?state=all&item=ticket_home&urgency=2&mine=1") <= few + 1


def test_the_case_page_runs_a_fixed_number_of_queries(submitted, login, staff, worker_user):
    client = login("qingyang_staff")
    case = submitted()
    few = _queries(client, f"/desk/cases/{case.number}/")
    clerk = staff["qingyang_staff"]
    for i in range(4):
        services.attachment_add(actor=clerk, case=case, material="other", name=f"s{i}.pdf", data=pdf())
        services.note_add(actor=clerk, case=case, text=f"备注{i}")
    assert _queries(client, f"/desk/cases/{case.number}/") == few


def test_the_workers_case_list_runs_a_fixed_number_of_queries(submitted, worker_user, client, ticket):
    client.force_login(worker_user("王芳"))
    submitted()
    few = _queries(client, "/m/cases/")
    for _ in range(5):
        submitted()
    assert _queries(client, "/m/cases/") == few


def test_the_queue_shows_the_scope_only_and_bulk_accepts(submitted, login):
    mine = [submitted(), submitted("李强")]
    theirs = submitted("张伟")
    client = login("qingyang_staff")
    page = client.get("/desk/cases/").content.decode()
    assert mine[0].number in page and theirs.number not in page
    response = client.post("/desk/cases/", {"numbers": [c.number for c in mine]}, follow=True)
    assert "已受理 2 件" in response.content.decode()
    assert set(Case.objects.filter(pk__in=[c.pk for c in mine]).values_list("state", flat=True)) == {State.ACCEPTED}
    assert client.post("/desk/cases/", {"numbers": [theirs.number]}).status_code == 404


def test_staff_return_a_case_with_everything_to_fix_at_once(submitted, login, worker_user):
    case = submitted()
    desk = login("qingyang_staff")
    desk.post(f"/desk/cases/{case.number}/step/accept/")
    page = desk.get(f"/desk/cases/{case.number}/").content.decode()
    assert "退回补正（一次告知所有问题）" in page and "材料：在职证明或劳动合同首页" in page
    response = desk.post(f"/desk/cases/{case.number}/step/return/", {
        "fix": ["material:employment", "field:travel_date"], "note_material:employment": "没有盖章",
        "note_field:travel_date": "日期与车次不符", "fix_note": "请一次补齐"}, follow=True)
    assert "退回补正" in response.content.decode()
    page = client_for(worker_user("王芳")).get(f"/m/cases/{case.number}/").content.decode()
    assert "请一次补齐以下内容后重新提交" in page
    assert "在职证明或劳动合同首页：没有盖章" in page and "乘车日期：日期与车次不符" in page
    # refused with a reason, on the page
    response = desk.post(f"/desk/cases/{case.number}/step/not_accept/", {"reason": ""}, follow=True)
    assert "办件当前为“待补正”" in response.content.decode()


def test_a_refused_step_says_why_in_chinese(submitted, login):
    case = submitted()
    response = login("qingyang_staff").post(f"/desk/cases/{case.number}/step/not_accept/", {"reason": ""},
                                            follow=True)
    assert "请填写不予受理的原因（将告知申请人）。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


def test_on_behalf_intake_from_the_worker_archive(login, people, ticket):
    desk = login("qingyang_staff")
    worker = people["李强"]
    assert "代办申请" in desk.get(f"/desk/workers/{worker.pk}/").content.decode()
    page = desk.get(f"/desk/cases/new/?worker={worker.pk}&item=ticket_home").content.decode()
    assert "乘车人身份证号" in page
    bad = desk.post("/desk/cases/new/", {"worker": worker.pk, "item": "ticket_home", "contact_phone": "1"})
    assert "联系电话应为11位手机号。" in bad.content.decode() and not Case.objects.exists()
    response = desk.post("/desk/cases/new/", {"worker": worker.pk, "item": "ticket_home", **ticket_form(worker)})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/cases/{case.number}/"
    assert case.on_behalf and case.applicant == worker
    desk.post(f"/desk/cases/{case.number}/attach/", {"material": "id_card", "file": _file("scan.pdf", pdf())})
    desk.post(f"/desk/cases/{case.number}/attach/", {"material": "employment", "file": _file("e.pdf", pdf())})
    desk.post(f"/desk/cases/{case.number}/step/submit/")
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED
    archive = desk.get(f"/desk/workers/{worker.pk}/").content.decode()
    assert case.number in archive  # the worker archive lists the case
    assert login("meiling_staff").get(f"/desk/cases/new/?worker={worker.pk}").status_code == 404


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_worker_applies_on_the_phone_pages(client, worker_user, people, ticket):
    client.force_login(worker_user("王芳"))
    catalogue = client.get("/m/services/?q=火车票").content.decode()
    assert "返乡火车票代购" in catalogue and "驾驶证" not in catalogue
    guide = client.get("/m/services/ticket_home/").content.decode()
    assert "申请人身份证（正反面）" in guide and "（必交）" in guide
    bad = client.post("/m/services/ticket_home/apply/", {**ticket_form(people["王芳"]), "passenger_ids": "123"})
    assert "乘车人身份证号“123”无效" in bad.content.decode() and not Case.objects.exists()
    response = client.post("/m/services/ticket_home/apply/", ticket_form(people["王芳"]))
    case = Case.objects.get()
    assert response["Location"] == f"/m/cases/{case.number}/"
    refused = client.post(f"/m/cases/{case.number}/step/submit/", follow=True).content.decode()
    assert "请上传申请人身份证（正反面）。" in refused and "请上传在职证明或劳动合同首页。" in refused
    bad_file = client.post(f"/m/cases/{case.number}/attach/", {"material": "id_card",
                                                                "file": _file("a.jpg", b"MZ\x90\x00fake")}, follow=True)
    assert "不是可接受的格式" in bad_file.content.decode()
    for material in ("id_card", "employment"):
        client.post(f"/m/cases/{case.number}/attach/", {"material": material, "file": _file("p.png", png())})
    client.post(f"/m/cases/{case.number}/step/submit/")
    page = client.get(f"/m/cases/{case.number}/").content.decode()
    assert "已提交" in page and "提交申请" in page
    assert client.post(f"/m/cases/{case.number}/step/accept/").status_code == 403


def test_messages_and_rating_on_the_phone(submitted, staff, worker_user, client):
    case = submitted()
    services.transition(actor=staff["qingyang_staff"], case=case, name="not_accept", reason="本年度名额已满")
    client.force_login(worker_user("王芳"))
    assert "消息通知" in client.get("/m/me/").content.decode()
    inbox = client.get("/m/messages/").content.decode()
    assert "不予受理" in inbox and "本年度名额已满" in inbox
    client.post(f"/m/cases/{case.number}/rate/", {"score": "2", "comment": "希望早点通知"})
    assert case.rating.score == 2
    page = client_for(staff["qingyang_staff"]).get("/desk/cases/follow-ups/").content.decode()
    assert case.number in page and "希望早点通知" in page


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/m/services/", "/m/services/driving_exam/"])
def test_the_catalogue_is_public(client, db, url):
    assert client.get(url).status_code == 200


def test_queue_pages_follow_the_queue_order_to_the_last_page(submitted, login, monkeypatch, staff):
    """The queue reads a page's ids from the index and then their rows: every case comes once, in the
    queue's order (overdue first, nearest deadline, then number), across pages, on the page and in the API."""
    from gonghui.cases import views
    from gonghui.cases.models import Urgency

    cases = [submitted(name) for name in ("王芳", "李强", "王芳", "李强", "王芳")]
    # colours and deadlines as the daily sweep leaves them: two overdue, one amber, two green
    for case, (urgency, day) in zip(cases, [(2, 9), (0, 3), (1, 5), (0, 1), (2, 8)], strict=True):
        Case.objects.filter(pk=case.pk).update(urgency=urgency, due_on=f"2026-03-{day:02d}")
    expected = list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("urgency", "due_on", "id")
                    .values_list("number", flat=True))
    assert Case.objects.get(number=expected[0]).urgency == Urgency.RED
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = login("qingyang_staff")
    shown = []
    for page in (1, 2, 3):
        html = client.get(f"/desk/cases/?page={page}").content.decode()
        assert "共 5 件" in html
        shown += sorted((html.index(n), n) for n in expected if n in html)
    assert [n for _at, n in shown] == expected
    api = client.get("/api/v1/cases?page_size=2&page=2").json()
    assert api["count"] == 5 and [c["number"] for c in api["items"]] == expected[2:4]
    assert api["items"][0]["applicant"] and api["items"][0]["item_name"] == cases[0].item.name


def test_the_queue_finds_by_pinyin_shows_submission_and_exports(submitted, login):
    import io

    import openpyxl

    from gonghui.core.models import AuditLog

    wang, li = submitted("王芳"), submitted("李强")
    clerk = login("qingyang_staff")
    page = clerk.get("/desk/cases/?q=wf").content.decode()  # 王芳's initials
    assert wang.number in page and li.number not in page
    page = clerk.get("/desk/cases/?q=liqiang").content.decode()
    assert li.number in page and wang.number not in page
    assert "提交时间" in page and f"{wang.submitted_at.astimezone():%m-%d}" in page

    response = clerk.get("/desk/cases/export.xlsx?q=wf")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("办件编号", "服务事项", "申请人") and [r[0] for r in rows[1:]] == [wang.number]
    assert AuditLog.objects.filter(action="cases.queue_export", summary="导出办件队列1件").exists()
    other = login("meiling_staff").get("/desk/cases/export.xlsx").content
    assert list(openpyxl.load_workbook(io.BytesIO(other)).active.iter_rows(values_only=True))[1:] == []  # 梅岭's


def test_a_form_is_prefilled_and_keeps_what_was_typed_after_an_error(client, worker_user, people, ticket):
    """The platform fills in what it knows; a mistyped ID number is given back as typed (with two passengers
    the worker retyped both), the field marked, never the stored masked value."""
    user = worker_user("王芳")
    client.force_login(user)
    page = client.get("/m/services/ticket_home/apply/").content.decode()
    assert 'value="王芳"' in page and f'value="{people["王芳"].phone}"' in page
    own = people["王芳"].id_number_clear()
    form = ticket_form(people["王芳"], passengers="2", passenger_names="王芳、李强",
                       passenger_ids=f"{own}\n350582199001010010")  # the second one's check digit is wrong
    page = client.post("/m/services/ticket_home/apply/", form).content.decode()
    assert "weui-cell_warn" in page and f"{own}\n350582199001010010</textarea>" in page
    fixed = {**form, "passenger_ids": f"{own}\n{people['李强'].id_number_clear()}"}
    response = client.post("/m/services/ticket_home/apply/", fixed)
    assert response.status_code == 302
    number = response["Location"].rstrip("/").split("/")[-1]
    edit = client.get(f"/m/cases/{number}/edit/").content.decode()
    field = edit.split('name="passenger_ids"')[1][:300]
    assert own not in edit and 'autocomplete="off"></textarea>' in field  # the stored numbers are not put back
    assert "已填写：350582**********" in field  # only said, masked


def test_a_field_returned_for_fixing_needs_a_note_and_is_marked_in_the_workers_form(submitted, login, worker_user,
                                                                                     client):
    case = submitted("王芳")
    clerk = login("qingyang_staff")
    clerk.post(f"/desk/cases/{case.number}/step/accept/")
    response = clerk.post(f"/desk/cases/{case.number}/step/return/", {"fix": ["field:seat"]}, follow=True)
    assert "请说明“席别”需要怎样修改（申请人会看到这段说明）" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.ACCEPTED
    clerk.post(f"/desk/cases/{case.number}/step/return/", {"fix": ["field:seat"], "note_field:seat": "二等座已售完，请改选硬卧"})
    assert Case.objects.get(pk=case.pk).state == State.RETURNED
    client.force_login(worker_user("王芳"))
    form = client.get(f"/m/cases/{case.number}/edit/").content.decode()
    assert 'data-testid="flagged-seat"' in form and "请修改：二等座已售完，请改选硬卧" in form
    assert 'data-testid="flagged-from_station"' not in form


def test_staff_hear_of_new_and_resubmitted_cases_and_poor_ratings_with_unread_counts(submitted, login, staff,
                                                                                     worker_user):
    from gonghui.cases.models import Message
    from gonghui.core.models import AuditLog

    clerk = staff["qingyang_staff"]
    case = submitted("王芳")
    new = Message.objects.get(recipient=clerk, case=case)
    assert new.title == "待受理的办件" and new.body == f"新提交：“返乡火车票代购”（{case.number}），申请人王芳，请及时受理。"
    assert not Message.objects.filter(recipient=staff["meiling_staff"]).exists()  # not another town's
    desk = login("qingyang_staff")
    page = desk.get("/desk/cases/").content.decode()
    assert 'data-testid="nav-badge-inbox">1<' in page

    services.transition(actor=clerk, case=case, name="return",
                        fix={"items": [{"type": "material", "key": "employment", "note": "看不清"}]})
    user = worker_user("王芳")
    services.attachment_add(actor=user, case=case, material="employment", name="e.png", data=png())
    services.transition(actor=user, case=case, name="submit")
    assert Message.objects.filter(recipient=clerk, body__startswith="补正后重新提交：").count() == 1

    from django.test import Client

    phone = Client()  # the worker's own browser (``desk`` is the clerk's)
    phone.force_login(user)
    page = phone.get("/m/cases/").content.decode()
    assert 'data-testid="tab-badge-me">' in page  # the worker's unread messages on the tab bar
    for step in ("accept", "approve", "fulfil"):
        services.transition(actor=clerk, case=case, name=step)
    services.rate(actor=user, case=case, score=1, comment="太慢了")
    poor = Message.objects.filter(recipient=clerk, title="差评待回访").get()
    assert "非常不满意，太慢了" in poor.body
    follow_ups = desk.get("/desk/cases/follow-ups/").content.decode()
    assert f'href="tel:{case.applicant.phone}"' in follow_ups
    assert AuditLog.objects.filter(action="cases.phones_shown", actor=clerk).exists()


def test_the_clerk_reveals_the_passengers_numbers_on_the_case_with_the_second_factor(submitted, login, staff,
                                                                                      second_factor, people):
    from gonghui.core.models import AuditLog

    case = submitted("王芳")
    clerk = login("qingyang_staff")
    page = clerk.get(f"/desk/cases/{case.number}/").content.decode()
    assert 'data-testid="reveal-passenger_ids"' in page and people["王芳"].id_number_clear() not in page
    asked = clerk.post(f"/desk/cases/{case.number}/reveal/passenger_ids/").content.decode()
    assert "启用双因素认证" in asked  # no device yet: enrol first
    second_factor(clerk, staff["qingyang_staff"])
    shown = clerk.post(f"/desk/cases/{case.number}/reveal/passenger_ids/").content.decode()
    assert people["王芳"].id_number_clear() in shown and "已记录查看日志" in shown
    assert AuditLog.objects.filter(action="cases.reveal", actor=staff["qingyang_staff"]).count() == 1
    other = login("meiling_staff").post(f"/desk/cases/{case.number}/reveal/passenger_ids/")
    assert other.status_code == 404


def test_at_fulfilment_the_clerk_records_the_ticket_and_the_worker_is_told(submitted, login, worker_user,
                                                                            django_capture_on_commit_callbacks):
    from gonghui.cases.models import Message

    case = submitted("王芳")
    clerk = login("qingyang_staff")
    for step in ("accept", "approve"):
        clerk.post(f"/desk/cases/{case.number}/step/{step}/")
    page = clerk.get(f"/desk/cases/{case.number}/").content.decode()
    assert 'data-testid="step-fields-fulfil"' in page and "车次" in page and "取票方式或地点" in page
    with django_capture_on_commit_callbacks(execute=True):
        clerk.post(f"/desk/cases/{case.number}/step/fulfil/", {
            "train": "D3125", "ticket_date": "2027-01-28", "seats": "05车12F", "pickup": "凭身份证进站"})
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == State.FULFILLED and stored.result["train"] == "D3125"
    message = Message.objects.filter(case=case, recipient=worker_user("王芳")).latest("pk")
    assert "已购票成功。车次：D3125；乘车日期：2027-01-28；座位：05车12F；取票方式或地点：凭身份证进站。请凭身份证乘车" in message.body
    from django.test import Client

    phone = Client()
    phone.force_login(worker_user("王芳"))
    assert "车次：D3125" in phone.get(f"/m/cases/{case.number}/").content.decode()
