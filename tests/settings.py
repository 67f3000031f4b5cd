"""Test settings: the project's settings with background jobs run in-process.

The browser tests (tests/e2e) run the real server and the real database-backed worker instead.
"""

import os

os.environ.setdefault("GONGHUI_TASKS", "immediate")

from gonghui.settings import *  # noqa: F403

# SQLite: the test database is a file, as in production, not Django's shared in-memory database. Shared
# cache gives "database table is locked" at once where a file in WAL mode waits its turn (busy_timeout),
# and the concurrency tests must see the real locking.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"gonghui-test-{os.getpid()}.sqlite3")}

# Argon2 costs ~50 ms a hash by design; the demo city hashes every demo account's password. The tests
# hash with MD5 unless they test the hashing itself (tests/orgs/test_demo_city.py asks for Argon2).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405

# The example module of docs/modules.md, installed for its tests: it adds everything by registration.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.example_module"]  # noqa: F405
