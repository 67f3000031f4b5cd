"""`python -m gonghui …` — the project's command line.

Every Django management command works through it (`migrate`, `dumpdata`, `shell`, `check --deploy`, …),
besides the project's own: `demo`, `seed`, `serve`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    from django.core.management import execute_from_command_line

    argv = [sys.argv[0] if sys.argv[0] not in ("-m", "") else "gonghui", *sys.argv[1:]]
    argv[0] = "python -m gonghui"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
