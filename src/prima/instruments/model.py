"""Reading and validating instrument definitions (built-in names or JSON/YAML files)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

BUILTIN_PACKAGE = "prima.instruments.builtin"
# who answers an instrument (issue 12): customers, or the organization's own employees
AUDIENCES = ("external", "internal")


class InstrumentError(ValueError):
    """An instrument name or file that cannot be used; the message names what and where."""

    def __init__(self, message: str, *, source: str) -> None:
        self.source = source
        super().__init__(f"{source}: {message}")


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str | None
    text: dict[str, str]
    column: str  # the answer column for single-answer items (IKM); defaults to the id
    code: str | None = None  # stable code (e.g. SKM unsur "persyaratan")
    options: dict[int, dict[str, str]] = field(default_factory=dict)
    scale: tuple[int, int] | None = None  # overrides the instrument's scale (quick form)
    required: bool = True


@dataclass(frozen=True)
class Instrument:
    name: str
    scale: tuple[int, int]
    items: tuple[Item, ...]
    kind: str = "paired"  # "ikm" (one answer per unsur), "paired" (harapan/kinerja), "quick"
    title: dict[str, str] = field(default_factory=dict)
    version: int = 1
    standard: str | None = None  # IKM regulation: "skm2017" or "skm2004"
    dimension_texts: dict[str, dict[str, str]] = field(default_factory=dict)
    audience: str = "external"  # who answers: "external" (customers) or "internal" (employees)
    once_items: tuple[Item, ...] = ()
    """Items of a paired instrument asked once, not as a pair (``"once": true`` in the file):
    e.g. the employee survey's eNPS (0-10). Never in :attr:`items`, so every pair-based method
    (gap, IPA, CSI, SERVQUAL, dimensions) reads the pairs alone."""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    def dimensions(self) -> dict[str, list[str]]:
        """``{dimension: [item ids]}`` in the order the dimensions first appear."""
        groups: dict[str, list[str]] = {}
        for item in self.items:
            if item.dimension:
                groups.setdefault(item.dimension, []).append(item.id)
        return groups


def builtin_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".json")
        for p in resources.files(BUILTIN_PACKAGE).iterdir()
        if p.name.endswith(".json")
    )


def load_instrument(name_or_path: str) -> Instrument:
    """A built-in instrument by name, or an instrument file (``.json``, ``.yaml``, ``.yml``)."""
    if name_or_path in builtin_names():
        text = resources.files(BUILTIN_PACKAGE).joinpath(f"{name_or_path}.json").read_text("utf-8")
        return parse_instrument(json.loads(text), source=name_or_path)
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        raise InstrumentError(
            f"unknown instrument; built-in instruments are {', '.join(builtin_names())}",
            source=name_or_path,
        )
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InstrumentError("file not found", source=name_or_path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentError(f"cannot read the file ({exc})", source=name_or_path) from None
    data: Any
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            source=name_or_path,
        ) from None
    except Exception as exc:  # yaml.YAMLError: report its position on one line
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InstrumentError(f"not valid YAML{where}: {problem}", source=name_or_path) from None
    return parse_instrument(data, source=name_or_path)


def _texts(value: Any, where: str, source: str) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"id": value, "en": value}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise InstrumentError(
        f'{where}: text must be a string or {{"id": ..., "en": ...}}', source=source
    )


def _is_scale(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and value[0] < value[1]
    )


def parse_instrument(data: Any, *, source: str) -> Instrument:
    """Validate a decoded instrument definition."""
    if not isinstance(data, dict):
        raise InstrumentError("an instrument must be an object", source=source)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InstrumentError('"name" is missing or empty', source=source)
    scale = data.get("scale")
    if not _is_scale(scale) or scale is None:
        raise InstrumentError(
            '"scale" must be [MIN, MAX] with whole numbers, MIN < MAX', source=source
        )
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise InstrumentError('"items" must be a non-empty list', source=source)
    kind = data.get("kind", "paired")
    if kind not in ("ikm", "paired", "quick"):
        raise InstrumentError('"kind" must be "ikm", "paired" or "quick"', source=source)
    items: list[Item] = []
    once_items: list[Item] = []
    seen: set[str] = set()
    for pos, raw in enumerate(raw_items, start=1):
        where = f"items[{pos}]"
        if not isinstance(raw, dict):
            raise InstrumentError(f"{where} must be an object", source=source)
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not item_id.strip():
            raise InstrumentError(f'{where}: "id" is missing', source=source)
        if item_id in seen:
            raise InstrumentError(f'{where}: duplicate id "{item_id}"', source=source)
        seen.add(item_id)
        dimension = raw.get("dimension")
        if dimension is not None and not isinstance(dimension, str):
            raise InstrumentError(f'{where}: "dimension" must be a string', source=source)
        column = raw.get("column", item_id)
        if not isinstance(column, str):
            raise InstrumentError(f'{where}: "column" must be a string', source=source)
        options: dict[int, dict[str, str]] = {}
        for key, label in (raw.get("options") or {}).items():
            try:
                value = int(key)
            except (TypeError, ValueError):
                raise InstrumentError(
                    f"{where}: option {key!r} is not a whole number", source=source
                ) from None
            options[value] = _texts(label, f"{where} option {key}", source)
        item_scale = raw.get("scale")
        if item_scale is not None and not _is_scale(item_scale):
            raise InstrumentError(f'{where}: "scale" must be [MIN, MAX]', source=source)
        once = raw.get("once", False)
        if not isinstance(once, bool):
            raise InstrumentError(f'{where}: "once" must be true or false', source=source)
        if once and kind != "paired":
            raise InstrumentError(
                f'{where}: "once" is for paired instruments (the other kinds ask every item once)',
                source=source,
            )
        if once and "." in item_id:
            raise InstrumentError(
                f'{where}: the id of an item asked once may not hold "." (the pairs\' answer '
                'keys are "<id>.harapan" and "<id>.kinerja")',
                source=source,
            )
        if once and dimension is not None:
            raise InstrumentError(
                f"{where}: an item asked once belongs to no dimension (the dimensions group pairs)",
                source=source,
            )
        (once_items if once else items).append(
            Item(
                id=item_id,
                dimension=dimension,
                text=_texts(raw.get("text"), where, source),
                column=column,
                code=raw.get("code"),
                options=options,
                scale=(item_scale[0], item_scale[1]) if item_scale else None,
                required=bool(raw.get("required", True)),
            )
        )
    dimension_texts = {
        str(d["id"]): _texts(d.get("text"), f"dimension {d.get('id')}", source)
        for d in data.get("dimensions") or []
        if isinstance(d, dict) and "id" in d
    }
    if not items:
        raise InstrumentError('"items" must hold at least one item not asked once', source=source)
    audience = data.get("audience", "external")
    if audience not in AUDIENCES:
        raise InstrumentError('"audience" must be "external" or "internal"', source=source)
    return Instrument(
        name=name,
        scale=(int(scale[0]), int(scale[1])),
        items=tuple(items),
        kind=kind,
        title=_texts(data.get("title"), "title", source),
        version=int(data.get("version", 1)),
        standard=data.get("standard"),
        dimension_texts=dimension_texts,
        audience=audience,
        once_items=tuple(once_items),
        raw=data,
    )
