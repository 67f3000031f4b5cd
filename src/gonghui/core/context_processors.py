from django.conf import settings

from . import navigation


def nav(request):
    """The registered navigation of the surface the request is on."""
    surface = "m" if request.path.startswith("/m/") else "desk"
    entries = navigation.entries(surface, getattr(request, "user", None))
    return {"nav_entries": [e for e in entries if e.tab],
            "platform_name": settings.PLATFORM_NAME}
