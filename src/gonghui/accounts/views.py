"""Second-factor pages of the workbench: enrol, verify (also the step-up prompt)."""

from __future__ import annotations

import base64

import segno
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from . import second_factor


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/desk/start/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/desk/start/"
    return target


@login_required
def setup(request):
    """Enrolment: the same secret until it is confirmed or the user asks for a new one."""
    error = notice = ""
    if request.method == "POST" and request.POST.get("action") == "renew":
        device = second_factor.start_enrolment(request.user, renew=True)
        notice = "已生成新的二维码，请删除验证器中的旧条目后重新扫描。"
    elif request.method == "POST":
        codes = second_factor.confirm_enrolment(request=request, code=request.POST.get("code", ""))
        if codes is not None:
            return render(request, "accounts/2fa_codes.html", {"codes": codes})
        error = "验证码不正确，请核对手机上的6位数字后重试（二维码没有变化，无需重新扫描）。"
        device = second_factor.start_enrolment(request.user)
    else:
        device = second_factor.start_enrolment(request.user)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(request, "accounts/2fa_setup.html", {
        "qr": qr, "secret": secret, "error": error, "notice": notice,
        "required": second_factor.requires_second_factor(request.user)})


@login_required
def verify(request):
    error = ""
    if request.method == "POST":
        if second_factor.verify(request=request, code=request.POST.get("code", "")):
            return redirect(_next(request))
        error = "验证码不正确或已使用，请重试。"
    if not second_factor.has_device(request.user):
        return redirect("/desk/2fa/setup/")
    return render(request, "accounts/2fa_verify.html", {"error": error, "next": _next(request)})
