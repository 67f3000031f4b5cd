from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who may sign in: staff and (later) workers. Roles, second factor and lockout come with the access
    issue; this app already owns the user model so that no later migration has to swap it."""

    name = "gonghui.accounts"
    verbose_name = "账号"

    def ready(self):
        from django.db.models.signals import post_migrate

        from gonghui.core import navigation
        from gonghui.orgs import scoping

        from . import security  # noqa: F401 - connects the audit receivers of auth events
        from .backends import assigned_grants, may_see_entry, role_grants
        from .roles import sync_roles

        scoping.provide_grants(role_grants, assigned_grants)  # the tree asks who holds what where through this
        navigation.provide_check(may_see_entry)

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="gonghui.accounts.sync_roles")
