"""/m/ as an app on the home screen: the web app manifest, the service worker and the offline page.

The service worker keeps the shell (styles, scripts, icons, the offline page) so that the app opens
without a network and says so; it never stores a page, an API answer or a file, so nothing personal is
kept on the phone. Pages always come from the network; when there is none, the offline page is shown.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

#: bump when the shell changes: the worker then drops the old cache
SHELL_VERSION = "1"


def _shell() -> list[str]:
    return [static("vendor/weui/weui.min.css"), static("gonghui/m.css"), static("vendor/htmx/htmx.min.js"),
            static("gonghui/m.js"), static("gonghui/icon-192.png"), "/m/offline/"]


@cache_control(max_age=3600)
def manifest(request):
    data = {
        "name": settings.PLATFORM_NAME, "short_name": "职工服务", "lang": "zh-CN",
        "description": "在线申请工会服务、查看办理进度、找职工服务站点",
        "id": "/m/", "start_url": "/m/", "scope": "/m/", "display": "standalone",
        "background_color": "#ededed", "theme_color": "#b22222",
        "icons": [
            {"src": static("gonghui/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("gonghui/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("gonghui/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


SERVICE_WORKER = """// Gonghui /m/ service worker: the shell only, never a page or personal data (portal/app_shell.py)
const CACHE = "gonghui-shell-%(version)s";
const SHELL = %(shell)s;
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((key) => key.startsWith("gonghui-shell-") && key !== CACHE).map((key) => caches.delete(key))
  )).then(() => self.clients.claim()));
});
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {  // pages: always the network; the offline page when there is none
    event.respondWith(fetch(request).catch(() => caches.match("/m/offline/")));
    return;
  }
  if (SHELL.includes(url.pathname)) {  // the shell: from the cache, refreshed when the version changes
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
"""


@cache_control(no_cache=True)
def service_worker(request):
    body = SERVICE_WORKER % {"version": SHELL_VERSION, "shell": json.dumps(_shell())}
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/m/"
    return response


def offline(request):
    return render(request, "m/offline.html")
