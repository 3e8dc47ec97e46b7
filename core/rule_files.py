"""Reading a rule-override file (MIZAN_RULES, MIZAN_RECORD_RULES): YAML or JSON by its suffix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_rule_file(path: Path) -> dict[str, Any]:
    text = Path(path).read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        import yaml

        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a rule file holds a mapping")
    return data
