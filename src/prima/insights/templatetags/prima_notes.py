"""``{% load prima_notes %}{% for n in r.notes|said %}``: an analysis' notes in the page's
language, the unsur without answers in one sentence (:mod:`prima.insights.notes`)."""

from __future__ import annotations

from typing import Any

from django import template

from prima.insights import notes

register = template.Library()


@register.filter
def said(value: Any) -> list[str]:
    return notes.said(value if isinstance(value, list | tuple) else [])
