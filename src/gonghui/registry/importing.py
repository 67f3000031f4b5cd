"""Importing enterprises and workers from .xlsx or CSV: validate every row, then write the good ones.

One importer per kind, sharing the pipeline:

1. ``read_table`` (core/spreadsheets.py) opens the file or refuses it (``FileRefused``: nothing imported);
2. the header is matched to the template's columns by name (a missing required column refuses the file);
3. every row is validated; a blank row is skipped; a row that repeats an earlier row's key (ID number,
   credit code) is an error on the later row; each error carries the row number, the column and the
   reason, with personal numbers masked;
4. ``commit`` writes every good row in one transaction, in chunks: a re-import updates (matched by the
   blind index of the ID number, or by the credit code), never duplicates. A failure rolls back all.

The same code serves the workbench (through a background task), the command line and the seed.

**Kinds by registration.** Another module (a mutual-aid roster, a past year's claims, the model workers'
register) adds its own kind with ``register_kind`` in its ``AppConfig.ready``: its ``Importer`` subclass,
the permission that may run it and the parameters its job carries (``ImportJob.params``: the product, a
date …). Its jobs then use the same upload, background validation, preview, confirmation, error report
and command line as the registry's own. An importer may show rows of its preview (``preview_row``) and
totals of what it will add (``summary``); after writing thousands of rows it refreshes the planner's
statistics of the tables it wrote (``tables``; PostgreSQL ``ANALYZE``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc as uscc_validator
from stdnum.exceptions import ValidationError as StdnumError

from gonghui.core import idnumber, personnames, pii
from gonghui.core.bulk import analyze, insert_rows
from gonghui.core.spreadsheets import FileRefused, Table, cell_date, cell_text, read_table
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.scoping import subtree_q

from .models import Employment, Enterprise, Hukou, Membership, Worker, WorkerNameKey
from .names import name_keys

Progress = Callable[[str, int, int], None]  # ("rows", rows done, rows in the file)
CHUNK = 2000
MAX_STORED_ERRORS = 100_000
PREVIEW_ROWS = 20
ANALYZE_AFTER = 1000  # rows written: below this the planner's estimates are not worth refreshing
LOCAL_REGION_PREFIX = "350582"  # 晋江市: household registration here counts as local
LOCAL_PLACE_WORDS = ("晋江",)

WORKER_COLUMNS = ["姓名", "身份证号", "手机号", "企业统一社会信用代码", "入会日期", "户籍地", "银行卡号", "开户行"]
WORKER_REQUIRED = ["姓名", "身份证号", "手机号", "企业统一社会信用代码", "入会日期", "户籍地"]
ENTERPRISE_COLUMNS = ["企业名称", "统一社会信用代码", "所属镇街", "行业", "职工人数", "联系人", "联系电话"]
ENTERPRISE_REQUIRED = ["企业名称", "统一社会信用代码", "所属镇街"]

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_PHONE_NOISE = re.compile(r"[\s\-()（）]+")


class RowInvalid(ValueError):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    label: str = ""  # who the row is about, masked: 张三 350582**********1234

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason, "label": self.label}


@dataclass
class Result:
    total: int = 0
    good: int = 0
    blank: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "rejected": self.rejected,
                "skipped_blank": self.blank}


def normalise_mobile(value) -> str:
    text = _PHONE_NOISE.sub("", cell_text(value))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not _MOBILE.match(text):
        raise ValueError("手机号应为11位中国大陆手机号码")
    return text


def normalise_contact_phone(value) -> str:
    raw = cell_text(value)
    try:
        return normalise_mobile(raw)
    except ValueError:
        text = re.sub(r"[\s()（）]+", "", raw)
        if _LANDLINE.match(text):
            return text
        raise ValueError("联系电话应为手机号码或带区号的固定电话") from None


def _is_blank(cells: list) -> bool:
    return all(cell_text(c) == "" for c in cells)


class Importer:
    kind: str
    columns: list[str]
    required: list[str]
    key_column: str
    tables: tuple = ()  # the models written: their statistics are refreshed after a bulk load

    def __init__(self, *, scope: Org, actor=None, **params):
        self.scope = scope
        self.actor = actor  # who runs it (None: the command line without --user)
        self.preview: list[dict] = []

    # -- reading -----------------------------------------------------------------------------------
    def open(self, data: bytes, filename: str) -> tuple[Table, dict[str, int]]:
        table = read_table(data, filename)
        positions = {name: i for i, name in enumerate(table.header) if name}
        for column in self.columns:  # the header is read with full-width characters folded: （元） → (元)
            if column not in positions and cell_text(column) in positions:
                positions[column] = positions[cell_text(column)]
        missing = [c for c in self.required if c not in positions]
        if missing:
            raise FileRefused(f"缺少必填列：{'、'.join(missing)}。请使用下载的导入模板。")
        return table, positions

    def records(self, data: bytes, filename: str, result: Result,
                progress: Progress | None = None) -> Iterator[tuple[int, object]]:
        """Yield (row number, validated record) for the good rows; collect errors in ``result``."""
        table, positions = self.open(data, filename)
        result.total = table.total
        self.prepare()
        seen: dict[str, int] = {}
        pending: list[tuple[int, dict]] = []
        for done, (row_no, cells) in enumerate(table.rows, start=1):
            if progress and done % CHUNK == 0:
                progress("rows", done, table.total)
            if _is_blank(cells):
                result.blank += 1
                continue
            pending.append((row_no, {name: (cells[i] if i < len(cells) else None) for name, i in positions.items()}))
            if len(pending) >= CHUNK:
                yield from self._validated(pending, result, seen)
                pending = []
        yield from self._validated(pending, result, seen)
        if progress:
            progress("rows", table.total, table.total)

    def _validated(self, pending: list[tuple[int, dict]], result: Result,
                   seen: dict[str, int]) -> Iterator[tuple[int, object]]:
        if not pending:
            return
        self.prefetch([values for _, values in pending])
        for row_no, values in pending:
            self.row_no = row_no  # the row being validated (an importer that groups rows keeps it)
            try:
                record = self.validate(values)
                key = self.key(record)
                if key in seen:
                    raise RowInvalid(self.key_column, f"与第{seen[key]}行重复")
                seen[key] = row_no
            except RowInvalid as exc:
                if len(result.errors) < MAX_STORED_ERRORS:
                    result.errors.append(RowError(row_no, exc.column, exc.reason, self.label(values)))
                continue
            result.good += 1
            if len(self.preview) < PREVIEW_ROWS:
                shown = self.preview_row(record)
                if shown:
                    self.preview.append({"行号": row_no, **shown})
            yield row_no, record

    def validate_file(self, data: bytes, filename: str, progress: Progress | None = None) -> Result:
        result = Result()
        for _ in self.records(data, filename, result, progress):
            pass
        return result

    def run(self, data: bytes, filename: str, *, dry_run: bool = False,
            progress: Progress | None = None) -> Result:
        """Validate every row and (unless ``dry_run``) write the good ones, all in one transaction.

        Rows are validated and written chunk by chunk inside that transaction, so memory stays flat on
        700,000 rows; a failure anywhere rolls back every chunk written before it.
        """
        result = Result()
        if dry_run:
            for _ in self.records(data, filename, result, progress):
                pass
            return result
        with transaction.atomic():
            batch: list = []
            for _row, record in self.records(data, filename, result, progress):
                batch.append(record)
                if len(batch) >= CHUNK:
                    self.commit(batch, result)
                    batch = []
            if batch:
                self.commit(batch, result)
            self.finish(result)
        if result.created + result.updated >= ANALYZE_AFTER:
            analyze(*self.tables)
        return result

    # -- per kind ------------------------------------------------------------------------------------
    def prepare(self) -> None: ...
    def prefetch(self, rows: list[dict]) -> None:
        """Before the rows of a chunk are validated: load what they refer to in one query, not one per row."""
    def validate(self, values: dict) -> object: ...
    def key(self, record) -> str: ...
    def label(self, values: dict) -> str: ...
    def commit(self, records: list, result: Result) -> None: ...
    def finish(self, result: Result) -> None:
        """After the last chunk, in the same transaction (an importer that groups rows writes its last group)."""
    def preview_row(self, record) -> dict:
        """What the preview shows of a good row (column name → text); empty: no row preview."""
        return {}
    def summary(self) -> list[list]:
        """Totals of what the import will add, as table rows (the first row is the header); empty: none."""
        return []


# --- enterprises -------------------------------------------------------------------------------------

@dataclass(slots=True)
class EnterpriseRecord:
    name: str
    uscc: str
    town_id: int
    union_id: int | None
    org_id: int
    industry: str
    size: int | None
    contact_name: str
    contact_phone: str


class EnterpriseImporter(Importer):
    kind = "enterprises"
    tables = (Enterprise,)
    columns = ENTERPRISE_COLUMNS
    required = ENTERPRISE_REQUIRED
    key_column = "统一社会信用代码"

    def prepare(self) -> None:
        scoped = Org.objects.filter(subtree_q(self.scope.path))
        self.towns: dict[str, Org] = {}
        for town in scoped.filter(kind=OrgKind.TOWN):
            for label in {town.name, town.short_name, town.name.removesuffix("总工会")}:
                if label:
                    self.towns[label] = town
        self.unions = {
            (name, path[:8]): pk
            for pk, name, path in scoped.filter(kind=OrgKind.GRASSROOTS).values_list("pk", "name", "path")
        }

    def validate(self, values: dict) -> EnterpriseRecord:
        name = cell_text(values.get("企业名称"))
        if not name:
            raise RowInvalid("企业名称", "企业名称不能为空")
        if len(name) > 200:
            raise RowInvalid("企业名称", "企业名称过长（最多200字）")
        code = cell_text(values.get("统一社会信用代码")).upper().replace(" ", "")
        try:
            code = uscc_validator.validate(code)
        except StdnumError:
            raise RowInvalid("统一社会信用代码", "统一社会信用代码格式或校验位错误") from None
        town_name = cell_text(values.get("所属镇街"))
        town = self.towns.get(town_name)
        if town is None:
            raise RowInvalid("所属镇街", f"镇街“{town_name[:20]}”不存在或不在您的管辖范围内")
        union_id = self.unions.get((f"{name}工会", town.path[:8]))
        size_text = cell_text(values.get("职工人数"))
        size = None
        if size_text:
            if not size_text.isdigit():
                raise RowInvalid("职工人数", "职工人数应为不小于0的整数")
            size = int(size_text)
        contact_phone = ""
        if cell_text(values.get("联系电话")):
            try:
                contact_phone = normalise_contact_phone(values.get("联系电话"))
            except ValueError as exc:
                raise RowInvalid("联系电话", str(exc)) from None
        return EnterpriseRecord(
            name=name, uscc=code, town_id=town.pk, union_id=union_id, org_id=union_id or town.pk,
            industry=cell_text(values.get("行业"))[:50], size=size,
            contact_name=cell_text(values.get("联系人"))[:50], contact_phone=contact_phone)

    def key(self, record: EnterpriseRecord) -> str:
        return record.uscc

    def label(self, values: dict) -> str:
        return cell_text(values.get("企业名称"))[:40]

    def commit(self, records: list[EnterpriseRecord], result: Result) -> None:
        fields = ["name", "town_id", "union_id", "org_id", "industry", "size", "contact_name", "contact_phone"]
        for start in range(0, len(records), CHUNK):
            chunk = records[start:start + CHUNK]
            existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[r.uscc for r in chunk])}
            new, changed = [], []
            for record in chunk:
                current = existing.get(record.uscc)
                if current is None:
                    new.append(Enterprise(uscc=record.uscc, **{f: getattr(record, f) for f in fields}))
                    continue
                dirty = False
                for f in fields:
                    if getattr(current, f) != getattr(record, f):
                        setattr(current, f, getattr(record, f))
                        dirty = True
                if dirty:
                    current.updated_at = timezone.now()
                    changed.append(current)
            Enterprise.objects.bulk_create(new, batch_size=CHUNK)
            if changed:
                Enterprise.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=CHUNK)
            result.created += len(new)
            result.updated += len(changed)


# --- workers ----------------------------------------------------------------------------------------

@dataclass(slots=True)
class WorkerRecord:
    name: str
    id_value: str
    birth_date: dt.date
    gender: str
    phone: str
    enterprise_id: int
    org_id: int
    member_since: dt.date | None
    hukou_place: str
    hukou: str
    bank: str
    bank_name: str


class WorkerImporter(Importer):
    kind = "workers"
    tables = (Worker, WorkerNameKey, Employment)
    columns = WORKER_COLUMNS
    required = WORKER_REQUIRED
    key_column = "身份证号"

    def __init__(self, *, scope: Org, today: dt.date | None = None, actor=None, **params):
        super().__init__(scope=scope, actor=actor)
        self.today = today or timezone.localdate()

    def prepare(self) -> None:
        self.enterprises = {
            code: (pk, org_id)
            for code, pk, org_id in Enterprise.objects.within(self.scope.path).values_list("uscc", "pk", "org_id")
        }

    def validate(self, values: dict) -> WorkerRecord:
        if not cell_text(values.get("姓名")).strip():
            raise RowInvalid("姓名", "姓名不能为空")
        try:
            name = personnames.clean(cell_text(values.get("姓名")))
        except personnames.NameInvalid as exc:
            raise RowInvalid("姓名", str(exc)) from None
        raw_id = values.get("身份证号")
        if isinstance(raw_id, float) and raw_id > 1e14:
            raise RowInvalid("身份证号", "身份证号被Excel存成了数字，后几位已丢失；请把该列设为文本后重新填写")
        try:
            person = idnumber.parse(raw_id, today=self.today)
        except idnumber.IdNumberError as exc:
            raise RowInvalid("身份证号", exc.message) from None
        try:
            phone = normalise_mobile(values.get("手机号"))
        except ValueError as exc:
            raise RowInvalid("手机号", str(exc)) from None
        code = cell_text(values.get("企业统一社会信用代码")).upper().replace(" ", "")
        if not code:
            raise RowInvalid("企业统一社会信用代码", "企业统一社会信用代码不能为空")
        enterprise = self.enterprises.get(code)
        if enterprise is None:
            raise RowInvalid("企业统一社会信用代码", f"企业{code[:18]}不存在或不在您的管辖范围内，请先导入企业")
        try:
            member_since = cell_date(values.get("入会日期"))
        except ValueError as exc:
            raise RowInvalid("入会日期", str(exc)) from None
        if member_since is not None:
            if member_since > self.today:
                raise RowInvalid("入会日期", "入会日期不能晚于今天")
            born = person.birth_date
            age = member_since.year - born.year - ((member_since.month, member_since.day) < (born.month, born.day))
            if age < 14:
                raise RowInvalid("入会日期", "入会日期早于14周岁，请核对")
        hukou_place = cell_text(values.get("户籍地"))[:100]
        if hukou_place:
            local = any(word in hukou_place for word in LOCAL_PLACE_WORDS)
        else:
            hukou_place = idnumber.region_name(person.region_code)
            local = person.region_code == LOCAL_REGION_PREFIX
        bank = re.sub(r"[\s\-]+", "", cell_text(values.get("银行卡号")))
        if isinstance(values.get("银行卡号"), float) and values["银行卡号"] > 1e14:
            raise RowInvalid("银行卡号", "银行卡号被Excel存成了数字，后几位已丢失；请把该列设为文本后重新填写")
        if bank and not (bank.isdigit() and 12 <= len(bank) <= 19):
            raise RowInvalid("银行卡号", "银行卡号应为12至19位数字")
        bank_name = cell_text(values.get("开户行"))[:100]
        if bank and not bank_name:
            raise RowInvalid("开户行", "填写了银行卡号时须填写开户行")
        return WorkerRecord(
            name=name, id_value=person.value, birth_date=person.birth_date, gender=person.gender,
            phone=phone, enterprise_id=enterprise[0], org_id=enterprise[1], member_since=member_since,
            hukou_place=hukou_place, hukou=Hukou.LOCAL if local else Hukou.MIGRANT, bank=bank,
            bank_name=bank_name)

    def key(self, record: WorkerRecord) -> str:
        return record.id_value

    def label(self, values: dict) -> str:
        name = cell_text(values.get("姓名"))[:20]
        raw = idnumber.clean(values.get("身份证号"))
        return f"{name} {pii.mask_id(raw)}".strip() if len(raw) >= 10 else name

    def commit(self, records: list[WorkerRecord], result: Result) -> None:
        today = self.today
        for start in range(0, len(records), CHUNK):
            chunk = records[start:start + CHUNK]
            bidx = {r.id_value: pii.blind_index(r.id_value, purpose="id_number") for r in chunk}
            existing = {w.id_bidx: w for w in Worker.objects.filter(id_bidx__in=bidx.values())}
            new: list[WorkerRecord] = []
            changed: list[Worker] = []
            moved: list[tuple[Worker, WorkerRecord]] = []
            renamed: list[Worker] = []
            for record in chunk:
                current = existing.get(bidx[record.id_value])
                if current is None:
                    new.append(record)
                    continue
                dirty = self._apply(current, record, moved, renamed)
                if dirty:
                    changed.append(current)
            new_ids = self._insert_new(new, bidx)
            if changed:
                Worker.objects.bulk_update(changed, [
                    "name", "phone", "enterprise_id", "org_id", "member_since", "membership", "hukou_place",
                    "hukou", "bank_enc", "bank_bidx", "bank_last4", "bank_name", "updated_at"],
                    batch_size=CHUNK)
            if moved:
                Employment.objects.filter(worker_id__in=[w.pk for w, _ in moved], left_on__isnull=True
                                          ).update(left_on=today)
            now = timezone.now()
            insert_rows(Employment, ["worker", "enterprise", "joined_on", "left_on", "recorded_at"],
                        [(new_ids[bidx[r.id_value]], r.enterprise_id, r.member_since, None, now) for r in new]
                        + [(w.pk, r.enterprise_id, today, None, now) for w, r in moved])
            if renamed:
                WorkerNameKey.objects.filter(worker_id__in=[w.pk for w in renamed]).delete()
            insert_rows(WorkerNameKey, ["worker", "key"],
                        [(new_ids[bidx[r.id_value]], k) for r in new for k in name_keys(r.name)]
                        + [(w.pk, k) for w in renamed for k in name_keys(w.name)])
            result.created += len(new)
            result.updated += len(changed)

    @staticmethod
    def _insert_new(records: list[WorkerRecord], bidx: dict[str, str]) -> dict[str, int]:
        """New workers through the database's bulk path (core.bulk); returns their ids by blind index."""
        if not records:
            return {}
        now = timezone.now()
        rows = []
        for r in records:
            bank = (pii.encrypt(r.bank, field="bank_card"), pii.blind_index(r.bank, purpose="bank_card"),
                    r.bank[-4:]) if r.bank else (None, "", "")
            rows.append((r.name, pii.encrypt(r.id_value, field="id_number"), bidx[r.id_value],
                         pii.blind_index(r.id_value[-4:], purpose="id_last4"), r.gender, r.birth_date, r.phone,
                         r.enterprise_id, r.org_id, Membership.MEMBER.value, r.member_since, r.hukou_place,
                         r.hukou.value if hasattr(r.hukou, "value") else r.hukou, *bank, r.bank_name, now, now))
        insert_rows(Worker, ["name", "id_enc", "id_bidx", "id_last4_bidx", "gender", "birth_date", "phone",
                             "enterprise", "org", "membership", "member_since", "hukou_place", "hukou", "bank_enc",
                             "bank_bidx", "bank_last4", "bank_name", "created_at", "updated_at"], rows)
        return dict(Worker.objects.filter(id_bidx__in=[bidx[r.id_value] for r in records])
                    .values_list("id_bidx", "pk"))

    @staticmethod
    def _set_bank(worker: Worker, bank: str) -> None:
        if bank:
            worker.bank_enc = pii.encrypt(bank, field="bank_card")
            worker.bank_bidx = pii.blind_index(bank, purpose="bank_card")
            worker.bank_last4 = bank[-4:]

    def _apply(self, current: Worker, record: WorkerRecord, moved: list, renamed: list) -> bool:
        dirty = False
        for attr in ("phone", "hukou_place", "hukou"):
            if getattr(current, attr) != getattr(record, attr):
                setattr(current, attr, getattr(record, attr))
                dirty = True
        if current.name != record.name:
            current.name = record.name
            renamed.append(current)
            dirty = True
        if record.member_since and current.member_since != record.member_since:
            current.member_since = record.member_since
            current.membership = Membership.MEMBER
            dirty = True
        if record.bank and pii.blind_index(record.bank, purpose="bank_card") != current.bank_bidx:
            self._set_bank(current, record.bank)
            dirty = True
        if record.bank_name and record.bank_name != current.bank_name:
            current.bank_name = record.bank_name
            dirty = True
        if current.enterprise_id != record.enterprise_id:
            current.enterprise_id = record.enterprise_id
            current.org_id = record.org_id
            moved.append((current, record))
            dirty = True
        if dirty:
            current.updated_at = timezone.now()
        return dirty


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    importer: type[Importer]
    permission: str
    listed: bool = False  # offered on the registry's import page (a module's kinds are offered on its own)


KINDS: dict[str, Kind] = {}


def register_kind(code: str, label: str, importer: type[Importer], *, permission: str,
                  listed: bool = False) -> None:
    if code in KINDS and KINDS[code].importer is not importer:
        raise ValueError(f"import kind {code!r} is registered twice")
    KINDS[code] = Kind(code, label, importer, permission, listed)


def kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return kind.label if kind else code


register_kind("enterprises", "企业", EnterpriseImporter, permission="registry.import_registry", listed=True)
register_kind("workers", "职工", WorkerImporter, permission="registry.import_registry", listed=True)


def template_xlsx(kind: str) -> bytes:
    """The downloadable import template: the header row and one example row, ID columns as text."""
    from gonghui.core.spreadsheets import write_xlsx

    code = "91350582MA2Y0XXX1"
    code = uscc_validator.compact(code.replace("X", "0"))
    code += uscc_validator.calc_check_digit(code)
    if kind == "workers":
        example = ["张三", "350582199003071238", "13800001234", code, "2015-03-01",
                   "福建省晋江市", "", ""]
        return write_xlsx(WORKER_COLUMNS, [example], sheet="职工", text_columns=[1, 2, 3, 6],
                          widths={1: 22, 3: 22, 6: 22})
    example = ["晋江市示例鞋业有限公司", code, "青阳街道", "鞋业", 120, "李四", "13900001234"]
    return write_xlsx(ENTERPRISE_COLUMNS, [example], sheet="企业", text_columns=[1, 6],
                      widths={0: 30, 1: 22})
