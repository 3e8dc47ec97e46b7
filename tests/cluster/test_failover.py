"""The failover test under load (bench/failover.py, also `./mizan failover --cluster`): one API, one worker, one
OpenSearch node and Keycloak for 60 s taken away in turn while actions flow; nothing acknowledged
is lost or doubled, in the timeline, the read model or the index; figures into bench/results/."""

from __future__ import annotations

import pytest

from bench.failover import run_failover, write
from config.settings import Settings

pytestmark = pytest.mark.cluster


def test_every_fault_recovers_and_nothing_acknowledged_is_lost_or_doubled(cluster_settings: Settings) -> None:
    report = run_failover(cluster_settings)
    path = write(report)
    print(path.with_suffix(".md").read_text())
    assert report.acknowledged == report.actions_sent > 0, "every action sent is answered once the service is back"
    assert (report.lost, report.duplicated_timeline, report.duplicated_read_model, report.duplicated_index) == (
        0, 0, 0, 0)
    assert report.server_errors == 0
    assert report.index_converged
    assert [f.name for f in report.faults] == ["api", "worker", "opensearch-node", "keycloak"]
    for fault in report.faults:
        assert fault.recovered_after_seconds is not None, f"{fault.name} did not come back"
        assert fault.answers_again_after_seconds is not None, f"no action answered after {fault.name}"
