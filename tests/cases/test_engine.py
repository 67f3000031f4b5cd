"""The state machine, numbering, the form, the list of what to fix, and who may take which step."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.cases import services
from gonghui.cases.models import Case, CaseEvent, Message, State
from gonghui.core.models import AuditLog
from gonghui.core.sms import ConsoleSmsBackend

from .conftest import pdf, png, ticket_form


def test_numbers_are_readable_and_per_item_and_year(ticket, exam, worker_user, people):
    user = worker_user("王芳")
    first = services.case_create(actor=user, item=ticket, data={"from_station": "晋江站"})
    second = services.case_create(actor=user, item=ticket, data={"from_station": "晋江站"})
    other = services.case_create(actor=user, item=exam, data={"enterprise": "晋江市青阳鞋业"})
    year = dt.date.today().year
    assert first.number == f"HXCP-{year}-000001"
    assert second.number == f"HXCP-{year}-000002"
    assert other.number == f"JKBM-{year}-000001"


def test_the_town_of_the_applicant_handles_the_case(ticket, worker_user, people, city):
    case = services.case_create(actor=worker_user("张伟"), item=ticket, data={"from_station": "晋江站"})
    assert case.org == city["meiling"]


def test_a_bad_form_is_refused_field_by_field_and_nothing_is_written(ticket, worker_user, people):
    form = ticket_form(people["王芳"], passenger_ids="350582199001010021", contact_phone="12345", seat="软卧",
                       passengers="9", travel_date="2020-01-01")
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=worker_user("王芳"), item=ticket, data=form)
    errors = exc.value.message_dict
    assert set(errors) == {"passenger_ids", "contact_phone", "seat", "passengers", "travel_date"}
    assert "无效" in errors["passenger_ids"][0]
    assert errors["passengers"] == ["乘车人数不能大于5。"]
    assert not Case.objects.exists()


def test_id_numbers_in_the_form_are_encrypted_and_shown_masked(ticket, worker_user, people):
    worker = people["王芳"]
    case = services.case_create(actor=worker_user("王芳"), item=ticket, data=ticket_form(worker))
    number = worker.id_number_clear()
    row = Case.objects.get(pk=case.pk)
    assert row.form["passenger_ids"] == [number[:6] + "**********" + number[-4:]]
    assert number not in str(row.form)
    assert number.encode() not in bytes(row.form_secret)
    assert row.secrets()["passenger_ids"] == [number]


def test_submit_lists_every_missing_field_and_material_at_once(ticket, worker_user, people):
    user = worker_user("王芳")
    case = services.case_create(actor=user, item=ticket, data={"from_station": "晋江站"})
    with pytest.raises(ValidationError) as exc:
        services.transition(actor=user, case=case, name="submit")
    errors = exc.value.message_dict
    assert "to_station" in errors and "passenger_ids" in errors
    assert errors["material:id_card"] == ["请上传申请人身份证（正反面）。"]
    assert errors["material:employment"] == ["请上传在职证明或劳动合同首页。"]
    assert "material:family_ids" not in errors  # not required
    assert Case.objects.get(pk=case.pk).state == State.DRAFT


def test_the_whole_road_returned_fixed_approved_fulfilled(submitted, staff, people,
                                                         django_capture_on_commit_callbacks):
    ConsoleSmsBackend.outbox.clear()
    case = submitted()
    clerk = staff["qingyang_staff"]
    with django_capture_on_commit_callbacks(execute=True):  # texts go out once the step commits
        services.transition(actor=clerk, case=case, name="accept")
        services.transition(actor=clerk, case=case, name="return", fix={"items": [
            {"type": "material", "key": "employment", "note": "缺少企业公章"},
            {"type": "field", "key": "to_station", "note": "请写车站全称"}], "note": "请一次补齐"})
    case.refresh_from_db()
    assert case.state == State.RETURNED
    assert [e["label"] for e in case.fix_list["items"]] == ["在职证明或劳动合同首页", "到达站"]

    from gonghui.registry.models import WorkerAccount

    user = WorkerAccount.objects.get(worker=people["王芳"]).user
    # resubmitting before fixing both items is refused with what is still missing
    services.attachment_add(actor=user, case=case, material="employment", name="e.png", data=png((1, 2, 3)))
    with pytest.raises(ValidationError) as exc:
        services.transition(actor=user, case=case, name="submit")
    assert list(exc.value.message_dict) == ["fix:to_station"]
    services.form_update(actor=user, case=case, data=ticket_form(people["王芳"], to_station="贵阳北站（贵州）"))
    services.transition(actor=user, case=case, name="submit")
    with django_capture_on_commit_callbacks(execute=True):
        for step in ("accept", "review", "approve", "fulfil"):
            services.transition(actor=clerk, case=case, name=step)
    case.refresh_from_db()
    assert case.state == State.FULFILLED and case.closed_at is not None

    public = list(CaseEvent.objects.filter(case=case, public=True).values_list("title", flat=True))
    assert "退回补正（一次告知）" in public and "审核通过" in public and public[-1] == "已办结"
    titles = list(Message.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True))
    assert titles == ["已受理", "需要补正", "已受理", "审核通过", "已办结"]
    texts = [text for phone, text in ConsoleSmsBackend.outbox if phone == user.username]
    assert len(texts) == 5 and "在职证明或劳动合同首页、到达站" in texts[1]
    assert "祝您旅途平安" in texts[-1]  # the item's own template for this step
    assert AuditLog.objects.filter(object_id=str(case.pk), action__startswith="cases.transition").count() == 8


def test_steps_need_the_right_state(submitted, staff):
    case = submitted()
    clerk = staff["qingyang_staff"]
    with pytest.raises(services.CaseConflict, match="当前为“已提交”，不能办结"):
        services.transition(actor=clerk, case=case, name="fulfil")
    services.transition(actor=clerk, case=case, name="accept")
    with pytest.raises(services.CaseConflict):
        services.transition(actor=clerk, case=case, name="accept")  # a second click


def test_a_stale_copy_cannot_move_the_case_twice(submitted, staff):
    """Two pages opened on the same case: the second click finds it moved and changes nothing."""
    case = submitted()
    clerk = staff["qingyang_staff"]
    stale = Case.objects.get(pk=case.pk)
    services.transition(actor=clerk, case=case, name="not_accept", reason="不属于本中心受理范围")
    with pytest.raises(services.CaseConflict, match="已被他人处理"):
        services.transition(actor=clerk, case=stale, name="accept")
    assert Case.objects.get(pk=case.pk).state == State.NOT_ACCEPTED


def test_reasons_and_fix_lists_are_required(submitted, staff):
    case = submitted()
    clerk = staff["qingyang_staff"]
    with pytest.raises(ValidationError, match="原因"):
        services.transition(actor=clerk, case=case, name="not_accept", reason="  ")
    with pytest.raises(ValidationError, match="一次告知"):
        services.transition(actor=clerk, case=case, name="return", fix={"items": []})
    with pytest.raises(ValidationError, match="不存在"):
        services.transition(actor=clerk, case=case, name="return", fix={"items": [{"type": "material", "key": "x"}]})
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED


def test_who_may_take_which_step(submitted, staff, worker_user, grant):
    case = submitted()
    with pytest.raises(PermissionDenied):
        services.transition(actor=staff["meiling_staff"], case=case, name="accept")  # another town
    with pytest.raises(PermissionDenied):
        services.transition(actor=worker_user("王芳"), case=case, name="accept")  # the applicant
    with pytest.raises(PermissionDenied):
        services.transition(actor=worker_user("李强"), case=case, name="withdraw")  # another worker
    services.transition(actor=staff["city_staff"], case=case, name="accept")  # the city over its towns
    leader = grant(staff["city_staff"], None)
    grant(leader, "leader")
    assert Case.objects.visible_to(leader).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        services.transition(actor=leader, case=case, name="review")  # sees, may not act


def test_the_applicant_withdraws_before_a_decision_only(submitted, staff, worker_user):
    case = submitted()
    user = worker_user("王芳")
    services.transition(actor=user, case=case, name="withdraw", reason="行程有变")
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN
    other = submitted()
    clerk = staff["qingyang_staff"]
    for step in ("accept", "approve"):
        services.transition(actor=clerk, case=other, name=step)
    with pytest.raises(services.CaseConflict):
        services.transition(actor=user, case=other, name="withdraw")


def test_staff_file_on_behalf_for_workers_of_their_subtree_only(ticket, staff, people):
    clerk = staff["qingyang_staff"]
    case = services.case_create(actor=clerk, item=ticket, worker=people["李强"], data=ticket_form(people["李强"]))
    assert case.on_behalf and case.filed_by == clerk and case.applicant == people["李强"]
    for material in ("id_card", "employment"):
        services.attachment_add(actor=clerk, case=case, material=material, name="scan.pdf",
                                data=pdf())
    services.transition(actor=clerk, case=case, name="submit")
    assert Case.objects.get(pk=case.pk).state == State.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.case_create(actor=clerk, item=ticket, worker=people["张伟"], data={"from_station": "晋江站"})


def test_an_item_closed_to_on_behalf_intake_refuses_it(ticket, staff, people):
    ticket.on_behalf = False
    ticket.save()
    with pytest.raises(ValidationError, match="不能代办"):
        services.case_create(actor=staff["qingyang_staff"], item=ticket, worker=people["李强"], data={"from_station": "晋江站"})


def test_a_worker_without_a_binding_cannot_apply(ticket, people):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("13999990000", password="x", must_change_password=False)
    with pytest.raises(PermissionDenied, match="实名绑定"):
        services.case_create(actor=user, item=ticket, data={"from_station": "晋江站"})


def test_rating_and_a_poor_one_opens_a_follow_up(submitted, staff, worker_user):
    from gonghui.cases import selectors

    case = submitted()
    clerk = staff["qingyang_staff"]
    user = worker_user("王芳")
    with pytest.raises(ValidationError, match="结束后"):
        services.rate(actor=user, case=case, score=5)
    services.transition(actor=clerk, case=case, name="not_accept", reason="名额已满")
    rating = services.rate(actor=user, case=case, score=1, comment="排队太久")
    with pytest.raises(ValidationError, match="已评价"):
        services.rate(actor=user, case=case, score=5)
    assert list(selectors.follow_ups(user=clerk)) == [rating]
    assert list(selectors.follow_ups(user=staff["meiling_staff"])) == []
    services.follow_up_close(actor=clerk, rating=rating, note="已电话回访，解释名额规则")
    assert list(selectors.follow_ups(user=clerk)) == []


def test_a_module_attaches_a_handler_by_registration(submitted, staff, ticket, worker_user, people):
    """Eligibility before submit and a calculation at approval, registered, not copied."""
    from gonghui.cases.registry import Handler, registry

    class Tickets(Handler):
        def eligibility(self, case):
            if case.form.get("to_station") == "拉萨站":
                raise ValidationError("该线路暂不提供代购。")

        def calculate(self, case, step):
            return {"fee": "5.00", "at": step.name}

    with registry.temporarily():
        registry.attach("ticket_home", Tickets())
        case = submitted()
        clerk = staff["qingyang_staff"]
        services.transition(actor=clerk, case=case, name="accept")
        services.transition(actor=clerk, case=case, name="approve")
        assert Case.objects.get(pk=case.pk).result == {"fee": "5.00", "at": "approve"}
        user = worker_user("王芳")
        refused = services.case_create(actor=user, item=ticket, data=ticket_form(people["王芳"], to_station="拉萨站"))
        for material in ("id_card", "employment"):
            services.attachment_add(actor=user, case=refused, material=material, name="x.png", data=png())
        with pytest.raises(ValidationError, match="该线路暂不提供代购"):
            services.transition(actor=user, case=refused, name="submit")
    assert registry.handler_for("ticket_home").__class__ is Handler  # gone with the block


def test_a_new_simple_item_needs_only_its_declaration(staff, people, worker_user, django_capture_on_commit_callbacks):
    """Declared as data, synced into the catalogue, applied for and fulfilled — no code of its own."""
    from gonghui.cases import catalogue
    from gonghui.cases.models import ServiceItem

    item = catalogue.Item(
        code="cinema_tickets", prefix="DYP", name="职工电影票申领", module="errands", category="文体活动",
        time_limit_days=3, materials=[{"key": "card", "name": "工会会员卡", "required": True}],
        fields=[{"key": "count", "label": "张数", "type": "number", "required": True, "min": 1, "max": 2}])
    from gonghui.cases.registry import registry

    with registry.temporarily():
        catalogue.declare(item)
        catalogue.sync_items()
        row = ServiceItem.objects.get(code="cinema_tickets")
        user = worker_user("王芳")
        case = services.case_create(actor=user, item=row, data={"count": "2"})
        services.attachment_add(actor=user, case=case, material="card", name="card.png", data=png())
        services.transition(actor=user, case=case, name="submit")
        for step in ("accept", "approve", "fulfil"):
            services.transition(actor=staff["qingyang_staff"], case=case, name=step)
        assert case.number.startswith("DYP-") and Case.objects.get(pk=case.pk).state == State.FULFILLED
        with pytest.raises(ValidationError, match="张数不能大于2"):
            services.case_create(actor=user, item=row, data={"count": "3"})


def test_an_administrators_edits_survive_the_sync_but_a_new_declaration_version_updates_the_structure(ticket):
    from dataclasses import replace

    from gonghui.cases import catalogue

    ticket.name = "春运返乡火车票代购"
    ticket.time_limit_days = 7
    ticket.save()
    catalogue.sync_items()
    ticket.refresh_from_db()
    assert (ticket.name, ticket.time_limit_days) == ("春运返乡火车票代购", 7)
    declared = catalogue.declared()["ticket_home"]
    newer = replace(declared, version=declared.version + 1,
                    fields=[*declared.fields, {"key": "note", "label": "备注", "type": "textarea"}])
    from gonghui.cases.registry import registry

    with registry.temporarily():
        registry.items["ticket_home"] = newer
        catalogue.sync_items()
        ticket.refresh_from_db()
        assert ticket.field("note") and ticket.name == "春运返乡火车票代购"


def test_an_empty_form_makes_no_draft_and_old_empty_drafts_are_purged(worker_user, ticket, client):
    import datetime as dt

    from django.utils import timezone

    from gonghui.cases.tasks import run_daily

    user = worker_user("王芳")
    client.force_login(user)
    before = Case.objects.count()
    page = client.post("/m/services/ticket_home/apply/", {}).content.decode()
    assert "请先填写申请表，再进入下一步。" in page and Case.objects.count() == before
    # an empty draft an earlier version left behind goes with the daily job; a draft with content stays
    worker = services.worker_of(user)
    empty = Case.objects.create(number="HXCP-2026-999999", item=ticket, applicant=worker, org=worker.org, form={},
                                created_at=timezone.now() - dt.timedelta(days=2))
    kept = services.case_create(actor=user, item=ticket, data={"from_station": "晋江站"})
    Case.objects.filter(pk=kept.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    assert run_daily()["empty_drafts_purged"] == 1
    assert not Case.objects.filter(pk=empty.pk).exists() and Case.objects.filter(pk=kept.pk).exists()
