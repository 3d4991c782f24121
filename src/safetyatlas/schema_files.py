"""JSON Schema generated from the models, one file per kind of record file, for editors.

Files under ``schema/`` are committed; ``safetyatlas schema --check`` (and a test) fail when
they no longer match the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from .kinds import PLACES, SCHEMA_DIR
from .schema import MODELS, SCHEMA_VERSION


def schema_files() -> dict[str, str]:
    """File name under ``schema/`` -> JSON text, for every place in the layout."""
    out: dict[str, str] = {}
    for place in PLACES:
        model = MODELS[place.kind]
        adapter = TypeAdapter(list[model]) if place.many else TypeAdapter(model)  # type: ignore[valid-type]  # a list of a class picked at run time is no static type
        schema = adapter.json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$comment"] = f"safetyatlas record schema v{SCHEMA_VERSION}, generated from src/safetyatlas/schema.py; do not edit"
        out[f"{place.kind}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return out


def stale_files(root: Path) -> list[str]:
    """Schema files that are missing or differ from what the models generate."""
    return [name for name, text in schema_files().items() if not (root / SCHEMA_DIR / name).is_file() or (root / SCHEMA_DIR / name).read_text() != text]
