"""Payments shared by every module that pays money (payments.models explains the flow)."""

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "gonghui.payments"
    label = "payments"
    verbose_name = "支付"

    def ready(self):
        from gonghui.core import navigation, surfaces

        from .models import PERM_PAY

        surfaces.pages("desk", "payments/", "gonghui.payments.urls", order=45)
        navigation.register("desk", "payments", "补助金支付", "payments:batches", order=22, permission=PERM_PAY)
