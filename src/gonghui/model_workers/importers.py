"""The register imported from Excel through the registry's importer machinery (same upload, background
validation, preview, error report with masked numbers, confirmation and command line). A row names the
person by name and ID number: found in the registry (the name must match it) or added to it; a re-import
updates the model worker's record, never duplicates it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gonghui.core import audit, idnumber, personnames, pii
from gonghui.core.spreadsheets import cell_date, cell_text
from gonghui.orgs.models import Org
from gonghui.registry.importing import Importer, Result, RowInvalid
from gonghui.registry.models import Membership, Worker
from gonghui.registry.services import person_create

from .models import Level, ModelWorker, Title

COLUMNS = ["姓名", "身份证号", "手机号", "称号", "级别", "授予年份", "授予机关", "工作单位", "退休日期", "去世日期",
           "管理单位"]
REQUIRED = ["姓名", "身份证号", "称号", "级别", "授予年份", "授予机关", "管理单位"]
LEVELS = {label: value for value, label in Level.choices} | {"全国": Level.NATIONAL, "省级": Level.PROVINCIAL,
                                                              "省部": Level.PROVINCIAL, "市": Level.CITY}


@dataclass(slots=True)
class Record:
    name: str
    number: str
    bidx: str
    phone: str
    title_id: int
    level: str
    year_awarded: int
    awarding_body: str
    employer: str
    retired_on: dt.date | None
    died_on: dt.date | None
    org_id: int


class ModelWorkerImporter(Importer):
    kind = "model_workers"
    columns = COLUMNS
    required = REQUIRED
    key_column = "身份证号"
    tables = (ModelWorker,)

    def prepare(self) -> None:
        from .services import MANAGING_KINDS

        self.units: dict[str, Org] = {}
        for org in Org.objects.filter(kind__in=MANAGING_KINDS, path__startswith=self.scope.path):
            short = org.short_name or org.name.removesuffix("总工会")
            for label in {org.name, short, org.name.removesuffix("工会"), short.removesuffix("街道"),
                          short.removesuffix("镇")}:
                if len(label) >= 2:
                    self.units[label] = org
        self.titles = {t.name: t.pk for t in Title.objects.all()}
        self.today = timezone.localdate()

    def prefetch(self, rows: list[dict]) -> None:
        bidx = []
        for values in rows:
            try:
                bidx.append(pii.blind_index(idnumber.parse(values.get("身份证号")).value, purpose="id_number"))
            except idnumber.IdNumberError:
                continue
        self.known = {b: (pk, name) for b, pk, name in
                      Worker.objects.filter(id_bidx__in=bidx).values_list("id_bidx", "pk", "name")}

    def _date(self, values: dict, column: str) -> dt.date | None:
        try:
            day = cell_date(values.get(column))
        except ValueError as exc:
            raise RowInvalid(column, str(exc)) from None
        if day and day > self.today:
            raise RowInvalid(column, f"{column}不能晚于今天")
        return day

    def validate(self, values: dict) -> Record:
        try:
            name = personnames.clean(cell_text(values.get("姓名")))
        except personnames.NameInvalid as exc:
            raise RowInvalid("姓名", str(exc)) from None
        try:
            person = idnumber.parse(values.get("身份证号"), today=self.today)
        except idnumber.IdNumberError as exc:
            raise RowInvalid("身份证号", exc.message) from None
        bidx = pii.blind_index(person.value, purpose="id_number")
        known = self.known.get(bidx)
        if known and known[1] != name:
            raise RowInvalid("姓名", f"姓名与职工档案（{known[1]}）不一致")
        phone = cell_text(values.get("手机号")).replace(" ", "")
        if phone and not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            raise RowInvalid("手机号", "手机号应为11位中国大陆手机号码")
        title = self.titles.get(cell_text(values.get("称号")))
        if title is None:
            raise RowInvalid("称号", f"称号应为：{'、'.join(self.titles)}")
        level = LEVELS.get(cell_text(values.get("级别")))
        if level is None:
            raise RowInvalid("级别", "级别应为全国级、省部级或市级")
        year = cell_text(values.get("授予年份")).removesuffix(".0").removesuffix("年")
        if not (year.isdigit() and 1950 <= int(year) <= self.today.year):
            raise RowInvalid("授予年份", "授予年份应为1950年至今的四位年份")
        body = cell_text(values.get("授予机关"))
        if not body:
            raise RowInvalid("授予机关", "授予机关不能为空")
        retired_on, died_on = self._date(values, "退休日期"), self._date(values, "去世日期")
        if retired_on and died_on and died_on < retired_on:
            raise RowInvalid("去世日期", "去世日期不能早于退休日期")
        unit_name = cell_text(values.get("管理单位"))
        unit = self.units.get(unit_name)
        if unit is None:
            raise RowInvalid("管理单位", f"管理单位“{unit_name[:20]}”不存在或不在您的管辖范围内")
        return Record(name=name, number=person.value, bidx=bidx, phone=phone, title_id=title, level=level,
                      year_awarded=int(year), awarding_body=body[:60], employer=cell_text(values.get("工作单位"))[:100],
                      retired_on=retired_on, died_on=died_on, org_id=unit.pk)

    def key(self, record: Record) -> str:
        return record.bidx

    def label(self, values: dict) -> str:
        raw = idnumber.clean(values.get("身份证号"))
        name = cell_text(values.get("姓名"))[:20]
        return f"{name} {pii.mask_id(raw)}".strip() if len(raw) >= 10 else name

    def preview_row(self, record: Record) -> dict:
        return {"姓名": record.name, "级别": Level(record.level).label, "授予年份": record.year_awarded,
                "状态": "已故" if record.died_on else ("退休" if record.retired_on else "在职"),
                "人员档案": "已有" if record.bidx in self.known else "新增"}

    def commit(self, records: list[Record], result: Result) -> None:
        fields = ("title_id", "level", "year_awarded", "awarding_body", "employer", "retired_on", "died_on", "org_id")
        orgs = {o.pk: o for o in Org.objects.filter(pk__in={r.org_id for r in records})}
        workers = dict(Worker.objects.filter(id_bidx__in=[r.bidx for r in records]).values_list("id_bidx", "pk"))
        for record in records:
            if record.bidx not in workers:
                workers[record.bidx] = person_create(name=record.name, number=record.number, phone=record.phone,
                                                     org=orgs[record.org_id], membership=Membership.NONE).pk
        existing = {mw.worker_id: mw for mw in ModelWorker.objects.filter(worker_id__in=workers.values())}
        new, changed = [], []
        now = timezone.now()
        for record in records:
            current = existing.get(workers[record.bidx])
            if current is None:
                new.append(ModelWorker(worker_id=workers[record.bidx], **{f: getattr(record, f) for f in fields}))
                continue
            if any(getattr(current, f) != getattr(record, f) for f in fields):
                for f in fields:
                    setattr(current, f, getattr(record, f))
                current.updated_at = now
                changed.append(current)
        ModelWorker.objects.bulk_create(new, batch_size=1000)
        if changed:
            ModelWorker.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=1000)
        result.created += len(new)
        result.updated += len(changed)

    def finish(self, result: Result) -> None:
        if result.created or result.updated:
            audit.record(actor=self.actor, action="model_workers.import", object_type="model_workers.modelworker",
                         summary=f"导入劳模名册：新增{result.created}，更新{result.updated}")
            from .services import drafts_refresh

            drafts_refresh()


def template_xlsx() -> bytes:
    from gonghui.core.spreadsheets import write_xlsx

    example = ["张三", "350582196003071234", "13800001234", "劳动模范", "省部级", 2005, "福建省人民政府",
               "晋江市示例鞋业有限公司", "2020-03-01", "", "青阳街道"]
    return write_xlsx(COLUMNS, [example], sheet="劳模名册", text_columns=[1, 2], widths={1: 22, 6: 20, 7: 28})
