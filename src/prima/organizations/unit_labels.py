"""A unit named with its path ("UPT Puskesmas Sukamaju › Apotek"), so that three units named
"Apotek" are told apart wherever a unit is chosen or named (choice lists, alert titles, public
results).

The path runs from the top of the organization's tree down to the unit. When the organization
has a single top unit (the organization itself, e.g. "Dinas Kesehatan Kota Harapan"), that top
unit is left out of its descendants' labels: it says nothing that the organization does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from prima.organizations.models import Unit

SEPARATOR = " › "


def path_labels(units: Iterable[Unit]) -> dict[int, str]:
    """``{unit id: label with path}`` for ``units``, in one query per call."""
    units = list(units)
    if not units:
        return {}
    org_ids = {u.organization_id for u in units}
    tree = Unit.objects.filter(organization_id__in=org_ids).only(
        "id", "name", "path", "organization_id"
    )
    by_path: dict[str, Unit] = {}
    roots: dict[int, int] = {}
    for u in tree:
        by_path[u.path] = u
        if u.path.count(".") == 1:
            roots[u.organization_id] = roots.get(u.organization_id, 0) + 1
    out: dict[int, str] = {}
    for unit in units:
        parts = unit.path.split(".")[:-1]
        prefixes = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
        if len(prefixes) > 1 and roots.get(unit.organization_id) == 1:
            prefixes = prefixes[1:]  # the organization's only top unit: said by the organization
        names = [by_path[p].name for p in prefixes[:-1] if p in by_path]
        out[unit.pk] = SEPARATOR.join([*names, unit.name])
    return out


def path_label(unit: Unit) -> str:
    """The label of one unit (see :func:`path_labels`)."""
    return path_labels([unit])[unit.pk]


class _PathLabelsMixin:
    """Choice labels with the unit's path, computed once for the whole choice list."""

    _labels: dict[int, str] | None = None

    def label_from_instance(self, obj: Any) -> str:
        if self._labels is None or obj.pk not in self._labels:
            self._labels = path_labels(self.queryset)  # type: ignore[attr-defined]
        return self._labels.get(obj.pk, obj.name)


class UnitChoiceField(_PathLabelsMixin, forms.ModelChoiceField):  # type: ignore[type-arg]
    """A unit choice whose options read "UPT Puskesmas Sukamaju › Apotek"."""


class UnitMultipleChoiceField(_PathLabelsMixin, forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several units, each option with its path."""
