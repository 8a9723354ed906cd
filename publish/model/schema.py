"""The JSON Schema of `publish ast`'s output, derived from the model's dataclasses.

`schema/model.schema.json` in the repository is this function's output; a test keeps the two
equal and validates every seed's model against it, so the schema can never drift from the code.
Regenerate with `publish schema model > schema/model.schema.json`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable
from typing import Any

from publish import model as m

UNIONS = {"Inline": m.Inline, "Block": m.Block, "DramaBlock": m.DramaBlock}


def _union_name(hint: object) -> str | None:
    for name, union in UNIONS.items():
        if hint == union:
            return name
    return None


def _schema_for(hint: Any) -> dict[str, Any]:
    name = _union_name(hint)
    if name:
        return {"$ref": f"#/$defs/{name}"}
    if hint is str:
        return {"type": "string"}
    if hint is int:
        return {"type": "integer"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is type(None):
        return {"type": "null"}
    origin = typing.get_origin(hint)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return {"type": "array", "items": _schema_for(item)}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema_for(arg) for arg in typing.get_args(hint)]}
    if hint is m.Span or (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
        return {"$ref": f"#/$defs/{hint.__name__}"}
    raise TypeError(f"no schema for {hint!r}")


def _node_schema(cls: type[m.Node] | type[m.Span]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(m))
    properties: dict[str, Any] = {}
    if issubclass(cls, m.Span):
        names: Iterable[str] = m.Span._fields
    else:
        properties["type"] = {"const": cls.TYPE}
        names = [field.name for field in dataclasses.fields(cls)]
    for name in names:
        properties[name] = _schema_for(hints[name])
    # Optional fields (model.optional) are left out of the JSON when at their default.
    optional: set[str] = set()
    if not issubclass(cls, m.Span):
        optional = {f.name for f in dataclasses.fields(cls) if f.metadata.get("optional")}
    return {"type": "object", "properties": properties,
            "required": [name for name in properties if name not in optional],
            "additionalProperties": False}


def model_schema() -> dict[str, Any]:
    defs = {cls.__name__: _node_schema(cls) for cls in (*m.NODE_TYPES.values(), m.Span)}
    for name, union in UNIONS.items():
        defs[name] = {"anyOf": [{"$ref": f"#/$defs/{arg.__name__}"} for arg in typing.get_args(union)]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "publish drama model (output of `publish ast`)",
        "anyOf": [{"$ref": "#/$defs/Play"}, {"$ref": "#/$defs/Book"}],
        "$defs": dict(sorted(defs.items())),
    }
