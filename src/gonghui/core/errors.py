"""Error pages in Chinese that never echo request data (no personal data on an error page)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render


class Conflict(ValidationError):
    """The object is no longer in the state the action expected (someone, or an earlier click, moved it):
    pages say so, the API answers 409. Every domain's conflict derives from it."""


def page_not_found(request, exception=None):
    return render(request, "errors/error.html", {"code": 404, "title": "页面不存在",
                  "message": "您访问的页面不存在，或不在您的权限范围内。"}, status=404)


def permission_denied(request, exception=None):
    return render(request, "errors/error.html", {"code": 403, "title": "无权访问",
                  "message": "您没有访问此页面的权限。"}, status=403)


def server_error(request):
    incident = getattr(request, "incident_id", "")
    return render(request, "errors/error.html", {"code": 500, "title": "系统繁忙",
                  "message": "服务器出现错误，已记录日志，请稍后再试。", "incident": incident}, status=500)
