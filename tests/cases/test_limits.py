"""What an item's guide states is enforced as data: the errand's once-a-year limit per worker, and a
passenger count that must match the passengers listed."""

import pytest
from django.core.exceptions import ValidationError

from gonghui.cases import services
from gonghui.cases.registry import registry

from .conftest import png, ticket_form


@pytest.fixture(autouse=True)
def _no_yearly_limit():
    """Here the limit stays as declared (the engine's other tests lift it)."""
    yield


def _submit(user, ticket, form):
    case = services.case_create(actor=user, item=ticket, data=form)
    for material in ("id_card", "employment"):
        services.attachment_add(actor=user, case=case, material=material, name="x.png", data=png())
    return services.transition(actor=user, case=case, name="submit")


def test_a_ticket_home_is_once_a_year_per_worker(ticket, worker_user, people, staff):
    assert registry.declared()["ticket_home"].limit == {"count": 1, "period": "year"}
    user = worker_user("王芳")
    first = _submit(user, ticket, ticket_form(people["王芳"]))
    with pytest.raises(ValidationError, match=rf"返乡火车票代购每人每年限申请1次，您今年已申请（{first.number}）"):
        services.case_create(actor=user, item=ticket, data=ticket_form(people["王芳"]))
    # withdrawn, it no longer counts: she may apply again
    services.transition(actor=user, case=first, name="withdraw")
    second = _submit(user, ticket, ticket_form(people["王芳"]))
    assert second.state == "submitted"
    # another worker is not affected
    assert _submit(worker_user("李强"), ticket, ticket_form(people["李强"])).state == "submitted"


def test_the_passenger_count_matches_the_passengers_listed(ticket, worker_user, people):
    user = worker_user("王芳")
    form = ticket_form(people["王芳"], passengers="2")
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=user, item=ticket, data=form)
    assert exc.value.message_dict["passenger_names"] == ["乘车人数为2，但乘车人姓名填了1个，请核对。"]
    assert exc.value.message_dict["passenger_ids"] == ["乘车人数为2，但乘车人身份证号填了1个，请核对。"]
    form = ticket_form(people["王芳"], passengers="2", passenger_names="王芳、李强",
                       passenger_ids=f"{people['王芳'].id_number_clear()}\n{people['李强'].id_number_clear()}")
    assert services.case_create(actor=user, item=ticket, data=form).form["passengers"] == 2


def test_passenger_names_are_names(ticket, worker_user, people):
    form = ticket_form(people["王芳"], passenger_names="王芳<b>")
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=worker_user("王芳"), item=ticket, data=form)
    assert exc.value.message_dict["passenger_names"] == ["乘车人姓名：姓名只能包含汉字、字母和间隔号“·”，2至30个字。"]
