"""Fuzzing /api/v1/ from its own OpenAPI schema (issue 23): schemathesis generates requests for every
operation — valid ones and ones the schema forbids — with a staff member's token and a worker's. No answer
may be a server error, and every answer must be one the schema documents, in its shape."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from gonghui.wsgi import application

# what every answer must be (authentication is proved route by route elsewhere: the access matrix, the
# second factor's test): no server error, a status the schema documents, in its documented shape
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance, schemathesis.checks.response_schema_conformance]

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(city, people, staff, worker_user):
    """Tokens of a staff member and a worker; requests keep the test's database connection open (as
    Django's test client does: it leaves out closing connections at the end of a request)."""
    from gonghui.accounts.tokens import token_issue

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield {"staff": token_issue(actor=None, user=staff["city_staff"], name="fuzz", days=1)[1],
               "worker": token_issue(actor=None, user=worker_user("王芳"), name="fuzz", days=1)[1]}
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    return [result.ok() for result in schema.get_all_operations()]


OPERATIONS = _operations()


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in OPERATIONS])
def test_the_api_holds_under_fuzzing(operation, mode, tokens):
    @settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "6")), deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        for who in ("staff", "worker"):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {tokens[who]}"}
            response = case.call(app=application)
            case.validate_response(response, checks=CHECKS)

    check()
