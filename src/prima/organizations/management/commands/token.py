"""``prima token create --user USERNAME [--name NAME]``: a new API token (last word printed)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
            raise CommandError(_('user "%(user)s" does not exist') % {"user": username}) from None
        if not user.is_active:
            raise CommandError(_('user "%(user)s" is not active') % {"user": username})
        raw = token_create(user=user, name=options["name"][:100])
        # the token stays the last word of the output (scripts read it)
        self.stdout.write(
            _("API token for %(user)s (keep it now, it is not shown again): %(token)s")
            % {"user": username, "token": raw}
        )
