"""Replays the committed case histories with today's workflow code: a change that would break
running cases (non-determinism) fails here. Record new ones with `python -m tests.support.record_histories`.

`case-reassigned-across-kinds-v2` was recorded with the code before AGENCY_KINDS_PATCH (commit 2fa38c6): a
national supervisor reassigned a court's case to a prosecution office, which today's rules refuse; it replays
because the Update handler decides such an Update again as it was decided then."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from activities.worker import workflow_runner
from workflows.case import CaseWorkflow
from workflows.client import DATA_CONVERTER

HISTORIES = sorted((Path(__file__).parent / "histories").glob("case-*.json"))


def test_there_are_histories_to_replay() -> None:
    assert len(HISTORIES) >= 2


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_history_replays_with_current_code(path: Path) -> None:
    history = WorkflowHistory.from_json(f"case-{path.stem}", path.read_text())
    replayer = Replayer(workflows=[CaseWorkflow], workflow_runner=workflow_runner(), data_converter=DATA_CONVERTER)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None


def test_every_rule_revision_has_one_patch_newest_first() -> None:
    """A revision added to core.procedure without its patch would be decided, on replay, as the one before it."""
    from core.procedure import RuleRevision
    from workflows.case import REVISION_PATCHES
    revisions = [revision for _, revision in REVISION_PATCHES]
    assert revisions == sorted(set(RuleRevision) - {RuleRevision.original}, reverse=True)
    assert len({patch for patch, _ in REVISION_PATCHES}) == len(REVISION_PATCHES)
