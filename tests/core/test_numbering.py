"""The shared numbering: PREFIX-YEAR-000123, gap-free per prefix and year, one number per caller even
when they ask at the same moment, and no number lost when the caller's transaction rolls back."""

import threading

import pytest
from django.db import connection, transaction

from gonghui.core import numbering


@pytest.mark.django_db
def test_numbers_run_per_prefix_and_year_and_a_rollback_loses_none():
    assert numbering.next_number("ZF", 2026) == "ZF-2026-000001"
    assert numbering.next_number("ZF", 2026) == "ZF-2026-000002"
    assert numbering.next_number("ZF", 2027) == "ZF-2027-000001"
    assert numbering.next_number("YLHZ", 2026) == "YLHZ-2026-000001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number("ZF", 2026) == "ZF-2026-000003"
        raise RuntimeError("the document could not be written")
    assert numbering.next_number("ZF", 2026) == "ZF-2026-000003"  # the rolled-back one is given again
    with pytest.raises(ValueError):
        numbering.next_number("zf", 2026)


@pytest.mark.django_db(transaction=True)
def test_callers_at_the_same_moment_get_distinct_numbers():
    """Eight threads, each in its own transaction, ask for the first number of a year at once."""
    barrier = threading.Barrier(8)
    got, errors = [], []

    def ask():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                got.append(numbering.next_number("BX", 2030))
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(got) == [f"BX-2030-{i:06d}" for i in range(1, 9)]
