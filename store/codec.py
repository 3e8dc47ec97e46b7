"""Mizan's dataclasses as JSON: temporalio's own JSON (encoding `json/plain`), so that a case's state reads
alike in the read model (`cases.snapshot`), in the event log and in Temporal's histories, decoded by
decoders compiled once per type.

temporalio's `value_to_type` resolves every dataclass's type hints again on each call: a case's state, an
action, a batch of events cost milliseconds to decode on every workflow task, activity and Update (a
seventh of the worker's CPU in `bench actions`). Each type is compiled once into a decoder that follows
`value_to_type`'s rules for the types Mizan's messages are made of (dataclasses, lists, tuples, str-keyed
dicts, unions tried in order, str enums, datetimes, primitives); any other type is handed to
`value_to_type` itself. tests/store/test_codec.py checks both give the same results and refusals.
workflows.client's data converter decodes with them too.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Iterable
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from temporalio.converter import JSONPlainPayloadConverter, value_to_type

from core.case import ActorRef, CaseEvent, CaseState

Decoder = Callable[[Any], Any]
_CONVERTER = JSONPlainPayloadConverter()


def to_json(value: CaseState | CaseEvent) -> dict[str, Any]:
    payload = _CONVERTER.to_payload(value)
    assert payload is not None
    result: dict[str, Any] = json.loads(payload.data)
    return result


def state_from_json(data: dict[str, Any]) -> CaseState:
    state: CaseState = decoder_for(CaseState)(data)
    return state


def event_from_row(row: Any) -> CaseEvent:
    """A logged event (a `case_events` row) back into a CaseEvent, for folding."""
    actor = ActorRef(row.actor_username, row.actor_role or "", row.actor_agency or "") if row.actor_username else None
    return CaseEvent(seq=row.seq, name=row.name, at=row.at, actor=actor, fields=dict(row.fields))


@cache
def decoder_for(hint: Any) -> Decoder:
    """The decoder of one type, built once; the same results and refusals (TypeError) as value_to_type."""
    if hint is Any:
        return _identity
    if hint in _PRIMITIVES:
        return _PRIMITIVES[hint]
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union([decoder_for(arg) for arg in args])
    if origin is list and len(args) == 1:
        return _list(decoder_for(args[0]))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        items = _list(decoder_for(args[0]))
        return lambda value: tuple(items(value))
    if origin is dict and len(args) == 2 and args[0] is str:
        return _str_dict(None if args[1] is Any else decoder_for(args[1]))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint)
    if isinstance(hint, type) and issubclass(hint, Enum) and issubclass(hint, str) and not issubclass(hint, int):
        return _str_enum(hint)
    return lambda value: value_to_type(hint, value)


def _identity(value: Any) -> Any:
    return value


def _datetime(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError as err:
            raise TypeError(f"Failed parsing datetime string: {value}") from err
    if isinstance(value, datetime):
        return value
    raise TypeError(f"Expected datetime or ISO8601 string, got {type(value)}")


def _number(kind: type[int] | type[float]) -> Decoder:
    def decode(value: Any) -> Any:
        if not isinstance(value, (int, float)):
            raise TypeError(f"Expected value to be int|float, was {type(value)}")
        return kind(value)
    return decode


def _exactly(kind: type) -> Decoder:
    def decode(value: Any) -> Any:
        if not isinstance(value, kind):
            raise TypeError(f"Expected value to be {kind.__name__}, was {type(value)}")
        return kind(value)
    return decode


def _none(value: Any) -> None:
    if value is not None:
        raise TypeError(f"Expected None, got value of type {type(value)}")


_PRIMITIVES: dict[Any, Decoder] = {
    datetime: _datetime, int: _number(int), float: _number(float), bool: _exactly(bool), str: _exactly(str),
    type(None): _none,
}


def _union(members: list[Decoder]) -> Decoder:
    def decode(value: Any) -> Any:
        for member in members:  # in order, the first that accepts the value (Optional is a union with None)
            try:
                return member(value)
            except Exception:  # as value_to_type: a refusing member means "try the next"
                continue
        raise TypeError(f"Failed converting to a union from {value!r}")
    return decode


def _list(item: Decoder) -> Decoder:
    def decode(value: Any) -> list[Any]:
        if not isinstance(value, Iterable):
            raise TypeError(f"Expected a list, value was {type(value)}")
        return [item(v) for v in value]
    return decode


def _str_dict(item: Decoder | None) -> Decoder:
    def decode(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise TypeError(f"Expected a mapping, value was {type(value)}")
        if item is None:
            return dict(value)
        return {key: item(v) for key, v in value.items()}
    return decode


def _str_enum(kind: type[Enum]) -> Decoder:
    def decode(value: Any) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"Cannot convert to enum {kind}, value not a string, value is {type(value)}")
        return kind(value)
    return decode


def _dataclass(kind: type) -> Decoder:
    hints = typing.get_type_hints(kind)
    fields = [(f.name, f.init) for f in dataclasses.fields(kind)]
    # resolved lazily: a dataclass may refer to itself, and decoder_for caches by type
    decoders: dict[str, Decoder] = {}

    def decode(value: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"Cannot convert to dataclass {kind}, value is {type(value)} not dict")
        given: dict[str, Any] = {}
        late: dict[str, Any] = {}
        for name, init in fields:
            if name not in value:
                continue  # a missing required field fails in the constructor, as in value_to_type
            field_decoder = decoders.get(name)
            if field_decoder is None:
                field_decoder = decoders[name] = decoder_for(hints[name])
            (given if init else late)[name] = field_decoder(value[name])
        obj = kind(**given)
        for name, field_value in late.items():
            object.__setattr__(obj, name, field_value)
        return obj
    return decode
