"""The container build file holds what the API and the worker run: every room of Mizan's code that the launcher
runs them from (CODE_ROOTS), so a new room (as i18n and mail were) cannot be left out of the image unnoticed."""

from __future__ import annotations

import re
from pathlib import Path

from infra.mizan_services import CODE_ROOTS

CONTAINERFILE = Path(__file__).resolve().parents[2] / "deploy" / "Containerfile"


def test_the_image_copies_every_room_of_the_code() -> None:
    copied = set(re.findall(r"^COPY (\w+) \./\1$", CONTAINERFILE.read_text(encoding="utf-8"), flags=re.M))
    assert set(CODE_ROOTS) - copied == set()


def test_the_image_runs_the_api_and_names_the_worker_command() -> None:
    text = CONTAINERFILE.read_text(encoding="utf-8")
    assert 'CMD ["python", "-m", "api"]' in text
    assert "python -m activities.worker" in text
