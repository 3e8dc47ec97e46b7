"""Who may see which case: one predicate, compiled for one case here, for SQL in
`api.access` and for OpenSearch in `search.query` (parity is tested on fixtures).

A case is visible to a viewer whose agencies have held it or hold an explicit grant on it (its
"holders"); national viewers (CID investigators, national supervisors, auditors) also see every case
that is not sealed; citizens see no case file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.case import Actor
from core.roles import Capability, capabilities
from core.vocabulary import Sensitivity


@dataclass(frozen=True)
class Viewer:
    national: bool
    agencies: frozenset[str]

    @property
    def sees_nothing(self) -> bool:
        return not self.national and not self.agencies


def viewer_for(actor: Actor) -> Viewer:
    granted = capabilities(actor.roles)
    if Capability.read_case_files not in granted:
        return Viewer(national=False, agencies=frozenset())
    national = actor.national or Capability.read_every_unsealed_case in granted
    agencies = {actor.agency} if actor.agency else set()
    if Capability.oversee_scope in granted:
        agencies |= set(actor.scope)
    return Viewer(national=national, agencies=frozenset(agencies))


def case_holders(agencies_involved: Iterable[str], granted: Iterable[str] = ()) -> set[str]:
    """The agencies that see a case whatever its sensitivity: those that held it, those granted it."""
    return set(agencies_involved) | set(granted)


def may_see(viewer: Viewer, sensitivity: str, agencies_involved: Iterable[str], granted: Iterable[str] = ()) -> bool:
    if viewer.sees_nothing:
        return False
    if viewer.agencies & case_holders(agencies_involved, granted):
        return True
    return viewer.national and sensitivity != Sensitivity.sealed
