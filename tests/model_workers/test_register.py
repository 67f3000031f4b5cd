"""The register at two levels: a unit's staff register, see and edit the model workers it manages; the city
sees and edits all; a person outside the registry is added to it; the Excel import validates, reports and
is idempotent."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.core.audit import AuditLog
from gonghui.model_workers import selectors, services
from gonghui.model_workers.importers import ModelWorkerImporter
from gonghui.model_workers.models import ModelWorker
from gonghui.registry.models import Membership, Worker
from tests.files import csv_bytes
from tests.model_workers.conftest import new_id

HEADER = ["姓名", "身份证号", "手机号", "称号", "级别", "授予年份", "授予机关", "工作单位", "退休日期", "去世日期", "管理单位"]


def test_a_registry_worker_is_linked_and_a_retired_one_is_added_to_the_registry(register, people, staff):
    wang = register("王芳", id_number=people["王芳"].id_number_clear(), retired_on="", by="qingyang_staff", card=False)
    assert wang.worker == people["王芳"] and wang.status_label == "在职"
    number = new_id()
    chen = register("陈金水", id_number=number, by="qingyang_staff")
    person = Worker.objects.get(pk=chen.worker_id)
    assert (person.name, person.enterprise_id, person.membership, person.org.code) == (
        "陈金水", None, Membership.NONE, "qingyang")
    assert person.id_number_clear() == number and person.bank_last4 == f"{chen.pk:012d}"[-4:]
    assert AuditLog.objects.filter(action="registry.person_add", object_id=str(person.pk)).exists()
    with pytest.raises(ValidationError, match="已在劳模名册中"):
        register("陈金水", id_number=number)


def test_bad_input_is_refused_with_every_reason(city, staff, titles):
    with pytest.raises(ValidationError) as caught:
        services.register(actor=staff["qingyang_staff"], id_number="350582195805061239", name="", title="",
                          level="", year_awarded="1800", awarding_body="", retired_on="2030-01-01",
                          org=city["meiling"].pk)
    errors = caught.value.message_dict
    assert set(errors) >= {"title", "level", "year_awarded", "awarding_body", "retired_on", "org"}
    assert errors["org"] == ["只能选择您管辖范围内的管理单位。"]
    assert not ModelWorker.objects.exists()


def test_a_town_sees_and_edits_only_the_model_workers_it_manages(register, staff, city):
    ours = register("陈金水", unit="qingyang")
    theirs = register("林清泉", unit="meiling")
    qingyang, city_staff = staff["qingyang_staff"], staff["city_staff"]
    assert set(selectors.visible(qingyang)) == {ours}
    assert set(selectors.visible(city_staff)) == {ours, theirs}
    services.update(actor=qingyang, mw=ours, employer="晋江市示例鞋业有限公司")
    with pytest.raises(PermissionDenied):
        services.update(actor=qingyang, mw=theirs, employer="别人的")
    with pytest.raises(ValidationError, match="管辖范围"):  # nor hand one of its own to another town
        services.update(actor=qingyang, mw=ours, org=city["meiling"].pk)
    services.update(actor=city_staff, mw=theirs, org=city["qingyang"].pk)  # the city moves anyone
    assert set(selectors.visible(qingyang)) == {ours, theirs}


def test_the_register_is_imported_from_excel_and_a_reimport_changes_nothing(city, staff, people):
    good = new_id()
    rows = [["陈金水", good, "", "劳动模范", "省部级", "2005", "福建省人民政府", "", "2015-03-01", "", "青阳街道"],
            ["王芳", people["王芳"].id_number_clear(), "", "先进工作者", "市级", "2019", "泉州市人民政府", "鞋厂", "", "",
             "青阳"],
            ["李四", new_id(), "", "劳动模范", "区级", "2005", "某机关", "", "", "", "青阳街道"],
            ["王五", new_id(), "", "劳动模范", "市级", "2005", "某机关", "", "", "", "火星镇"],
            ["李强错", people["李强"].id_number_clear(), "", "劳动模范", "市级", "2005", "某机关", "", "", "", "青阳街道"],
            ["陈金水", good, "", "劳动模范", "省部级", "2005", "福建省人民政府", "", "", "", "青阳街道"]]
    data = csv_bytes(HEADER, rows)
    result = ModelWorkerImporter(scope=city["jinjiang"], actor=staff["city_staff"]).run(data, "mw.csv")
    assert (result.created, result.updated) == (2, 0), [e.as_dict() for e in result.errors]
    assert [(e.row, e.column) for e in result.errors] == [(4, "级别"), (5, "管理单位"), (6, "姓名"), (7, "身份证号")]
    assert "350582" in result.errors[0].label and "*" in result.errors[0].label  # masked
    again = ModelWorkerImporter(scope=city["jinjiang"], actor=staff["city_staff"]).run(data, "mw.csv")
    assert (again.created, again.updated) == (0, 0)
    rows[0][8] = "2016-03-01"
    changed = ModelWorkerImporter(scope=city["jinjiang"], actor=staff["city_staff"]).run(
        csv_bytes(HEADER, rows[:1]), "mw.csv")
    assert (changed.created, changed.updated) == (0, 1)
    assert ModelWorker.objects.get(worker__name="陈金水").retired_on.isoformat() == "2016-03-01"
    # a town's import may only name its own units
    town = ModelWorkerImporter(scope=city["meiling"], actor=staff["meiling_staff"]).run(data, "mw.csv")
    assert town.created == 0 and {e.column for e in town.errors} >= {"管理单位"}
