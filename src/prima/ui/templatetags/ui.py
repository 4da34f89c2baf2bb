"""Template tags of the design system (``{% load ui %}``; ``docs/design.md`` shows each in use).

The tags that only lay out text are plain partials under ``templates/ui/``; the ones here hold
a little logic: the mutu band's name, a verdict's tone, the direction of a change, a form
field's ARIA wiring, the pages of a list, the language switch.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.forms import BoundField
from django.utils.translation import get_language, pgettext_lazy

from prima.ui import sparkline as sparkline_geometry

register = template.Library()

# PermenPAN-RB 14/2017 (skm.md): the name of each mutu's kinerja unit pelayanan
MUTU_NAMES = {
    "A": pgettext_lazy("mutu", "Very good"),
    "B": pgettext_lazy("mutu", "Good"),
    "C": pgettext_lazy("mutu", "Poor"),
    "D": pgettext_lazy("mutu", "Very poor"),
}
# the verdicts of prima.metrics.gap and the tone of each badge
VERDICT_TONES = {
    "tidak memuaskan": "danger",
    "memuaskan": "info",
    "sangat memuaskan": "success",
    "data belum cukup": "",
}
TONES = {"", "success", "info", "warning", "danger"}


def mutu_name(grade: str) -> str:
    """The kinerja of a mutu in the active language (``"B"`` -> ``Baik`` / ``Good``)."""
    return str(MUTU_NAMES[grade])


@register.inclusion_tag("ui/badge_mutu.html")
def ui_mutu_badge(grade: Any, show_name: bool = True) -> dict[str, Any]:
    """``{% ui_mutu_badge "B" %}``: mutu B with its kinerja name; unknown grades show "-"."""
    letter = str(grade or "").strip().upper()
    if letter not in MUTU_NAMES:
        return {"grade": "-", "name": "", "modifier": ""}
    return {
        "grade": letter,
        "name": mutu_name(letter) if show_name else "",
        "modifier": f"mutu-{letter.lower()}",
    }


@register.inclusion_tag("ui/badge.html")
def ui_badge(text: Any, tone: str = "") -> dict[str, Any]:
    """``{% ui_badge _("Open") "warning" %}``: a short status word in one of the tones."""
    if tone not in TONES:
        raise template.TemplateSyntaxError(f"ui_badge: tone must be one of {sorted(TONES)}")
    return {"text": text, "modifier": tone}


@register.inclusion_tag("ui/badge.html")
def ui_verdict_badge(code: Any) -> dict[str, Any]:
    """``{% ui_verdict_badge row.verdict %}``: a verdict of ``prima.metrics.gap`` by its code."""
    from prima.metrics.gap import verdict_label

    key = str(code or "")
    return {
        "text": verdict_label(key, get_language()) or "-",
        "modifier": VERDICT_TONES.get(key, ""),
    }


@register.inclusion_tag("ui/figure_card.html")
def ui_figure_card(
    label: Any,
    value: Any,
    *,
    unit: Any = "",
    interval: Any = "",
    change: Any = "",
    direction: str = "",
    significant: Any = None,
    compared_to: Any = "",
    higher_is_better: bool = True,
    footnote: Any = "",
    mutu: Any = "",
    value_id: str = "",
    alert: bool = False,
) -> dict[str, Any]:
    """The headline figure card (label, value, interval, change, footnote); numbers come
    already formatted (``prima_format`` filters). ``direction`` is ``up``, ``down`` or
    ``flat``; the change is coloured only when it is significant, green when it goes the good
    way (``higher_is_better``), red when it goes the bad way."""
    if direction not in {"", "up", "down", "flat"}:
        raise template.TemplateSyntaxError("ui_figure_card: direction is up, down or flat")
    tone = "neutral"
    if significant and direction in {"up", "down"}:
        tone = "good" if (direction == "up") == bool(higher_is_better) else "bad"
    return {
        "label": label,
        "value": value,
        "unit": unit,
        "interval": interval,
        "change": change,
        "direction": direction,
        "significant": significant,
        "compared_to": compared_to,
        "tone": tone,
        "footnote": footnote,
        "mutu": mutu,
        "value_id": value_id,
        "alert": alert,
    }


@register.inclusion_tag("ui/field.html")
def ui_field(field: BoundField, hint: Any = "") -> dict[str, Any]:
    """A form field with its label, hint (``help_text`` or ``hint``) and errors, wired with
    ``aria-describedby`` and ``aria-invalid``; radio and checkbox groups become a fieldset."""
    auto_id = field.auto_id or f"id_{field.html_name}"
    hint = hint or field.help_text
    described = []
    if hint:
        described.append(f"{auto_id}_hint")
    if field.errors:
        described.append(f"{auto_id}_error")
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    group = bool(getattr(widget, "allow_multiple_selected", False) and input_type == "checkbox")
    group = group or input_type == "radio"
    return {
        "field": field,
        "widget": field.as_widget(attrs=attrs),
        "auto_id": auto_id,
        "hint": hint,
        "group": group,
        "check": input_type == "checkbox" and not group,
    }


@register.inclusion_tag("ui/pagination.html", takes_context=True)
def ui_pagination(context: template.Context, page: Any, param: str = "page") -> dict[str, Any]:
    """Links to the pages of a Django ``Page``, keeping the address's other parameters."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None

    def href(number: int) -> str:
        if query is None:
            return f"?{param}={number}"
        q = query.copy()
        q[param] = str(number)
        return f"?{q.urlencode()}"

    links: list[dict[str, Any]] = []
    if page.paginator.num_pages > 1:
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
            if number == page.paginator.ELLIPSIS:
                links.append({"gap": True})
            else:
                links.append(
                    {"number": number, "href": href(number), "current": number == page.number}
                )
    return {
        "page": page,
        "links": links,
        "previous": href(page.previous_page_number()) if page.has_previous() else "",
        "next": href(page.next_page_number()) if page.has_next() else "",
    }


@register.inclusion_tag("ui/sparkline.html")
def ui_sparkline(values: Any, label: Any = "") -> dict[str, Any]:
    """An inline SVG line of ``values`` (None leaves a gap) for a card or a table cell;
    ``label`` says in words what it shows (e.g. the first and last value)."""
    shape = sparkline_geometry.shape(list(values or []))
    return {"shape": shape, "label": label}


def _address_without_lang(request: Any) -> str:
    """The page's address without ``lang=`` (which would outrank the switch's choice)."""
    if request is None:
        return "/"
    query = request.GET.copy()
    query.pop("lang", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


@register.inclusion_tag("ui/language_switch.html", takes_context=True)
def ui_language_switch(context: template.Context, light: bool = False) -> dict[str, Any]:
    """The id/en switch: a ``set_language`` form (a POST; works without JavaScript) that
    returns to the same page."""
    request = context.get("request")
    current = get_language() or settings.LANGUAGE_CODE
    options = [
        {"code": code, "short": code.upper(), "name": name, "current": code == current}
        for code, name in (("id", "Bahasa Indonesia"), ("en", "English"))
    ]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "next": _address_without_lang(request),
        "options": options,
        "light": light,
    }
