"""The leaders' home page: one card per panel the user may see, each with the module's key figures for
the user's own subtree and a link to the module's page behind them. A panel that fails is shown as
unavailable (and logged) instead of taking the page down with it."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gonghui.core import surfaces

log = logging.getLogger(__name__)


@login_required
def home(request):
    cards = []
    for panel in surfaces.panels(request.user):
        try:
            data = panel.figures(request.user)
        except Exception:
            log.exception("/dash/ panel %s failed", panel.key)
            data = {"error": "暂时无法统计，请稍后再试。"}
        cards.append({"panel": panel, **data})
    return render(request, "dash/home.html", {"cards": cards})
