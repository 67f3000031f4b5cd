"""The figures on /dash/ equal a recount of the petitions, and the page and panel show them."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse

from gonghui.cases import services as cases
from gonghui.cases.models import CaseClock
from gonghui.petitions import figures, services
from gonghui.petitions.models import Petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_petitions(register, staff, today):
    today(dt.date(2026, 3, 2))
    replied = cases.transition(actor=staff["qingyang_staff"], case=register(), name="accept")
    replied = services.answer(actor=staff["qingyang_staff"], case=replied, step="reply", text="经核实已督促企业整改完毕。")
    today(dt.date(2026, 3, 20))
    reviewed = cases.transition(actor=staff["qingyang_staff"], case=register(repeat_note="另一事项", person="李强"),
                                name="accept")
    reviewed = services.answer(actor=staff["qingyang_staff"], case=reviewed, step="reply", text="经核实情况属实已处理。")
    reviewed = cases.transition(actor=staff["qingyang_staff"], case=reviewed, name="request_review")
    services.answer(actor=staff["city_staff"], case=reviewed, step="answer_review", text="经复查维持原答复意见。")
    register(repeat_of=replied)  # a repeat
    today(dt.date(2026, 7, 1))
    register("meiling_staff", person="张伟", people=30, representatives="张伟\n陈一\n陈二")  # a group visit
    order = register("city_staff", item="hotline", caller_phone="13600000003", person="张伟", repeat_note="热线")
    order = cases.transition(actor=staff["city_staff"], case=order, name="answer", data={"answer": "已解答并协调处理。"})
    services.call_back(actor=staff["city_staff"], case=order, satisfaction="基本满意")
    today(dt.date(2026, 12, 1))  # the first case's clocks have all run; the group's notice is past its date


def test_the_figures_equal_a_recount(year_of_petitions, staff):
    f = figures.petition_figures(user=staff["city_staff"], year=2026)
    rows = list(Petition.objects.select_related("case", "case__item"))
    assert f["total"] == len(rows) == 5
    assert dict(f["by_channel"]) == {"来访": 4, "12351热线": 1}
    assert dict(f["by_kind"]) == dict(Counter(p.get_kind_display() for p in rows))
    assert (f["groups"], f["group_people"], f["repeats"]) == (1, 30, 1)
    assert dict(f["by_month"]) == {"2026-03": 3, "2026-07": 2}
    assert f["callbacks"] == [("基本满意", 1)] and f["satisfaction"] == "100.0%"
    # one replied without review, one reviewed: half resolved at the first level
    assert (f["concluded"], f["first_level"], f["first_level_rate"]) == (2, 1, "50.0%")
    notice = next(r for r in f["on_time"] if r[0].startswith("告知"))
    clocks = CaseClock.objects.filter(key="notice")
    late = [c for c in clocks if c.missed or (c.stopped_on or dt.date(2026, 12, 1)) > c.due_on]
    assert notice[1:3] == (clocks.count(), clocks.count() - len(late)) and len(late) == 2  # the repeat and the group
    # a town's figures are its own
    town = figures.petition_figures(user=staff["meiling_staff"], year=2026)
    assert (town["total"], town["groups"]) == (1, 1)


def test_the_page_and_the_panel_show_them(year_of_petitions, client, login):
    login("city_staff")
    page = client.get(reverse("petitions_dash:figures") + "?year=2026").content.decode()
    assert 'data-testid="total">5<' in page and "50.0%" in page
    home = client.get(reverse("dash:home")).content.decode()
    assert "信访事项（件）" in home and "12351热线工单（件）" in home
