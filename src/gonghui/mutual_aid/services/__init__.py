"""Every write of medical mutual aid, by subdomain: enrolment and contributions, claims, payments.
Permission, state, one transaction, audit. The names are re-exported here for the callers."""

from .claims import (  # noqa: F401
    _granted,
    _plan_year_of,
    _product_for,
    claim_create,
    claim_of,
    claim_subsidy_calculate,
    compute,
    eligibility,
    invoice_add,
    invoice_correct,
    invoice_remove,
    normalise_invoice_number,
    on_step,
    payee_correct,
)
from .common import (  # noqa: F401
    ITEM_CODE,
    PERM_ENROL,
    PERM_MANAGE,
    PERM_PAY,
    _decimal,
    _require,
)
from .enrolment import (  # noqa: F401
    RosterImporter,
    _enrol_rows,
    _refresh_contributions,
    _renewal,
    contribution_paid,
    covered_from,
    enrol,
    enrol_by_id_number,
    roster_import,
)
from .payments import (  # noqa: F401
    BATCH_PREFIX,
    PAID_WORDS,
    batch_approve,
    batch_create,
    batch_export,
    batch_import_result,
    paid_total,
)
