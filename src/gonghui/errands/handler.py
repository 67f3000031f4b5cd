"""The one hook of the errands: a request to delete one's account erases it when it is fulfilled."""

from __future__ import annotations

from gonghui.cases.models import Message
from gonghui.cases.registry import Handler
from gonghui.registry.models import WorkerAccount
from gonghui.registry.retention import erase_account


class AccountErasureHandler(Handler):
    """When the request is fulfilled, the worker's account is erased (registry.retention.erase_account) and
    their in-app messages deleted; the case itself stays as the record that it was done (the SMS saying so
    still goes to their phone)."""

    def on_step(self, case, step, source: str) -> None:
        if step.name != "fulfil":
            return
        account = WorkerAccount.objects.filter(worker=case.applicant).first()
        if account is not None:
            Message.objects.filter(recipient_id=account.user_id).delete()
        erase_account(actor=None, worker=case.applicant)
