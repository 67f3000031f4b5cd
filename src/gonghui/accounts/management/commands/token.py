"""`python -m gonghui token USERNAME`: issue an API token for a user (scripts, partner systems, the demo).

The token is printed once; only its hash is kept. The issuance is audited (as the command line).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts import tokens


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行签发", help="the partner or purpose")
        parser.add_argument("--scope", action="append", choices=sorted(tokens.SCOPES),
                            help="repeat for several; default registry:read")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--rate", type=int, default=120, help="requests per minute")

    def handle(self, *args, username, name, scope, days, rate, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        try:
            row, token = tokens.token_issue(actor=None, user=user, name=name, scopes=scope, days=days,
                                            rate_per_minute=rate)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(token)
        self.stderr.write(f"已为 {username} 签发令牌 {row.prefix}…（{'、'.join(row.scopes)}），"
                          f"有效期至 {row.expires_at:%Y-%m-%d}。令牌只显示这一次。")
