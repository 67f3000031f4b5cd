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
    late_exception,
    normalise_invoice_number,
    on_step,
    payee_correct,
)
from .common import (  # noqa: F401
    ITEM_CODE,
    PERM_ADMIN,
    PERM_ENROL,
    PERM_MANAGE,
    PERM_PAY,
    _decimal,
    _require,
)
from .enrolment import (  # noqa: F401
    _enrol_rows,
    _refresh_contributions,
    _renewal,
    contribution_paid,
    covered_from,
    enrol,
    enrol_by_id_number,
    enrolment_date,
    roster_import,
)
from .payments import (  # noqa: F401
    SOURCE,
    paid_total,
)
from .plan_years import (  # noqa: F401
    enrolment_window_set,
    late_exception_grant,
    may_administer,
    plan_year_close,
    plan_year_create,
    plan_year_update,
    product_save,
    rule_change_add,
    rules_from_form,
    rules_to_form,
    rules_try,
)
