"""The agency tree, read from the read model: lookups, and a supervisor's scope (their subtree)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from activities.models import Agency
from core.case import AgencyRef


class AgencyTree:
    def __init__(self, agencies: list[Agency]) -> None:
        self.by_code = {a.code: a for a in agencies}
        self.children: dict[str, list[str]] = defaultdict(list)
        for agency in agencies:
            if agency.parent:
                self.children[agency.parent].append(agency.code)

    @classmethod
    def load(cls, session: Session) -> AgencyTree:
        return cls(list(session.scalars(select(Agency))))

    def ref(self, code: str) -> AgencyRef | None:
        agency = self.by_code.get(code)
        return AgencyRef(agency.code, agency.kind, agency.region) if agency else None

    def subtree(self, code: str) -> list[str]:
        found, stack = [], [code]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self.children.get(current, []))
        return found

    def is_root(self, code: str) -> bool:
        agency = self.by_code.get(code)
        return agency is not None and agency.parent is None and agency.kind == "ministry"
