"""Partner systems on /api/v1/ with bearer tokens: scoped, expiring, revocable, rate-limited, hashed."""


import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gonghui.accounts import tokens
from gonghui.accounts.models import ApiToken
from gonghui.core.models import AuditLog
from gonghui.registry.models import Worker


def bearer(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_reads_within_its_users_scope_masked(registry, staff):
    row, token = tokens.token_issue(actor=staff["admin"], user=staff["qingyang_staff"], name="法院调解中心")
    body = bearer(token).get("/api/v1/workers", {"page_size": 5}).json()
    assert body["count"] == Worker.objects.visible_to(staff["qingyang_staff"]).count()
    assert all("**********" in item["id_number"] for item in body["items"])
    assert ApiToken.objects.get(pk=row.pk).token_hash != token and token not in str(
        ApiToken.objects.filter(pk=row.pk).values().get())
    assert AuditLog.objects.filter(action="accounts.token_issue").exists()


def test_bad_expired_and_revoked_tokens_are_refused(registry, staff):
    row, token = tokens.token_issue(actor=None, user=staff["qingyang_staff"], name="x")
    assert bearer(token[:-2] + "zz").get("/api/v1/workers").status_code == 401
    assert bearer("gh_nothing_here").get("/api/v1/workers").status_code == 401
    tokens.token_revoke(actor=None, token=row)
    revoked = bearer(token).get("/api/v1/workers")
    assert revoked.status_code == 401 and revoked.json()["code"] == "unauthenticated"
    row2, token2 = tokens.token_issue(actor=None, user=staff["qingyang_staff"], name="y", days=1)
    ApiToken.objects.filter(pk=row2.pk).update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    assert bearer(token2).get("/api/v1/workers").status_code == 401


def test_a_token_is_bound_to_its_scopes(registry, staff):
    _row, token = tokens.token_issue(actor=None, user=staff["qingyang_staff"], name="只读", scopes=["registry:read"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = bearer(token).post("/api/v1/imports", {"kind": "workers", "file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code == 403 and "上传导入文件" in response.json()["detail"]


def test_tokens_are_rate_limited(registry, staff):
    _row, token = tokens.token_issue(actor=None, user=staff["qingyang_staff"], name="限流", rate_per_minute=3)
    client = bearer(token)
    codes = [client.get("/api/v1/enterprises").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert client.get("/api/v1/enterprises").json()["code"] == "rate_limited"


def test_only_the_system_administrator_issues_tokens(staff):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        tokens.token_issue(actor=staff["qingyang_staff"], user=staff["qingyang_staff"], name="自己给自己")


def test_the_token_command_prints_a_working_token(registry, staff, capsys):
    call_command("token", "city_staff", "--name", "脚本", "--days", "7")
    token = capsys.readouterr().out.strip()
    assert token.startswith("gh_")
    assert bearer(token).get("/api/v1/enterprises").status_code == 200
