from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    """Follow-up cases opened from survey responses with low scores (issue 11, point 1), and the
    follow-up rules in ``/manage/``."""

    name = "prima.followups"
    label = "followups"
    verbose_name = _("Follow-ups")

    def ready(self) -> None:
        # the surveys know nothing of cases (import contracts): the signal is connected here
        from prima.followups.services import on_response_submitted
        from prima.surveys.services import response_submitted

        response_submitted.connect(on_response_submitted, dispatch_uid="prima.followups.response")
