"""Forms built from the procedure table (core.procedure FieldSpecs), and posted forms read back.

One widget per FieldKind; labels come from FieldSpec.label_ar / label_en and the vocabulary's own
(core.vocabulary.label). A party or agency field offers only what the case's dry run of the procedure
(CasePublic.action_choices) says would be accepted. What a form posts is turned back into the same
`fields` dict that the REST API's JSON body carries, so the service and the workflow validate it
exactly once, and their refusal is shown next to the field it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from core.agencies import AgencyTree
from core.clocks import TRIPOLI
from core.procedure import IDENTITY_FIELDS, ActionRule, FieldKind, FieldSpec
from core.refusal import Refusal
from core.vocabulary import PartyRole, SentenceKind, VerdictResult, label, label_of

DEFAULT_PARTY_ROWS = 2
MAX_PARTY_ROWS = 20
#: what a party row of a report asks first; the rest of a person's identity (core.procedure.IDENTITY_FIELDS:
#: birth date and place, mother's name, passport) folds out under it
PARTY_KEYS = ("role", "name", "national_id")
PARTY_IDENTITY_KEYS = tuple(spec.name for spec in IDENTITY_FIELDS)
#: to the second: a verdict pronounced right after a hearing must not default to a minute before it
DATETIME_LOCAL = "%Y-%m-%dT%H:%M:%S"


def field_key(path: str) -> str:
    """A field path as the services report it (`parties[0].national_id`) as an HTML id suffix."""
    return re.sub(r"[\[\].]+", "-", path).strip("-")


@dataclass
class Widget:
    name: str
    kind: str  # text | textarea | national_id | code | date | datetime | select | number | lines | parties | verdicts
    #  | document | ref
    label: str
    required: bool
    value: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)  # parties / verdicts
    #: a parties widget's identity fields, one list per row (their names: parties-<row>-<field>)
    row_widgets: list[list[Widget]] = field(default_factory=list)
    #: a verdicts widget's second choice: the kinds of sentence
    extra_options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return field_key(self.name)


@dataclass
class FormError:
    message: str
    field: str | None  # a widget key, or None for the whole form
    label: str | None = None  # the field's label, for the error summary ("Offence: this field is required")

    @classmethod
    def of(cls, language: str, message_en: str, message_ar: str, key: str | None) -> FormError:
        return cls(message_ar if language == "ar" and message_ar else message_en, key)


@dataclass
class FormContext:
    """What a form needs besides its specs: the case's parties, the agency tree, the language, and per
    action the values its party and agency fields may take (CasePublic.action_choices)."""

    language: str
    tree: AgencyTree
    parties: list[dict[str, Any]] = field(default_factory=list)
    choices: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    #: the documents attached to the case (reference, title): what a document field may name
    documents: Sequence[tuple[str, str]] = ()


def now_local() -> str:
    return datetime.now(TRIPOLI).strftime(DATETIME_LOCAL)


def widgets_for(rule: ActionRule, context: FormContext, posted: Mapping[str, str] | None = None) -> list[Widget]:
    """One widget per field of `rule`, filled from `posted` (a re-shown form) or with defaults."""
    values = posted or {}
    choices = context.choices.get(rule.name, {})
    return [_widget(spec, context, values, choices.get(spec.name, ()), fresh=posted is None) for spec in rule.fields]


def _widget(spec: FieldSpec, context: FormContext, values: Mapping[str, str], allowed: Sequence[str], *,
            fresh: bool) -> Widget:
    """`allowed`: the party ids or agency codes the field may take (party and agency fields only)."""
    language = context.language
    widget = Widget(spec.name, "text", label(spec, language), spec.required, values.get(spec.name, ""))
    kind = spec.kind
    if kind is FieldKind.text:
        widget.kind = "textarea"  # prose gets a multi-line box; names, places and titles (FieldKind.line) one line
    elif kind is FieldKind.national_id:
        widget.kind = "national_id"
    elif kind in (FieldKind.passport_number, FieldKind.nationality):
        widget.kind = "code"  # letters and digits, left to right (a nationality: LBY, EGY…)
    elif kind is FieldKind.past_date:
        widget.kind = "date"
    elif kind in (FieldKind.past_datetime, FieldKind.future_datetime, FieldKind.datetime):
        widget.kind = "datetime"
        if fresh and kind is FieldKind.past_datetime and spec.name != "occurred_at":
            widget.value = now_local()  # an arrest, a service, a verdict are usually recorded as they happen
    elif kind is FieldKind.integer:
        widget.kind = "number"
    elif kind in (FieldKind.texts, FieldKind.names):
        widget.kind = "lines"
    elif kind is FieldKind.choice:
        widget.kind = "select"
        widget.options = [(c.value, label(c, language)) for c in spec.choices]
        if fresh and spec.default is not None:
            widget.value = spec.default  # left blank, an optional choice keeps what the case has (a requalification)
    elif kind is FieldKind.agency:
        widget.kind = "select"
        agencies = [a for a in context.tree.by_code.values() if a.code in allowed]
        widget.options = [(a.code, a.name(language)) for a in sorted(agencies, key=lambda a: a.code)]
    elif kind is FieldKind.party:
        widget.kind = "select"
        widget.options = [(p["party_id"], f"{p['name']} — {label_of(PartyRole, p['role'], language)}")
                          for p in context.parties if p["party_id"] in allowed]
    elif kind is FieldKind.parties:
        widget.kind = "parties"
        count = party_row_count(values.get("party_rows"))
        widget.rows = [{k: values.get(f"parties-{i}-{k}", "") for k in PARTY_KEYS} for i in range(count)]
        widget.row_widgets = [[_widget(replace(spec, name=f"parties-{i}-{spec.name}"), context, values, (),
                                       fresh=fresh) for spec in IDENTITY_FIELDS] for i in range(count)]
        widget.options = [(r.value, label(r, language)) for r in PartyRole]
    elif kind is FieldKind.verdicts:
        widget.kind = "verdicts"
        names = {p["party_id"]: p["name"] for p in context.parties}
        widget.rows = [{"party_id": pid, "name": names.get(pid, pid),
                        "result": values.get(f"verdicts-{i}-result", ""),
                        "sentence": values.get(f"verdicts-{i}-sentence", ""),
                        "in_absentia": values.get(f"verdicts-{i}-in_absentia", ""),
                        **{f"penalty_{k}": values.get(f"verdicts-{i}-penalty-{k}", "") for k in PENALTY_PARTS}}
                       for i, pid in enumerate(allowed)]
        widget.options = [(r.value, label(r, language)) for r in VerdictResult]
        widget.extra_options = [(k.value, label(k, language)) for k in SentenceKind]
    elif kind is FieldKind.document:
        widget.kind = "document"  # chosen among the case's attached documents, not typed as a reference
        widget.options = list(context.documents)
    else:  # case: a reference typed or pasted in
        widget.kind = "ref"
    return widget


def fields_from_form(rule: ActionRule, form: Mapping[str, str]) -> dict[str, Any]:
    """The posted form as the action's `fields` (what the REST API receives as JSON)."""
    fields: dict[str, Any] = {}
    for spec in rule.fields:
        if spec.kind is FieldKind.parties:
            parties = _parties(form)
            if parties:
                fields[spec.name] = parties
        elif spec.kind is FieldKind.verdicts:
            fields[spec.name] = _verdicts(form)
        elif spec.kind in (FieldKind.texts, FieldKind.names):
            lines = [line.strip() for line in form.get(spec.name, "").splitlines() if line.strip()]
            if lines:
                fields[spec.name] = lines
        else:
            value = form.get(spec.name, "").strip()
            if value:
                fields[spec.name] = value
    return fields


def party_row_count(value: str | None) -> int:
    """How many party rows a form shows: what it says, within 1 and MAX_PARTY_ROWS; anything else the default
    (a hand-made form may say anything)."""
    if value is None or not value.isdigit() or len(value) > 3:
        return DEFAULT_PARTY_ROWS
    return max(1, min(int(value), MAX_PARTY_ROWS))


def _filled_party_rows(form: Mapping[str, str]) -> list[int]:
    rows = party_row_count(form.get("party_rows"))
    # an untouched row is not a party
    return [i for i in range(min(rows, MAX_PARTY_ROWS))
            if any(form.get(f"parties-{i}-{k}", "").strip() for k in (*PARTY_KEYS, *PARTY_IDENTITY_KEYS))]


def _parties(form: Mapping[str, str]) -> list[dict[str, str | None]]:
    parties = []
    for i in _filled_party_rows(form):
        row = {k: form.get(f"parties-{i}-{k}", "").strip() for k in PARTY_KEYS}
        party: dict[str, str | None] = {"role": row["role"], "name": row["name"],
                                        "national_id": row["national_id"] or None}
        # the identity fields only when given, as the API's JSON would carry them
        party.update({k: v for k in PARTY_IDENTITY_KEYS if (v := form.get(f"parties-{i}-{k}", "").strip())})
        parties.append(party)
    return parties


def form_errors(language: str, refusal: Refusal, form: Mapping[str, str] | None = None) -> list[FormError]:
    """Every error a refusal carries (core.fields.all_errors: a form's field errors at once), each pointed at
    its widget; a refusal of the whole submission is one error."""
    listed = refusal.details.get("errors")
    if not isinstance(listed, list) or not listed:
        return [FormError.of(language, refusal.message_en, refusal.message_ar, error_field(form or {}, refusal.field))]
    return [FormError.of(language, str(e.get("message", "")), str(e.get("message_ar", "")),
                         error_field(form or {}, e.get("field"))) for e in listed if isinstance(e, dict)]


def labelled(errors: list[FormError], widgets: Sequence[Widget]) -> list[FormError]:
    """Each error with the label of the field it concerns (a party's or a verdict's row: its list's label and
    the row's number), so that a summary of several errors says which is which."""
    by_key = {w.key: w.label for w in widgets}
    for error in errors:
        if error.field is None or error.label:
            continue
        if error.field in by_key:
            error.label = by_key[error.field]
            continue
        row = re.fullmatch(r"([a-z_]+)-(\d+)-.*", error.field)
        if row and row[1] in by_key:
            error.label = f"{by_key[row[1]]} ({int(row[2]) + 1})"
    return errors


def error_field(form: Mapping[str, str], path: str | None) -> str | None:
    """The widget key a refusal's field path points at; party indexes count only the rows filled in."""
    if not path:
        return None
    match = re.fullmatch(r"parties\[(\d+)\](.*)", path)
    if match:
        filled = _filled_party_rows(form)
        index = int(match[1])
        if index < len(filled):
            path = f"parties[{filled[index]}]{match[2]}"
    return field_key(path)


def _verdicts(form: Mapping[str, str]) -> list[dict[str, Any]]:
    verdicts: list[dict[str, Any]] = []
    i = 0
    while f"verdicts-{i}-party_id" in form:
        verdicts.append({"party_id": form[f"verdicts-{i}-party_id"], "result": form.get(f"verdicts-{i}-result") or None,
                         "sentence": form.get(f"verdicts-{i}-sentence", "").strip() or None,
                         "in_absentia": form.get(f"verdicts-{i}-in_absentia") == "on"})
        penalty = _penalty(form, f"verdicts-{i}-penalty")
        if penalty is not None:
            verdicts[-1]["penalty"] = penalty
        i += 1
    return verdicts


#: a sentence as data beside the judge's wording (core.fields checks it): its kind, term and fine
PENALTY_PARTS = ("kind", "years", "months", "days", "fine")


def _penalty(form: Mapping[str, str], prefix: str) -> dict[str, Any] | None:
    """The sentence's data from a verdict row, when its kind is chosen; a number as typed when it is not one, so
    that the services refuse it with the field named."""
    kind = form.get(f"{prefix}-kind", "").strip()
    if not kind:
        return None
    penalty: dict[str, Any] = {"kind": kind}
    for part in PENALTY_PARTS[1:]:
        typed = form.get(f"{prefix}-{part}", "").strip()
        if typed:
            penalty[part] = int(typed) if typed.isascii() and typed.isdigit() else typed
    return penalty
