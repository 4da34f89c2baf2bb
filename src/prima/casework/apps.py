from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """The staff side of cases (issue 11): the pages under ``/app/kasus/``, ``prima cases check``
    (reminders, breaches, escalation) and the e-mails of the handling, sent by the task worker."""

    name = "prima.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from prima.casework import receivers

        receivers.connect()
