from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The installation as a whole, above every domain: the demo city (``seed``, ``demo``) and the bench
    (``bench``) — commands that put every app's data together, which core (below the domains) must not."""

    name = "gonghui.site"
    label = "site"
    verbose_name = "站点"
