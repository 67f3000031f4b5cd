"""The model workers under a key rotation: health results and certificates re-encrypted, still readable."""

from __future__ import annotations

import os

import pytest

from gonghui.core import pii
from gonghui.model_workers import services
from gonghui.model_workers.models import HealthCheck, ModelWorker
from gonghui.site import keys
from tests.cases.conftest import png
from tests.core.test_key_rotation import new_key  # noqa: F401 - the rotation's fixture

pytestmark = pytest.mark.django_db


def test_health_results_and_certificates_are_rotated(register, staff, new_key):  # noqa: F811
    previous = os.environ.pop("GONGHUI_PII_KEY_PREVIOUS")
    current = os.environ["GONGHUI_PII_KEY"]
    os.environ.pop("GONGHUI_PII_KEY_ID")
    os.environ["GONGHUI_PII_KEY"] = previous
    pii.reset_keys()
    mw = register("陈金水", card=False)
    check = services.check_record(actor=staff["city_staff"], mw=mw, checked_on="2026-04-08", hospital="医院",
                                  result="血压偏高")
    services.certificate_set(actor=staff["city_staff"], mw=mw, name="c.png", data=png())
    os.environ.update({"GONGHUI_PII_KEY": current, "GONGHUI_PII_KEY_PREVIOUS": previous, "GONGHUI_PII_KEY_ID": "2"})
    pii.reset_keys()
    assert keys.remaining() > 0
    done = keys.rotate()
    assert done.counts["劳模体检结论"] == 1 and done.counts["劳模证书"] == 1
    assert keys.remaining() == 0
    os.environ.pop("GONGHUI_PII_KEY_PREVIOUS")
    pii.reset_keys()
    assert HealthCheck.objects.get(pk=check.pk).result() == "血压偏高"
    data, kind = services.certificate_read(actor=staff["city_staff"], mw=ModelWorker.objects.get(pk=mw.pk))
    assert (data, kind) == (png(), "image/png")
