"""The demo SMS backend: the console (the server's log) shows the number masked; the outbox has it."""

from gonghui.core import sms


def test_the_console_masks_the_number_and_the_outbox_keeps_it(settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    sms.ConsoleSmsBackend().send("13812348888", "您的验证码是 123456")
    console = capsys.readouterr().err
    assert "138****8888" in console and "13812348888" not in console
    assert "13812348888: 您的验证码是 123456" in (tmp_path / "sms-outbox.log").read_text(encoding="utf-8")
