"""Writes to accounts: every one audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gonghui.core import audit

from . import security
from .models import User


def password_changed(*, user: User, request=None) -> None:
    """After the user set a new password: clear the first-login flag, end their other sessions, audit."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(must_change_password=False, password_changed_at=timezone.now())
        user.must_change_password = False
        keep = request.session.session_key if request is not None else None
        ended = security.end_other_sessions(user, keep=keep)
        audit.record(actor=user, action="auth.password_change", obj=user, request=request,
                     summary=f"修改密码（结束其他会话{ended}个）")


def role_grant(*, actor, user: User, role, org, request=None):
    """Give ``user`` the ``role`` at ``org`` (and its subtree). Only a security administrator whose scope
    covers ``org`` may; the three administrator duties stay with three different people."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from gonghui.orgs.scoping import in_scope

    from .models import RoleAssignment

    if actor is not None and not in_scope(actor, org.path, "accounts.add_roleassignment"):
        raise PermissionDenied("您没有在该组织授予角色的权限。")
    if role.admin_duty:
        other = (RoleAssignment.objects.filter(user=user).exclude(role__admin_duty="")
                 .exclude(role__admin_duty=role.admin_duty).select_related("role").first())
        if other is not None:
            raise ValidationError(f"三员分立：{user}已担任{other.role.name}，不能再担任{role.name}。")
    if actor is not None and actor.pk == user.pk:
        raise ValidationError("不能给自己授予角色。")
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=role, org=org, defaults={"granted_by": actor})
        if created:
            audit.record(actor=actor, action="accounts.role_grant", obj=user, request=request,
                         summary=f"授予{user}角色“{role.name}”（{org.name}）",
                         changes={"after": {"role": role.code, "org": org.code}})
    return assignment


def role_revoke(*, actor, assignment, request=None) -> None:
    from django.core.exceptions import PermissionDenied

    from gonghui.orgs.scoping import in_scope

    if actor is not None and not in_scope(actor, assignment.org.path, "accounts.delete_roleassignment"):
        raise PermissionDenied("您没有在该组织撤销角色的权限。")
    with transaction.atomic():
        audit.record(actor=actor, action="accounts.role_revoke", obj=assignment.user, request=request,
                     summary=f"撤销{assignment.user}的角色“{assignment.role.name}”（{assignment.org.name}）",
                     changes={"before": {"role": assignment.role.code, "org": assignment.org.code}})
        assignment.delete()


def partner_save(*, actor, partner, account_number: str = "", request=None):
    """Create or change a partner organisation (a law firm under agreement). The system administrator of the
    contracting union's tree may; the bank account is kept encrypted and audited as changed, never logged."""
    from django.core.exceptions import PermissionDenied

    from gonghui.core import pii
    from gonghui.orgs.scoping import in_scope

    perm = "accounts.change_partner" if partner.pk else "accounts.add_partner"
    if actor is not None and not in_scope(actor, partner.org.path, perm):
        raise PermissionDenied("您没有管理该合作机构的权限。")
    with transaction.atomic():
        if account_number:
            partner.account_enc = pii.encrypt(account_number, field="bank_card")
        created = partner.pk is None
        partner.save()
        audit.record(actor=actor, action="accounts.partner_save", obj=partner, request=request,
                     summary=f"{'新增' if created else '修改'}合作机构“{partner.name}”"
                             + ("（更新银行账号）" if account_number else ""))
    return partner
