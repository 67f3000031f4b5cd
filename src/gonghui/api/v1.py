"""The open platform: /api/v1/, documented at /api/v1/openapi.json (and browsable at /api/v1/docs).

Errors are structured: ``{"detail": "<message in Chinese>", "code": "<stable code>"}`` with the
matching HTTP status. Partner systems authenticate with ``Authorization: Bearer gh_…`` (issued by the
system administrator: scoped, expiring, revocable, rate-limited); the browser with its session (writes
then need the CSRF token, as Django forms do).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError

from gonghui.core import surfaces
from gonghui.core.errors import Conflict
from gonghui.web.actions import joined
from gonghui.web.api_auth import BearerToken, SessionWithSecondFactor

ERRORS = {400: "请求内容无法解析", 401: "未登录或令牌无效", 403: "无权访问（含令牌范围不足、未完成双因素认证）",
          404: "对象不存在或不在您的权限范围内", 409: "状态冲突（已被他人处理）", 422: "参数或内容不正确",
          429: "请求过于频繁", 500: "系统错误（附事件编号）"}
ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["detail", "code"],
    "properties": {"detail": {"type": "string", "description": "原因（中文）"},
                   "code": {"type": "string", "description": "稳定的错误代码",
                            "enum": ["bad_request", "unauthenticated", "forbidden", "not_found", "conflict",
                                     "invalid", "rate_limited", "error"]},
                   "fields": {"type": "object", "description": "按字段列出的问题（422）"},
                   "incident": {"type": "string", "description": "事件编号（500）"}},
}


class Api(NinjaAPI):
    """The API whose OpenAPI schema documents, for every route, the errors it may answer and their one
    JSON shape (``Error``) — the fuzzing test (tests/api/test_fuzz.py) holds every answer to it."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for status, description in ERRORS.items():
                    operation["responses"].setdefault(status, {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
        return schema


api = Api(
    title="工会服务数据平台开放接口",
    version="1.0",
    description="晋江市总工会职工服务数据平台 · 开放平台。所有列表按调用者的组织范围过滤，个人证件号码脱敏。",
    auth=[BearerToken(), SessionWithSecondFactor()],
    urls_namespace="api-v1",
    docs_url="/docs",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权访问。", "code": "forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "对象不存在或不在您的权限范围内。", "code": "not_found"},
                               status=404)


@api.exception_handler(Conflict)
def conflict(request, exc):
    return api.create_response(request, {"detail": joined(exc.messages), "code": "conflict"}, status=409)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": joined(m for ms in detail.values() for m in ms),
                                         "code": "invalid", "fields": detail}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid",
             429: "rate_limited"}
    detail = "请求内容无法解析，请检查格式（JSON）。" if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": detail, "code": codes.get(exc.status_code, "error")},
                               status=exc.status_code)


@api.exception_handler(SchemaError)
def schema_invalid(request, exc):
    """A parameter or body the schema refuses (a page number below 1, a field of the wrong type): the same
    JSON shape as every other error, each problem named by where it is."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path"))
        fields.setdefault(where or "__all__", []).append(error.get("msg", "invalid"))
    detail = "；".join(f"{where}：{', '.join(msgs)}" for where, msgs in fields.items())
    return api.create_response(request, {"detail": f"参数不正确（{detail}）。", "code": "invalid", "fields": fields},
                               status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "请先登录。", "code": "unauthenticated"}, status=401)


for router in surfaces.routers():  # each app's router, as it registered it (core.surfaces)
    api.add_router("/", router)
