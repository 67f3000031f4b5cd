"""The needy-worker programmes under a key rotation: household members' ID numbers, the aid ledger's index
and the festival receipts are re-encrypted, and the no-double-aid check still finds the person after."""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gonghui.aid import services as aid
from gonghui.aid.models import Grant
from gonghui.assistance import services
from gonghui.assistance.models import FestivalVisit, HouseholdMember
from gonghui.core import pii
from gonghui.site import keys
from tests.cases.conftest import png
from tests.core.test_key_rotation import new_key  # noqa: F401 - the rotation's fixture

pytestmark = pytest.mark.django_db


def test_household_ledger_and_receipts_are_rotated(on_file, staff, city, new_key):  # noqa: F811
    previous = os.environ.pop("GONGHUI_PII_KEY_PREVIOUS")
    current = os.environ["GONGHUI_PII_KEY"]
    os.environ.pop("GONGHUI_PII_KEY_ID")
    os.environ["GONGHUI_PII_KEY"] = previous
    pii.reset_keys()
    case = on_file()
    campaign = services.festival_create(actor=staff["city_staff"], org=city["jinjiang"], year=2027, name="送温暖",
                                        amounts={"deep": "5000", "relative": "3000", "accident": "3000"})
    visit = services.festival_record(actor=staff["city_staff"], visit=campaign.visits.get(),
                                     visited_on=timezone.localdate(), visitors="市总工会", cash="5000",
                                     receipt=("r.png", png()))
    child = HouseholdMember.objects.get(file__case=case, name="陈子涵")
    number = child.id_number_clear()
    os.environ.update({"GONGHUI_PII_KEY": current, "GONGHUI_PII_KEY_PREVIOUS": previous, "GONGHUI_PII_KEY_ID": "2"})
    pii.reset_keys()
    keys.rotate()
    assert keys.remaining() == 0
    os.environ.pop("GONGHUI_PII_KEY_PREVIOUS")
    pii.reset_keys()
    assert HouseholdMember.objects.get(pk=child.pk).id_number_clear() == number
    assert pii.ciphertext_generation(Grant.objects.get().person_enc) == 2
    data, _kind = services.receipt_read(actor=staff["city_staff"], visit=FestivalVisit.objects.get(pk=visit.pk))
    assert data == png()
    with pytest.raises(ValidationError, match="已于2027年获送温暖"):
        aid.grant(actor=None, source="x", programme="x", object_id=1, case=None, reference="x",
                  id_number=case.applicant.id_number_clear(), name="王芳", purpose="festival", period=2027,
                  amount=1, org=city["jinjiang"])
