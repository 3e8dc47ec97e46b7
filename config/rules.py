"""The rule tables in force: core's defaults with the overrides of the files that the settings name
(`MIZAN_RULES` for clocks, `MIZAN_RECORD_RULES` for the criminal record), read once per process."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from config.settings import Settings, get_settings
from core.clocks import RuleBook, rulebook_with
from core.records import RecordRules, record_rules_with


def read_rule_file(path: Path | None) -> dict[str, Any]:
    """A rule-override file, YAML or JSON by its suffix; no file, no overrides."""
    if path is None:
        return {}
    text = Path(path).read_text(encoding="utf-8")
    data = (yaml.safe_load(text) or {}) if path.suffix in {".yaml", ".yml"} else json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a rule file holds a mapping")
    return data


def load_rulebook(settings: Settings) -> RuleBook:
    return rulebook_with(read_rule_file(settings.rules), settings.idle_days)


def load_record_rules(settings: Settings) -> RecordRules:
    return record_rules_with(read_rule_file(settings.record_rules))


@lru_cache
def rulebook() -> RuleBook:
    """The clock rules this process runs with (a new case carries them in its state)."""
    return load_rulebook(get_settings())


@lru_cache
def record_rules() -> RecordRules:
    return load_record_rules(get_settings())
