"""The agency tree (DOMAIN.md, "Agencies"): lookups, and a supervisor's scope (their subtree). Pure: the
agencies come from the read model (store.agencies) or from a fixture."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from core.case import AgencyRef
from core.vocabulary import AgencyKind, CourtLevel


@dataclass(frozen=True)
class Agency:
    code: str
    kind: AgencyKind
    name_ar: str
    name_en: str
    parent: str | None
    region: str | None
    #: competent courts as data: a court's level, and for a first-instance court the court of appeal that hears
    #: its appeals (the felony chamber is a court of appeal's chamber, its own agency: level felony_chamber)
    level: CourtLevel | None = None
    appeals_to: str | None = None
    #: the agency's short Arabic code in its registers (ش.ط.م for Tripoli Central Police Station): a case number
    #: as people read and say it is this code, the serial and the year (core.case_numbers)
    short_code: str = ""

    def ref(self) -> AgencyRef:
        return AgencyRef(self.code, self.kind, self.region, self.level, self.appeals_to, self.name_ar, self.name_en)

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_en


#: the kinds of agency that judge
COURT_KINDS = frozenset({AgencyKind.court, AgencyKind.supreme_court})


class AgencyTree:
    def __init__(self, agencies: Iterable[Agency]) -> None:
        self.by_code: dict[str, Agency] = {a.code: a for a in agencies}
        self.children: dict[str, list[str]] = defaultdict(list)
        for agency in self.by_code.values():
            if agency.parent:
                self.children[agency.parent].append(agency.code)

    def ref(self, code: str) -> AgencyRef | None:
        agency = self.by_code.get(code)
        return agency.ref() if agency else None

    def subtree(self, code: str) -> list[str]:
        found, stack = [], [code]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self.children.get(current, []))
        return found

    def courts(self) -> list[Agency]:
        """Every court and the Supreme Court, by code: what competence is decided among."""
        return sorted((a for a in self.by_code.values() if a.kind in COURT_KINDS), key=lambda a: a.code)

    def is_root(self, code: str) -> bool:
        agency = self.by_code.get(code)
        return agency is not None and agency.parent is None and agency.kind == AgencyKind.ministry
