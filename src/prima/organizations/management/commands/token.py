"""``prima token create --user USERNAME [--name NAME]``: a new API token (last word printed)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from prima.organizations.services import token_create


class Command(BaseCommand):
    help = (
        "Create an API token for a user: 'prima token create --user USERNAME'. The token is the "
        "last word of the output; it is shown once and only its hash is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"], help="what to do (create)")
        parser.add_argument("--user", required=True, metavar="USERNAME", help="the token's user")
        parser.add_argument("--name", default="", metavar="NAME", help="a label for the token")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["user"]
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f'user "{username}" does not exist') from None
        if not user.is_active:
            raise CommandError(f'user "{username}" is not active')
        raw = token_create(user=user, name=options["name"][:100])
        self.stdout.write(
            f"Token API untuk {username} (simpan sekarang, tidak ditampilkan lagi): {raw}"
        )
