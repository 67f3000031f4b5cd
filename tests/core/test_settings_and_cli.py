"""The command line and the settings, run as an operator would: `python -m gonghui …` in a subprocess."""

import os
import stat
import subprocess
import sys


def gonghui(*args, env=None, tmp_path=None, timeout=120):
    # the real settings, not the test run's (tests.settings runs jobs in-process)
    full_env = {k: v for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "GONGHUI_TASKS"}}
    if tmp_path is not None:
        full_env["GONGHUI_DATA_DIR"] = str(tmp_path)
        full_env["DATABASE_URL"] = f"sqlite:///{tmp_path}/gonghui.sqlite3"
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "gonghui", *args], env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def test_every_django_command_and_the_projects_own_work_through_python_m_gonghui(tmp_path):
    done = gonghui("help", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    for command in ("migrate", "dumpdata", "shell", "demo", "seed", "serve", "check"):
        assert f"    {command}\n" in done.stdout


def test_production_mode_passes_check_deploy(tmp_path):
    env = {"GONGHUI_PRODUCTION": "1", "SECRET_KEY": "k" * 20 + "-Zq8#xL2!pW9@vR4$tY7^uI1&oP3*aS6",
           "ALLOWED_HOSTS": "gonghui.example.cn"}
    done = gonghui("check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    done = gonghui("check", env={"GONGHUI_PRODUCTION": "1"}, tmp_path=tmp_path)
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr
    assert not (tmp_path / "secret_key").exists()


def test_the_demo_secret_key_is_generated_once_and_private(tmp_path):
    assert gonghui("check", tmp_path=tmp_path).returncode == 0
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert gonghui("check", tmp_path=tmp_path).returncode == 0
    assert key_file.read_text() == first


def test_default_database_is_a_sqlite_file_in_wal_mode(tmp_path):
    env = {"GONGHUI_DATA_DIR": str(tmp_path)}
    code = ("from django.db import connection; c = connection.cursor(); c.execute('PRAGMA journal_mode');"
            "print(connection.settings_dict['NAME']); print(c.fetchone()[0])")
    done = gonghui("shell", "-c", code, env=env)
    assert done.returncode == 0, done.stderr
    name, mode = done.stdout.split()[-2:]
    assert name == str(tmp_path / "gonghui.sqlite3")
    assert mode == "wal"


def test_pages_speak_chinese_and_show_shanghai_time(client, db):
    from django.utils import timezone

    response = client.get("/desk/login/")
    assert '<html lang="zh-CN">' in response.content.decode()
    assert timezone.localtime().utcoffset().total_seconds() == 8 * 3600
