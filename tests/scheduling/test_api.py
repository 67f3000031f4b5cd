"""Booking through /api/v1/: the same rules as the pages, in the API's JSON shapes."""

from __future__ import annotations

import json

from django.test import Client

from gonghui.scheduling.models import Booking, Status


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_staff_book_for_a_worker_and_the_full_session_puts_the_next_on_the_waitlist(session, staff, people,
                                                                                     worker_user):
    from gonghui.core import pii

    s = session(capacity=1)
    clerk = _client(staff["city_staff"])
    listed = clerk.get("/api/v1/scheduling/services/spine_clinic/sessions").json()
    assert {"id": s.pk, "free": 1} == {k: v for k, v in next(r for r in listed if r["id"] == s.pk).items()
                                       if k in ("id", "free")}
    wang_id = pii.decrypt(people["王芳"].id_enc, field="id_number")
    made = _post(clerk, "/api/v1/bookings", {"session_id": s.pk, "id_number": wang_id, "channel": "phone"},
                 HTTP_IDEMPOTENCY_KEY="book-wang-1")
    assert made.status_code == 201 and made.json()["status"] == "booked"
    again = _post(clerk, "/api/v1/bookings", {"session_id": s.pk, "id_number": wang_id, "channel": "phone"},
                  HTTP_IDEMPOTENCY_KEY="book-wang-1")  # a retry gets the first answer
    assert again.json()["number"] == made.json()["number"] and Booking.objects.count() == 1
    # 张伟 books for herself: the session is full
    mine = _post(_client(worker_user("张伟")), "/api/v1/bookings", {"session_id": s.pk})
    assert mine.status_code == 201 and mine.json()["status"] == "waiting" and mine.json()["waiting_ahead"] == 0
    # 青阳's clerk does not find 王芳's booking; she cancels it herself and 张伟 is offered the place
    assert _client(staff["qingyang_staff"]).get(f"/api/v1/bookings/{made.json()['number']}").status_code == 404
    cancelled = _post(_client(worker_user("王芳")), f"/api/v1/bookings/{made.json()['number']}/cancel", {})
    assert cancelled.json()["status"] == "cancelled"
    assert Booking.objects.get(number=mine.json()["number"]).status == Status.OFFERED


def test_the_api_refuses_in_its_json_shape(session, staff, people):
    s = session(service="women_screening", providers=[], capacity=2)
    clerk = _client(staff["city_staff"])
    from gonghui.core import pii

    man = pii.decrypt(people["李强"].id_enc, field="id_number")
    refused = _post(clerk, "/api/v1/bookings", {"session_id": s.pk, "id_number": man})
    assert refused.status_code == 422 and "仅限女职工" in json.dumps(refused.json(), ensure_ascii=False)
    nobody = _post(clerk, "/api/v1/bookings", {"session_id": s.pk, "id_number": "110101190001010000"})
    assert nobody.status_code == 422 and "没有找到" in json.dumps(nobody.json(), ensure_ascii=False)
    assert _post(clerk, "/api/v1/bookings", {}).status_code == 422
