import pytest
from cryptography.exceptions import InvalidTag

from gonghui.core import pii


def test_encryption_round_trips_and_never_repeats():
    a = pii.encrypt("350582199003071238", field="id_number")
    b = pii.encrypt("350582199003071238", field="id_number")
    assert a != b  # fresh nonce each time: equal numbers do not look equal at rest
    assert b"350582199003071238" not in a
    assert pii.decrypt(a, field="id_number") == "350582199003071238"


def test_a_ciphertext_only_decrypts_as_its_own_field():
    blob = pii.encrypt("6222021234567890123", field="bank_card")
    with pytest.raises(InvalidTag):
        pii.decrypt(blob, field="id_number")


def test_blind_index_is_stable_keyed_and_purpose_bound(monkeypatch):
    first = pii.blind_index("350582199003071238", purpose="id_number")
    assert first == pii.blind_index("350582199003071238", purpose="id_number")
    assert first != pii.blind_index("350582199003071238", purpose="bank_card")
    assert "350582" not in first and len(first) == 32
    import base64

    monkeypatch.setenv("GONGHUI_PII_KEY", base64.b64encode(b"k" * 32).decode())
    pii.reset_keys()
    try:
        assert pii.blind_index("350582199003071238", purpose="id_number") != first
    finally:
        monkeypatch.delenv("GONGHUI_PII_KEY")
        pii.reset_keys()


def test_masks():
    assert pii.mask_id("350582199003071238") == "350582**********1238"
    assert pii.mask_phone("13812341234") == "138****1234"
    assert pii.mask_phone("0595-85661234") == "0595-****1234"
    assert pii.mask_bank("6222021234567890123") == "6222***********0123"


def test_production_refuses_to_run_without_a_key(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True
    monkeypatch.delenv("GONGHUI_PII_KEY", raising=False)
    pii.reset_keys()
    try:
        with pytest.raises(ImproperlyConfigured, match="GONGHUI_PII_KEY"):
            pii.encrypt("x", field="id_number")
    finally:
        pii.reset_keys()
