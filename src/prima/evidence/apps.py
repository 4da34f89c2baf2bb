from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Evidence photos of audits (issue 13, point 2)."""

    name = "prima.evidence"
    label = "evidence"
    verbose_name = _("Evidence photos")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from prima.evidence.models import EvidencePhoto
        from prima.evidence.services import remove_files

        post_delete.connect(remove_files, sender=EvidencePhoto, dispatch_uid="evidence-files")
