"""/m/ as an app: opened in WeChat's browser it lays out at its viewport; its service worker installs, and
without a network the worker sees the offline page, not the browser's error."""

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS


def test_the_worker_app_in_wechat_works_offline(wechat, server):
    wechat.goto(server + "/m/")
    expect(wechat.get_by_role("heading", level=1)).to_be_visible()
    for path in ("/m/", "/m/services/", "/m/centres/"):
        wechat.goto(server + path)
        assert wechat.evaluate("document.documentElement.scrollWidth") <= 393, path  # nothing wider than WeChat
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wechat.screenshot(path=str(ARTIFACTS / "wechat-services.png"), full_page=True)
    # the service worker is installed and active (it keeps the shell and the offline page only)
    scope = wechat.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == server + "/m/"
    wechat.reload()  # now controlled by the worker
    wechat.context.set_offline(True)
    try:
        wechat.goto(server + "/m/cases/")
        expect(wechat.get_by_test_id("offline")).to_contain_text("暂时连不上网络")
        wechat.screenshot(path=str(ARTIFACTS / "wechat-offline.png"), full_page=True)
    finally:
        wechat.context.set_offline(False)
