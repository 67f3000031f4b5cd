"""Posted actions on pages: the service is called, and the user is told what happened — done, or refused
with the reasons in Chinese (a permission, a state, a missing field). Nothing is half-written: every
service runs in one transaction."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect


def messages_of(exc) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(getattr(exc, "messages", [str(exc)]))


def joined(texts) -> str:
    """Several messages as one sentence: "甲。" and "乙。" → "甲；乙。" (never "。；")."""
    parts = [t.strip().rstrip("。；;") for t in texts if t and t.strip()]
    return "；".join(parts) + "。" if parts else ""


def flash(request, exc) -> None:
    """A refused action's reasons, in Chinese, on the next page."""
    messages.error(request, joined(messages_of(exc)))


def field_errors(exc: ValidationError) -> dict:
    """The errors keyed by field (``__all__`` for the rest), for a form shown again."""
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def form_result(request, action, *, success, then):
    """Run ``action()`` for a posted form: its success message and a redirect to ``then``, or
    ``(None, errors)`` keyed by field (``__all__`` for a refusal) to show on the form again. ``success`` and
    ``then`` may be functions of what ``action()`` returned (the new object's page)."""
    try:
        made = action()
    except ValidationError as exc:
        return None, field_errors(exc)
    except PermissionDenied as exc:
        return None, {"__all__": [str(exc)]}
    messages.success(request, success(made) if callable(success) else success)
    return redirect(then(made) if callable(then) else then), {}


def perform(request, action, *, success: str, then: str):
    """A posted action: done (``success`` said on the next page) or refused (the reason said there);
    either way back to ``then``."""
    try:
        action()
        if success:
            messages.success(request, success)
    except (ValidationError, PermissionDenied) as exc:
        flash(request, exc)
    return redirect(then)


def step_up(request, next_url: str = ""):
    """Send the user to enter a fresh second-factor code, then back to ``next_url`` (this page by default).
    By URL name: where the verification page lives is the workbench's business."""
    from urllib.parse import quote

    from django.urls import reverse

    return redirect(f"{reverse('desk:2fa_verify')}?next={quote(next_url or request.get_full_path())}")


def reveal_answer(request, reveal, *, url: str):
    """The htmx answer of a "显示完整号码" button, for any full number (a worker's ID, a form's passenger IDs):
    a code typed into the step-up prompt is checked first; ``reveal()`` (a service that audits the view)
    then gives the number, or asks for the second factor, or refuses."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import HttpResponse
    from django.shortcuts import render
    from django.utils.html import format_html

    from gonghui.accounts import second_factor

    error = ""
    if request.POST.get("code") and not second_factor.verify(request=request, code=request.POST["code"]):
        error = "验证码不正确，请重试。"
    try:
        value = reveal()
    except second_factor.StepUpRequired as exc:
        if not second_factor.has_device(request.user):
            return HttpResponse('<span class="text-danger">请先<a href="/desk/2fa/setup/">启用双因素认证</a>'
                                '后再查看完整号码。</span>', status=403)
        return render(request, "desk/_step_up.html", {"message": str(exc), "error": error, "url": url})
    except (PermissionDenied, ValidationError) as exc:
        return HttpResponse(format_html('<span class="text-danger">{}</span>', joined(messages_of(exc))),
                            status=403)
    return render(request, "desk/_revealed.html", {"value": value})
