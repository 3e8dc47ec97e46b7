"""The test suite's own Mizan: its own state directory and ports, so that `./mizan test` runs beside a
developer's `./mizan up` (in either order, or together) and never stops it; and the short clocks the suite
needs (`tests/fast_rules.yaml`: a 5-second appeal window, not ten days). Downloads are shared.

Each value is a default: a variable already in the environment wins, so two suites can run side by side
with their own `MIZAN_STATE_DIR` and ports.
"""

from __future__ import annotations

import os

from config.settings import ROOT, Settings

#: every port of the test services is the default's plus this
PORT_OFFSET = 10_000
STATE_DIR = ROOT / ".mizan" / "test"
FAST_RULES = ROOT / "tests" / "fast_rules.yaml"


def test_profile() -> dict[str, str]:
    defaults = Settings.model_construct()  # the defaults, not this environment's values
    ports = {name: getattr(defaults, name) + PORT_OFFSET for name in (
        "api_port", "keycloak_port", "keycloak_management_port", "opensearch_port", "temporal_port",
        "temporal_ui_port", "smtp_port")}
    return {"MIZAN_STATE_DIR": str(STATE_DIR), "MIZAN_RULES": str(FAST_RULES),
            **{f"MIZAN_{name.upper()}": str(port) for name, port in ports.items()}}


def apply_test_profile() -> None:
    """Put the test profile into this process's environment (what is set already stays)."""
    for name, value in test_profile().items():
        os.environ.setdefault(name, value)
