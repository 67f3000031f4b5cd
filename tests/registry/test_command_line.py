"""`python -m gonghui import …` as an operator runs it, and what ends up on disk afterwards."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from gonghui.core.idnumber import check_char
from tests.conftest import DEMO_GROUP
from tests.files import WORKER_HEADER, csv_bytes, xlsx


def idn(body17):
    return body17 + check_char(body17)


pytestmark = pytest.mark.xdist_group(DEMO_GROUP)


@pytest.fixture(scope="module")
def datadir(tmp_path_factory, seeded_demo):
    """The demo city's data folder (a copy of the session's seeded one), shared by this module's tests."""
    path = tmp_path_factory.mktemp("cli")
    shutil.copytree(seeded_demo, path, dirs_exist_ok=True)
    return path


def run(datadir, *args, check=True):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "GONGHUI_TASKS"}}
    env.update({"GONGHUI_DATA_DIR": str(datadir), "DATABASE_URL": f"sqlite:///{datadir}/gonghui.sqlite3"})
    done = subprocess.run([sys.executable, "-m", "gonghui", *args], env=env, capture_output=True, text=True,
                          timeout=300)
    if check and done.returncode not in (0, 3):
        raise AssertionError(done.stdout + done.stderr)
    return done


def shell(datadir, code):
    return run(datadir, "shell", "-c", code).stdout.strip().splitlines()[-1]


def enterprise_code(datadir):
    return shell(datadir, "from gonghui.registry.models import Enterprise; "
                          "print(Enterprise.objects.filter(town__code='qingyang').order_by('pk').first().uscc)")


NEW_IDS = [idn("35058219880808101"), idn("35058219880808102"), idn("35058219880808103")]
BANKS = ["6222021234567890111", "6228481234567890222"]


def test_the_demo_creates_a_private_key_for_personal_data(datadir):
    import stat

    key_file = datadir / "pii_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_exit_codes_json_dry_run_and_error_report(datadir, tmp_path):
    code = enterprise_code(datadir)
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(WORKER_HEADER, [["命令行甲", NEW_IDS[0], "13911110001", code, "2019-01-01", "", BANKS[0], "中国工商银行晋江支行"]]))
    dry = run(datadir, "import", "workers", str(good), "--dry-run", "--json")
    assert dry.returncode == 0 and json.loads(dry.stdout) == {"created": 0, "updated": 0, "rejected": 0, "skipped_blank": 0}
    assert shell(datadir, "from gonghui.registry.models import Worker; print(Worker.objects.filter(name='命令行甲').count())") == "0"
    done = run(datadir, "import", "workers", str(good), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["created"] == 1
    again = run(datadir, "import", "workers", str(good), "--json")
    assert json.loads(again.stdout) == {"created": 0, "updated": 0, "rejected": 0, "skipped_blank": 0}

    mixed = tmp_path / "mixed.xlsx"
    mixed.write_bytes(xlsx(WORKER_HEADER, [
        ["命令行乙", NEW_IDS[1], "13911110002", code, "2019-01-01", "", BANKS[1], "中国农业银行晋江支行"],
        [None] * 8,
        ["命令行丙", NEW_IDS[2][:-1] + ("0" if NEW_IDS[2][-1] != "0" else "1"), "13911110003", code, "", "", "", ""],
    ]))
    report = tmp_path / "errors.xlsx"
    partial = run(datadir, "import", "workers", str(mixed), "--json", "--errors", str(report))
    assert partial.returncode == 3
    assert json.loads(partial.stdout) == {"created": 1, "updated": 0, "rejected": 1, "skipped_blank": 1}
    assert report.exists()

    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("not a spreadsheet")
    unusable = run(datadir, "import", "workers", str(bogus), "--json", check=False)
    assert unusable.returncode == 2 and "内容不是Excel" in json.loads(unusable.stdout)["error"]
    plain = run(datadir, "import", "workers", str(bogus), check=False)
    assert plain.returncode == 2 and "文件无法导入" in plain.stderr


def test_no_clear_number_in_the_database_files_logs_or_default_export(datadir, tmp_path):
    code = enterprise_code(datadir)
    source = tmp_path / "leak.csv"
    source.write_bytes(csv_bytes(WORKER_HEADER, [["泄露测试", NEW_IDS[0], "13911110001", code, "2019-01-01", "", BANKS[0], "中国工商银行"]]))
    outputs = [run(datadir, "import", "workers", str(source))]
    export = tmp_path / "export.xlsx"
    outputs.append(run(datadir, "shell", "-c", (
        "from gonghui.registry import services, selectors; from gonghui.accounts.models import User;"
        "u = User.objects.get(username='city_staff');"
        f"open(r'{export}', 'wb').write(services.worker_export(actor=u, workers=selectors.worker_search(user=u, q='泄露测试')))")))
    secrets = [*NEW_IDS, *BANKS]
    files = [p for p in datadir.iterdir() if p.name.startswith("gonghui.sqlite3")]
    assert files
    for path in files:
        blob = path.read_bytes()
        for secret in [*NEW_IDS, *BANKS]:
            assert secret.encode() not in blob, (path.name, secret)
            assert secret.encode("utf-16-le") not in blob
    for done in outputs:
        for secret in secrets:
            assert secret not in done.stdout + done.stderr
    import zipfile

    with zipfile.ZipFile(export) as archive:
        content = b"".join(archive.read(name) for name in archive.namelist())
    assert b"**********" in content
    for secret in [*NEW_IDS, *BANKS]:
        assert secret.encode() not in content
