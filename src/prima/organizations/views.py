"""Sign-in: Django's login view; in demo mode it shows the demo credentials."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views

from prima.config.env import env


class DemoLoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.DEMO:  # the demo login exists and is shown only in demo mode
            context["demo_login"] = {
                "username": "admin",
                "password": env("PRIMA_DEMO_PASSWORD", ""),
            }
        return context
