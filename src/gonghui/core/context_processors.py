from django.conf import settings

from . import navigation


def nav(request):
    """The registered navigation of the surface the request is on."""
    surface = "m" if request.path.startswith("/m/") else "desk"
    user = getattr(request, "user", None)
    entries = navigation.entries(surface, user)
    shown = [e for e in entries if e.tab]
    return {"nav_entries": shown, "nav_badges": {e.key: e.badge_for(user) for e in shown if e.badge},
            "platform_name": settings.PLATFORM_NAME}
