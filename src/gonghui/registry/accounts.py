"""Workers' own accounts: register with a phone and an SMS code, bind to the registry, reset a password;
staff of the town decide pending bindings. Every write audited."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gonghui.accounts import sms_codes
from gonghui.core import audit, idnumber, inbox, personnames, pii, sms
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.scoping import in_scope

from .importing import normalise_mobile
from .models import BindingStatus, Enterprise, Worker, WorkerAccount
from .services import person_create

PERM_DECIDE = "registry.import_registry"  # who may create workers may admit a new employee


def clean_phone(raw: str) -> str:
    try:
        return normalise_mobile(raw)
    except ValueError as exc:
        raise ValidationError({"phone": str(exc)}) from None


def send_register_code(*, phone: str, request=None) -> str:
    """The page answers the same whether or not the number is registered (no one learns who has an account
    by trying numbers): a new number gets a code; a registered one a text saying it is registered and how to
    reset the password — only its owner reads that."""
    phone = clean_phone(phone)
    if get_user_model().objects.filter(username=phone).exists():
        sms_codes.notice_send(phone=phone, request=request,
                              text="【工会服务平台】该手机号已注册。如忘记密码，请在登录页点击“忘记密码”通过短信重置。"
                                   "如非本人操作，请忽略。")
    else:
        sms_codes.code_send(phone=phone, purpose="register", request=request)
    return phone


def register(*, phone: str, code: str, password: str, request=None):
    """Create the worker's sign-in (username = phone) once the SMS code proves the phone. A registered
    number never got a code, so it fails as a wrong code does."""
    phone = clean_phone(phone)
    User = get_user_model()
    validate_password(password, user=User(username=phone))
    sms_codes.code_check(phone=phone, purpose="register", code=code)
    if User.objects.filter(username=phone).exists():  # registered meanwhile, by the same phone's owner
        raise ValidationError("验证码已失效，请重新获取。")
    with transaction.atomic():
        user = User(username=phone, must_change_password=False)
        user.set_password(password)
        user.save()
        audit.record(actor=user, action="worker.register", obj=user, request=request,
                     summary=f"职工注册：{pii.mask_phone(phone)}")
    return user


def send_reset_code(*, phone: str, request=None) -> str:
    phone = clean_phone(phone)
    if get_user_model().objects.filter(username=phone, is_active=True).exists():
        sms_codes.code_send(phone=phone, purpose="reset", request=request)
    return phone  # the same answer whether or not the phone is registered


def reset_password(*, phone: str, code: str, password: str, request=None) -> None:
    phone = clean_phone(phone)
    sms_codes.code_check(phone=phone, purpose="reset", code=code)
    user = get_user_model().objects.filter(username=phone, is_active=True).first()
    if user is None:
        raise ValidationError("验证码已失效，请重新获取。")
    validate_password(password, user=user)
    from gonghui.accounts.security import end_other_sessions

    with transaction.atomic():
        user.set_password(password)
        user.save()
        end_other_sessions(user)
        audit.record(actor=user, action="auth.password_reset", obj=user, request=request, summary="短信找回密码")


BINDING_REVIEW_DAYS = 3  # the town's centre decides a binding request within this many working days


def bind(*, user, name: str, id_number: str, town_code: str = "", request=None) -> WorkerAccount:
    """Bind the signed-in worker to the registry record with this name and ID number, or file a pending
    binding for the staff of ``town_code`` when the number is not in the registry."""
    if hasattr(user, "worker_account") and user.worker_account.status != BindingStatus.REFUSED:
        raise ValidationError("您的账号已提交过绑定。")
    if not (name or "").strip():
        raise ValidationError({"name": "请填写姓名。"})
    try:
        name = personnames.clean(name)
    except personnames.NameInvalid as exc:
        raise ValidationError({"name": f"{exc}。"}) from None
    try:
        person = idnumber.parse(id_number)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": exc.message}) from None
    bidx = pii.blind_index(person.value, purpose="id_number")
    worker = Worker.objects.select_related("org").filter(id_bidx=bidx).first()
    if worker is not None and worker.name != name:
        audit.record(actor=user, action="worker.bind_mismatch", request=request,
                     summary="绑定失败：姓名与身份证号不匹配")
        raise ValidationError("姓名与身份证号不匹配，请核对后重试。")
    if worker is not None and WorkerAccount.objects.filter(worker=worker).exists():
        raise ValidationError("该身份证号已绑定其他账号，如有疑问请联系所在镇街职工服务中心。")
    with transaction.atomic():
        WorkerAccount.objects.filter(user=user, status=BindingStatus.REFUSED).delete()
        if worker is not None:
            account = WorkerAccount.objects.create(
                user=user, worker=worker, status=BindingStatus.BOUND, name=name, id_bidx=bidx,
                id_enc=pii.encrypt(person.value, field="id_number"), town=Org.objects.get(path=worker.org.path[:8]),
                decided_at=timezone.now())
            audit.record(actor=user, action="worker.bind", obj=account, request=request,
                         summary=f"职工账号绑定档案：{name}")
            return account
        town = Org.objects.filter(code=town_code, kind=OrgKind.TOWN).first()
        if town is None:
            raise ValidationError({"town": "请选择您所在的镇街。"})
        account = WorkerAccount.objects.create(
            user=user, status=BindingStatus.PENDING, name=name, id_bidx=bidx, town=town,
            id_enc=pii.encrypt(person.value, field="id_number"))
        audit.record(actor=user, action="worker.bind_request", obj=account, request=request,
                     summary=f"新职工绑定申请：{name}，待{town.name}审核")
        return account


def bindings_pending(*, actor, limit: int = 200) -> list[WorkerAccount]:
    """The binding requests waiting in the actor's towns, oldest first. The clerk calls the applicants, so
    their phone numbers are shown in full: each such list shown is audited."""
    pending = list(WorkerAccount.objects.visible_to(actor, PERM_DECIDE).filter(status=BindingStatus.PENDING)
                   .select_related("town", "user").order_by("created_at")[:limit])
    if pending:
        audit.record(actor=actor, action="registry.bindings_view", object_type="registry.workeraccount",
                     summary=f"查看待审核绑定申请{len(pending)}条（含手机号）")
    return pending


def binding_approve(*, actor, account: WorkerAccount, enterprise: Enterprise, request=None) -> Worker:
    """Admit a new employee: create their registry record at ``enterprise`` and bind the account."""
    if not in_scope(actor, account.town.path, PERM_DECIDE) or not enterprise.org.path.startswith(account.town.path):
        raise PermissionDenied("不在您的管辖范围内。")
    number = pii.decrypt(account.id_enc, field="id_number")
    with transaction.atomic():
        claimed = WorkerAccount.objects.filter(pk=account.pk, status=BindingStatus.PENDING).update(
            status=BindingStatus.BOUND, decided_by=actor, decided_at=timezone.now())
        if not claimed:
            raise ValidationError("该申请已处理。")
        if Worker.objects.filter(id_bidx=account.id_bidx).exists():
            raise ValidationError("档案中已有该身份证号，请让职工重新绑定。")
        worker = person_create(name=account.name, number=number, enterprise=enterprise, org=enterprise.org,
                               phone=account.user.username if account.user.username.isdigit() else "")
        WorkerAccount.objects.filter(pk=account.pk).update(worker=worker)
        audit.record(actor=actor, action="worker.bind_approve", obj=worker, request=request,
                     summary=f"审核通过新职工绑定：{worker.name}（{enterprise.name}）")
        _tell(account, "实名绑定已通过", f"您的实名绑定申请已通过审核（{enterprise.name}），现在可以在线申请服务了。")
    return worker


def _tell(account: WorkerAccount, title: str, body: str) -> None:
    """The worker hears of the decision: an in-app message, and a text after the transaction commits."""
    inbox.deliver(account.user, title, body)
    if account.user.username.isdigit():
        sms.send_later(account.user.username, f"【{settings.PLATFORM_NAME}】{body}")


def binding_refuse(*, actor, account: WorkerAccount, reason: str, request=None) -> None:
    if not in_scope(actor, account.town.path, PERM_DECIDE):
        raise PermissionDenied("不在您的管辖范围内。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写不予通过的原因，职工会看到它。"})
    with transaction.atomic():
        if not WorkerAccount.objects.filter(pk=account.pk, status=BindingStatus.PENDING).update(
                status=BindingStatus.REFUSED, reason=reason.strip()[:200], decided_by=actor,
                decided_at=timezone.now()):
            raise ValidationError("该申请已处理。")
        audit.record(actor=actor, action="worker.bind_refuse", obj=account, request=request,
                     summary=f"不予通过绑定申请：{account.name}，原因：{reason.strip()[:100]}")
        _tell(account, "实名绑定未通过", f"您的实名绑定申请未通过审核，原因：{reason.strip()[:100]}。"
                                         f"如有疑问请联系{account.town.name}职工服务中心。")
