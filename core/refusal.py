"""Mizan's one error type: why something was refused. A machine-readable code, an HTTP status, a message
in both languages, and the field it concerns. Raised by the pure domain, by the services and the API
alike; it crosses Temporal as an ApplicationError (workflows.common / workflows.client) and leaves the
API as `{"error": {...}}` (api.errors)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


@dataclass
class Refusal(Exception):
    code: str
    status: int
    message_en: str
    message_ar: str
    field: str | None = None
    #: further machine-readable facts for the client, e.g. `retry_after`
    details: dict[str, Any] = dataclass_field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    @property
    def audit_code(self) -> str:
        """The code the audit log records: the caller's, unless the refusal hides a truth from the caller."""
        return self.code

    def message(self, language: str) -> str:
        """The message in the reader's language (Arabic, or English)."""
        return self.message_ar if language == "ar" and self.message_ar else self.message_en

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "code": self.code,
            "message": self.message_en,
            "message_ar": self.message_ar or self.message_en,
            **self.details,
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


def not_found(code: str, en: str, ar: str) -> Refusal:
    return Refusal(code, 404, en, ar)


def unauthorized(code: str, en: str, ar: str) -> Refusal:
    return Refusal(code, 401, en, ar)


class Hidden(Refusal):
    """A refusal that answers as if something did not exist, to a caller who may not know it does (a case
    they may not see). It says exactly what the refusal for a missing thing says; only the audit knows."""

    @property
    def audit_code(self) -> str:
        return f"{self.code}:hidden"
