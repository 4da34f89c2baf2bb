"""The component page (``/design/``): every component of the design system, live, rendered
from the same partials and tags the pages use. Public: it holds no data, only examples."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from prima.ui.tokens import COLOR


class ExampleForm(forms.Form):
    """Form fields as the component page shows them (one with an error)."""

    name = forms.CharField(label=_("Unit name"), help_text=_("As it appears in the SKM report."))
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[("2026-S1", "Semester I 2026"), ("2026-Q3", "Triwulan III 2026")],
    )
    email = forms.EmailField(label=_("E-mail address"))
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("web", _("Web")), ("kiosk", _("Kiosk")), ("paper", _("Paper"))],
        widget=forms.RadioSelect,
    )
    publish = forms.BooleanField(label=_("Publish the results"), required=False)


@require_safe
def component_page(request: HttpRequest) -> HttpResponse:
    form = ExampleForm(
        data={"name": "Puskesmas Harapan", "email": "bukan-email", "period": "2026-S1"}
    )
    form.is_valid()  # shows the error state of the e-mail and channel fields
    page = Paginator(range(240), 20).page(5)
    return render(
        request,
        "ui/component_page.html",
        {
            "form": form,
            "page": page,
            "colors": sorted(COLOR.items()),
            "trend": [81.2, 80.4, 82.9, None, 79.1, 77.6, 78.3],
            "crumbs": [(_("Surveys"), "#"), ("SKM 2026", "#"), (_("Components"), "")],
            "tabs": [(_("Summary"), True), (_("Per unsur"), False), (_("Units"), False)],
        },
    )
