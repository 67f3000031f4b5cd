"""Responses that hold personal data are not cached; a crash gets an incident id the user can quote."""

from __future__ import annotations

import logging
import secrets

log = logging.getLogger("gonghui.incident")
refusals = logging.getLogger("gonghui.refused")


class PrivateResponseMiddleware:
    """``Cache-Control: no-store`` on every page and API answer given to a signed-in user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            if not request.path.startswith("/static/"):
                response["Cache-Control"] = "no-store"
        return response


class IncidentMiddleware:
    """Log an unhandled exception under a short incident id; the 500 page shows that id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, Http404 | PermissionDenied):
            # an ordinary refusal (not found, not allowed): a line at INFO, no traceback, no incident
            status = 404 if isinstance(exception, Http404) else 403
            refusals.info("%s %s %s", status, request.method, request.path)
            return None
        incident = secrets.token_hex(4).upper()
        request.incident_id = incident
        # the path only: a query string may hold personal data
        log.error("incident %s: %s %s", incident, request.method, request.path, exc_info=exception)
        if request.path.startswith("/api/"):  # the API answers in its JSON shape, a crash included
            from django.http import JsonResponse

            return JsonResponse({"detail": f"系统错误，请稍后再试（事件编号 {incident}）。", "code": "error",
                                 "incident": incident}, status=500, json_dumps_params={"ensure_ascii": False})
        return None
