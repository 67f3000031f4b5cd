"""/m/ installs on the home screen: a manifest, a service worker that keeps only the shell, an offline page
with nothing of the user on it; and the pages lay out inside WeChat's browser."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2145A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 MicroMessenger/8.0.49")


def test_the_manifest_makes_m_an_app(client):
    response = client.get("/m/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["start_url"] == "/m/" and data["scope"] == "/m/" and data["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in data["icons"]}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200
    page = client.get("/m/").content.decode()
    assert 'rel="manifest" href="/m/manifest.webmanifest"' in page and 'name="theme-color"' in page


def test_the_service_worker_keeps_the_shell_only(client):
    response = client.get("/m/sw.js")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript") and response["Service-Worker-Allowed"] == "/m/"
    shell = json.loads(body.split("const SHELL = ")[1].split(";")[0])
    assert "/m/offline/" in shell and all(p.startswith(("/static/", "/m/offline/")) for p in shell)
    assert 'request.mode === "navigate"' in body  # pages come from the network, never from a cache


def test_the_offline_page_holds_nothing_of_the_user(worker_user, people):
    client = Client()
    client.force_login(worker_user("王芳"))
    page = client.get("/m/offline/").content.decode()
    assert "暂时连不上网络" in page and "王芳" not in page and "csrf" not in page.lower()


def test_the_phone_pages_work_in_wechats_browser(worker_user):
    client = Client(HTTP_USER_AGENT=WECHAT)
    client.force_login(worker_user("王芳"))
    for url in ("/m/", "/m/services/", "/m/cases/", "/m/me/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'name="viewport" content="width=device-width' in response.content.decode()
