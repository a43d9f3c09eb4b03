"""Label schemes: the labels a project uses, each with colour, key and guideline text."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


class LabelSchemeError(ValueError):
    """A label scheme file or definition that cannot be used."""


@dataclass(frozen=True, slots=True)
class Label:
    """One label: its name, colour, keyboard key and a one-line definition with examples."""

    name: str
    colour: str
    key: str
    definition: str = ""
    example_de: str = ""
    example_en: str = ""

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def validate_labels(labels: list[Label]) -> list[Label]:
    """Check names, colours and keys; return the labels unchanged or raise LabelSchemeError."""
    names: set[str] = set()
    keys: set[str] = set()
    for label in labels:
        if not _NAME.match(label.name):
            raise LabelSchemeError(f"label name {label.name!r} must be upper case (A-Z, 0-9, _)")
        if not _COLOUR.match(label.colour):
            raise LabelSchemeError(f"label {label.name}: colour {label.colour!r} is not #rrggbb")
        if label.name in names:
            raise LabelSchemeError(f"label {label.name} appears twice")
        if label.key and label.key in keys:
            raise LabelSchemeError(f"label {label.name}: key {label.key!r} is already taken")
        names.add(label.name)
        if label.key:
            keys.add(label.key)
    return labels


def labels_from_json(data: Any, origin: str = "label scheme") -> list[Label]:
    """Build labels from the parsed JSON of a scheme file (``{"labels": [...]}``)."""
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise LabelSchemeError(f"{origin}: expected an object with a 'labels' list")
    labels = []
    for i, item in enumerate(data["labels"]):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise LabelSchemeError(f"{origin}: label #{i + 1} needs a 'name'")
        try:
            labels.append(Label(**{k: str(v) for k, v in item.items()}))
        except TypeError as exc:
            raise LabelSchemeError(f"{origin}: label {item['name']}: {exc}") from None
    return validate_labels(labels)


def load_scheme(path: Path) -> list[Label]:
    """Read a label scheme file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LabelSchemeError(f"{path}: {exc}") from None
    return labels_from_json(data, str(path))
