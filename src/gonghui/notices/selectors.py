"""Reads of the public notices: the staff's list in their subtree; the public page of a published one."""

from __future__ import annotations

from django.http import Http404

from .models import PERM_PUBLISH, NoticeState, PublicNotice


def notices(*, user):
    return PublicNotice.objects.visible_to(user, PERM_PUBLISH).select_related("org")


def notice_get(*, user, number: str) -> PublicNotice:
    found = notices(user=user).filter(number=number).first()
    if found is None:
        raise Http404("公示不存在或不在您的权限范围内")
    return found


def public_notice(number: str) -> PublicNotice:
    """A notice as the public sees it: published (open or closed), never a draft."""
    found = PublicNotice.objects.filter(number=number).exclude(state=NoticeState.DRAFT).select_related("org").first()
    if found is None:
        raise Http404("公示不存在")
    return found
