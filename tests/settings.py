"""Test settings: the project's settings with background jobs run in-process.

The browser tests (tests/e2e) run the real server and the real database-backed worker instead.
"""

import os

os.environ.setdefault("GONGHUI_TASKS", "immediate")

from gonghui.settings import *  # noqa: F403
