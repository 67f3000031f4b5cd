"""Finding a worker: every kind of query answers from an index, inside the user's subtree only."""

import pytest
from django.db import connection

from gonghui.core import idnumber
from gonghui.registry.models import Worker
from gonghui.registry.names import name_keys
from gonghui.registry.selectors import classify_query, worker_search


@pytest.fixture
def people(registry, staff):
    qingyang = staff["qingyang_staff"]
    mine = Worker.objects.visible_to(qingyang).order_by("pk")
    other = Worker.objects.exclude(pk__in=mine.values("pk")).order_by("pk").first()
    return qingyang, list(mine[:50]), other


def test_search_by_pinyin_initials_full_pinyin_and_name(people):
    user, mine, _ = people
    worker = mine[0]
    keys = name_keys(worker.name)
    initials = min(keys, key=len)
    full = max(keys, key=len)
    for query in (initials, initials.upper(), full, worker.name, worker.name[:2]):
        found = list(worker_search(user=user, q=query))
        assert worker in found, query
        assert all(w.org.path.startswith(user.org.path) for w in found)


def test_a_surname_with_two_readings_is_found_by_either(registry, staff):
    shan = Worker.objects.filter(name__startswith="单").first() or Worker.objects.filter(name__startswith="曾").first()
    assert shan is not None, "the demo city has people named 单 or 曾"
    city_staff = staff["city_staff"]
    readings = {"单": ("shan", "dan"), "曾": ("zeng", "ceng")}[shan.name[0]]
    for reading in readings:
        assert shan in worker_search(user=city_staff, q=reading + max(name_keys(shan.name[1:]), key=len))


def test_search_by_id_number_last4_and_phone(people):
    user, mine, _ = people
    worker = mine[3]
    number = worker.id_number_clear()
    assert list(worker_search(user=user, q=number)) == [worker]
    assert list(worker_search(user=user, q=number.lower())) == [worker]
    assert worker in worker_search(user=user, q=number[-4:])
    assert list(worker_search(user=user, q=worker.phone)) == [worker]
    # a 15-digit old number finds the converted 18-digit one
    if number[6:8] == "19" and not number.endswith("X"):
        old = number[:6] + number[8:17]
        assert idnumber.parse(old).value == number
        assert list(worker_search(user=user, q=old)) == [worker]


def test_nobody_finds_a_worker_outside_their_subtree(people):
    user, _, other = people
    assert other is not None
    for query in (other.id_number_clear(), other.phone, other.name):
        assert other not in worker_search(user=user, q=query)


@pytest.mark.parametrize("query, kind", [
    ("350582199003071238", "id"), ("35058219900307123x", "id"), ("1238", "last4"), ("123X", "last4"),
    ("13800001234", "phone"), ("zs", "pinyin"), ("Zhang San", "pinyin"), ("张三", "name"),
])
def test_query_kinds(query, kind):
    assert classify_query(query)[0] == kind


@pytest.mark.parametrize("kind, query_of", [
    ("pinyin", lambda w: min(name_keys(w.name), key=len)),
    ("name", lambda w: w.name),
    ("last4", lambda w: w.id_number_clear()[-4:]),
    ("id", lambda w: w.id_number_clear()),
    ("phone", lambda w: w.phone),
])
def test_every_search_uses_an_index(people, kind, query_of):
    user, mine, _ = people
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = worker_search(user=user, q=query_of(mine[0])).explain()
    if connection.vendor == "sqlite":
        assert "registry_worker USING" in plan or "SEARCH registry_worker" in plan, plan
        assert "SCAN registry_worker" not in plan, plan
    else:
        # PostgreSQL chooses by statistics; on 2,400 rows it may still prefer an index on any joined table,
        # but never a full scan of the workers for a selective predicate
        assert "Seq Scan on registry_worker" not in plan, plan


def test_a_broad_pinyin_prefix_lists_the_first_matches_in_the_users_scope(registry, staff, monkeypatch, client):
    """A few letters match tens of thousands of names in a city: the search stops at a cap, counted in
    the user's own scope (a town's staff still find their own people), and the page says so."""
    from gonghui.registry import selectors

    monkeypatch.setattr(selectors, "PINYIN_MATCHES_MAX", 3)
    city, town = staff["city_staff"], staff["qingyang_staff"]
    everyone = Worker.objects.filter(name__startswith="王")
    assert everyone.count() > 3 and everyone.visible_to(town).count() >= 3
    # three keys read: the first workers in pinyin order (one with two keys, wbd… and wang…, counts twice)
    assert 1 <= worker_search(user=city, q="w").count() <= 3
    found = list(worker_search(user=town, q="w"))
    assert found and set(found) <= set(Worker.objects.visible_to(town))
    assert worker_search(user=town, q="wz").count() <= 3
    client.force_login(city)
    page = client.post("/desk/workers/", {"q": "w"}, follow=True).content.decode()
    assert "只列出按拼音排在前面的一部分" in page
    page = client.post("/desk/workers/", {"q": max(name_keys(found[0].name), key=len)}, follow=True).content.decode()
    assert found[0].name in page and "只列出" not in page
