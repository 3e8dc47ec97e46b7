"""Every timestamp the API returns carries its offset (issue 12, legal dates): a response model's instant is an
`AwareDatetime`, so a naive value is a server error at once, never a time a client reads in the wrong zone."""

from __future__ import annotations

import importlib
import pkgutil
import typing
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import AwareDatetime, BaseModel, ValidationError

import api
from api.cases.schemas import ClockPublic


def _schema_models() -> list[type[BaseModel]]:
    models: list[type[BaseModel]] = []
    for module_info in pkgutil.walk_packages(api.__path__, "api."):
        if module_info.name.endswith(".schemas"):
            module = importlib.import_module(module_info.name)
            models += [value for value in vars(module).values() if isinstance(value, type)
                       and issubclass(value, BaseModel) and value.__module__ == module.__name__]
    return models


def _naive_instants(model: type[BaseModel]) -> list[str]:
    """The fields whose type admits a datetime without saying it must be aware."""
    found = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        args = typing.get_args(annotation) or (annotation,)
        if datetime in args:  # a bare `datetime` (AwareDatetime is Annotated and unpacks to metadata)
            found.append(name)
    return found


def test_every_instant_of_every_response_model_is_aware() -> None:
    models = _schema_models()
    assert len(models) > 10 and any(_has_aware(m) for m in models)
    assert {f"{m.__module__}.{m.__name__}.{f}" for m in models for f in _naive_instants(m)} == set()


def _has_aware(model: type[BaseModel]) -> bool:
    return any(AwareDatetime in (typing.get_args(i.annotation) or (i.annotation,)) or i.annotation is AwareDatetime
               for i in model.model_fields.values())


def test_a_naive_instant_is_refused_and_an_aware_one_keeps_its_offset() -> None:
    fields: dict[str, Any] = {"clock_id": "c", "name": "appeal_window", "label_ar": "", "label_en": "",
                              "subject": None, "expires_at_local": "", "status": "open"}
    with pytest.raises(ValidationError):
        ClockPublic.model_validate({**fields, "started_at": datetime(2027, 2, 1, 10),
                                    "expires_at": datetime(2027, 2, 11, 22)})
    clock = ClockPublic.model_validate({**fields, "started_at": datetime(2027, 2, 1, 10, tzinfo=UTC),
                                        "expires_at": datetime(2027, 2, 11, 22, tzinfo=UTC)})
    assert clock.model_dump(mode="json")["expires_at"] in ("2027-02-11T22:00:00Z", "2027-02-11T22:00:00+00:00")
