"""Why an action was refused: a machine-readable code, an HTTP status, and a message in both languages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Refusal(Exception):
    code: str
    status: int
    message_en: str
    message_ar: str
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "message": self.message_en,
            "message_ar": self.message_ar,
        }
        if self.field:
            data["field"] = self.field
        return data


def forbidden(code: str, en: str, ar: str) -> Refusal:
    return Refusal(code, 403, en, ar)


def conflict(code: str, en: str, ar: str) -> Refusal:
    return Refusal(code, 409, en, ar)


def invalid(field: str, en: str, ar: str, code: str = "invalid_field") -> Refusal:
    return Refusal(code, 422, en, ar, field)
