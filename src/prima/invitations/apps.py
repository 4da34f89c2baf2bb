from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "prima.invitations"
    label = "invitations"
    verbose_name = "Invitations"

    def ready(self) -> None:
        from prima.invitations.gate import invitation_gate
        from prima.surveys.services import submission_gates

        if invitation_gate not in submission_gates:
            submission_gates.append(invitation_gate)
