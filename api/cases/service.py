"""The case service: the one path that both the REST API and the web forms call."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from api.cases.schemas import (
    CasePage,
    CasePublic,
    CaseSummary,
    ClockPublic,
    EventPublic,
    SentencePublic,
    SupervisionNotePublic,
)
from api.idempotency import checked_key, once
from config.rules import rulebook
from config.settings import get_settings
from core.access import Viewer, may_see, viewer_for
from core.agencies import AgencyTree
from core.case import ActionCommand, Actor, AgencyRef, CaseRef, CaseStart, CaseState, Clock
from core.clocks import TRIPOLI, counts_whole_days, last_day
from core.juveniles import juvenile_at_offence
from core.procedure import ACTIONS_BY_NAME, OPEN_CASE, FieldKind
from core.refusal import Hidden, Refusal
from core.sentences import case_sentences
from core.supervision import case_deadlines, overdue
from core.text import check_national_id, check_nationality, check_passport_number
from core.transitions import action_options, decide_open
from core.vocabulary import Category, ClockStatus, Outcome, Stage
from store.access import granted_agencies, readable_statement
from store.agencies import agency_refs, load_agency_tree
from store.case_numbers import number_for_case
from store.codec import state_from_json
from store.documents import linked, parse_ref, unknown_document
from store.models import Case, CaseDeadline, CaseEventRow
from store.people import IdentityWarning, identity_warnings
from workflows.case import CaseWorkflow
from workflows.client import ACT, OPENED, case_workflow_id, refusal_from, send_update
from workflows.messages import ActionResult

IDEMPOTENCY_NAMESPACE = uuid.UUID("5d1c7c55-0b5e-4a4e-9a53-6d697a616e21")


def _targets(action: str, fields: dict[str, Any], tree: AgencyTree) -> dict[str, AgencyRef]:
    rule = ACTIONS_BY_NAME.get(action)
    targets: dict[str, AgencyRef] = {}
    if rule is None:
        return targets
    for spec in rule.fields:
        if spec.kind is FieldKind.agency and isinstance(fields.get(spec.name), str):
            ref = tree.ref(fields[spec.name])
            if ref is not None:
                targets[spec.name] = ref
    return targets


@dataclass
class References:
    """What an action's fields name, resolved for the pure validator: agencies, other cases, and for an action
    that names an agency the courts of the agency tree (which one is competent, and named in a refusal)."""

    targets: dict[str, AgencyRef]
    cases: dict[str, CaseRef]
    courts: list[AgencyRef]


def _resolve_references(session: Session, actor: Actor, case_id: str, action: str,
                        fields: dict[str, Any]) -> References:
    """The agencies and cases an action's fields name, as the pure validator needs to judge them. Acting on a
    case needs the right to read it (core.access): one who may not see it hears only that there is no such
    case, whatever the procedure would have said. A document it names must be one the case may name
    (uploaded to it, or copied to it): a content hash is no key."""
    visible_case(actor, case_id, session)
    cases: dict[str, CaseRef] = {}
    rule = ACTIONS_BY_NAME[action]
    viewer = viewer_for(actor)
    for spec in rule.fields:
        value = fields.get(spec.name)
        if spec.kind is FieldKind.document and value not in (None, ""):
            digest = parse_ref(value) if isinstance(value, str) else None
            if digest is None or not linked(session, case_id, digest):
                raise unknown_document(spec.name)
        if spec.kind is FieldKind.case and isinstance(value, str) and (other := session.get(Case, value)):
            state = state_from_json(other.snapshot)
            cases[spec.name] = CaseRef(other.id, Stage(other.stage),
                                       may_see(viewer, state.sensitivity, state.agencies_involved))
    tree = load_agency_tree(session)
    courts = [court.ref() for court in tree.courts()] if rule.agency_field is not None else []
    return References(_targets(action, fields, tree), cases, courts)


@dataclass
class Opened:
    """open_case's answer: the opening event on record, and the number the case got."""

    result: ActionResult
    number: str


async def open_case(actor: Actor, fields: dict[str, Any], idempotency_key: str | None, session: Session,
                    temporal: Client) -> tuple[ActionResult, str]:
    """Validate with the procedure table, then start the case's workflow and wait until it is on record."""
    command = ActionCommand(OPEN_CASE.name, actor, fields, {}, idempotency_key or "")
    decide_open(command, datetime.now(UTC))
    key = checked_key(idempotency_key)

    async def start() -> Opened:
        # with a key, the case id is the key's: a retry that finds the workflow started joins it
        case_id = uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{actor.username}:{key}").hex if key else uuid.uuid4().hex
        return await _start_case(command, case_id, session, temporal)

    opened = await once(session, actor.username, key, {"action": "open_case", "fields": fields}, Opened, start)
    return opened.result, opened.number


async def _start_case(command: ActionCommand, case_id: str, session: Session, temporal: Client) -> Opened:
    settings = get_settings()
    number = await run_in_threadpool(_reserve_and_commit, session, case_id, command.actor.agency)
    start = WithStartWorkflowOperation(
        CaseWorkflow.run, CaseStart(case_id=case_id, number=number, rules=rulebook(), command=command),
        id=case_workflow_id(case_id), task_queue=settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    try:
        # by name, with its result type: mypy cannot match temporalio's typing of an async Update method
        result: ActionResult = await temporal.execute_update_with_start_workflow(
            OPENED, start_workflow_operation=start, result_type=ActionResult)
    except (WorkflowUpdateFailedError, RPCError) as error:
        refused = refusal_from(error)
        if refused is not None:
            raise refused from None
        raise
    # the number is reserved by the case's id, so a retry that joined the started workflow drew no other; a case
    # opened before reservations existed answers with the number it has on record
    number = await run_in_threadpool(session.scalar, select(Case.number).where(Case.id == case_id)) or number
    return Opened(result, number)


def _reserve_and_commit(session: Session, case_id: str, agency: str) -> str:
    number = number_for_case(session, case_id, agency, datetime.now(TRIPOLI).year)
    session.commit()
    return number


async def act(actor: Actor, case_id: str, action: str, fields: dict[str, Any], idempotency_key: str | None,
              session: Session, temporal: Client) -> ActionResult:
    if action not in ACTIONS_BY_NAME or ACTIONS_BY_NAME[action].opens_case:
        raise Refusal("unknown_action", 404, f"no action named {action}", "إجراء غير معروف")
    found = await run_in_threadpool(_resolve_references, session, actor, case_id, action, fields)
    # who may act is the workflow validator's decision (core.transitions), made on the live state
    key = checked_key(idempotency_key)
    command = ActionCommand(action, actor, fields, found.targets, key or "", found.cases, found.courts)
    handle = temporal.get_workflow_handle(case_workflow_id(case_id))

    async def send() -> ActionResult:
        # the Update id too: a retry while the first is still running is joined to it by Temporal
        update_id = f"{action}:{actor.username}:{key}" if key else None
        return await send_update(handle, ACT, command, result_type=ActionResult, update_id=update_id,
                                 when_finished=Refusal("case_closed", 409, "the case is closed", "القضية مغلقة"))

    request = {"action": action, "case_id": case_id, "fields": fields}
    return await once(session, actor.username, key, request, ActionResult, send)


def _identifiers(values: dict[str, Any]) -> dict[str, str | None]:
    """The identifiers a submission gives, as they will be kept (a malformed one is the validator's to refuse)."""
    found: dict[str, str | None] = {"national_id": None, "passport_number": None, "nationality": None}
    for name, check in (("national_id", check_national_id), ("passport_number", check_passport_number),
                        ("nationality", check_nationality)):
        try:
            found[name] = check(values.get(name))
        except Refusal:
            found[name] = None
    return found


def _warnings(session: Session, viewer: Viewer, name: str, values: dict[str, Any], *, field_prefix: str = "",
              exclude: tuple[str, str] | None = None) -> list[IdentityWarning]:
    ids = _identifiers(values)
    return identity_warnings(session, viewer, name, national_id=ids["national_id"],
                             passport_number=ids["passport_number"], nationality=ids["nationality"],
                             field_prefix=field_prefix, exclude=exclude)


def identity_warnings_for(actor: Actor, action: str, fields: dict[str, Any], session: Session,
                          case_id: str | None = None) -> list[IdentityWarning]:
    """What an accepted submission should make its author check: an identifier it gives that already names
    someone under a name that is not another spelling of this one (store.people.identity_warnings)."""
    viewer = viewer_for(actor)
    found: list[IdentityWarning] = []
    if action == OPEN_CASE.name:
        for index, party in enumerate(fields.get("parties") or []):
            if isinstance(party, dict) and isinstance(party.get("name"), str):
                found += _warnings(session, viewer, party["name"], party, field_prefix=f"parties[{index}].")
    elif action == "add_party" and isinstance(fields.get("name"), str):
        found += _warnings(session, viewer, fields["name"], fields)
    elif action == "identify_party" and case_id is not None and isinstance(fields.get("party_id"), str):
        row = session.get(Case, case_id)
        party = state_from_json(row.snapshot).party(fields["party_id"]) if row is not None else None
        if party is not None:
            found += _warnings(session, viewer, party.name, fields, exclude=(case_id, party.party_id))
    return found


def _clock_public(state: CaseState, clocks: list[Clock] | None = None) -> list[ClockPublic]:
    out = []
    for clock in state.open_clocks() if clocks is None else clocks:
        rule = state.rules.clock(clock.name)
        out.append(ClockPublic(
            clock_id=clock.clock_id, name=clock.name, label_ar=rule.label_ar, label_en=rule.label_en,
            subject=clock.subject, started_at=clock.started_at, expires_at=clock.expires_at,
            expires_at_local=clock.expires_at.astimezone(TRIPOLI).isoformat(),
            last_day=last_day(clock.expires_at) if counts_whole_days(rule.unit) else None, status=clock.status))
    return out


def _expired_unresolved(state: CaseState) -> list[Clock]:
    """The clocks past their deadline whose expiry stands on the case's record (core.supervision)."""
    standing = {d.key for d in case_deadlines(state) if d.on_record}
    return [c for c in state.clocks if c.status == ClockStatus.expired and c.clock_id in standing]


def case_not_found(*, hidden: bool = False) -> Refusal:
    """The one answer to a case id that does not exist and to one the caller may not see: the caller is not
    told which; the audit is (core.refusal.Hidden)."""
    kind = Hidden if hidden else Refusal
    return kind("case_not_found", 404, "no such case", "القضية غير موجودة")


def visible_case(actor: Actor, case_id: str, session: Session) -> tuple[Case, CaseState]:
    row = session.get(Case, case_id)
    if row is None:
        raise case_not_found()
    state = state_from_json(row.snapshot)
    if not may_see(viewer_for(actor), state.sensitivity, state.agencies_involved, granted_agencies(session, case_id)):
        raise case_not_found(hidden=True)
    return row, state


def get_case(actor: Actor, case_id: str, session: Session) -> CasePublic:
    row, state = visible_case(actor, case_id, session)
    events = session.scalars(select(CaseEventRow).where(CaseEventRow.case_id == case_id)
                             .order_by(CaseEventRow.seq))
    handoff = state.handoff
    now = datetime.now(UTC)
    options = action_options(state, actor, now, agency_refs(session))
    past = overdue(case_deadlines(state), now)  # core.supervision: past now, on record or not yet
    return CasePublic(
        id=state.case_id, number=state.number, stage=state.stage, outcome=state.outcome,
        owner_agency=state.owner_agency, region=state.region, category=state.category,
        sensitivity=state.sensitivity, offence=state.offence, place=state.place, narrative=state.narrative,
        opened_at=state.opened_at, in_transit=row.in_transit, stalled=bool(past),
        stalled_reasons=list(dict.fromkeys(d.reason.value for d in past)),
        # a juvenile at the offence (core.juveniles) is flagged: None when no date of birth is recorded
        parties=[vars(p) | {"juvenile": juvenile_at_offence(p.birth_date, state.occurred_at)} for p in state.parties],
        verdicts=[{k: v for k, v in vars(v).items()} for v in state.verdicts],
        hearings=[vars(h) for h in state.hearings], charges=state.charges,
        pending_handoff=vars(handoff) if handoff and handoff.acknowledged_at is None else None,
        open_clocks=_clock_public(state), agencies_involved=state.agencies_involved,
        expired_clocks=_clock_public(state, _expired_unresolved(state)),
        allowed_actions=[option.action for option in options],
        action_choices={option.action: {name: list(values) for name, values in option.choices.items()}
                        for option in options if option.choices},
        timeline=[EventPublic(seq=e.seq, name=e.name, at=e.at, actor=e.actor_username, role=e.actor_role,
                              agency=e.actor_agency, fields=e.fields) for e in events],
        supervision_notes=[SupervisionNotePublic(seq=n.seq, at=n.at, by=n.by, agency=n.agency, text=n.text)
                           for n in state.supervision_notes],
        qualifications=[vars(q) for q in state.qualifications], severed_from=state.severed_from,
        severed_from_number=state.severed_from_number,
        sentences=[SentencePublic(**vars(f)) for f in case_sentences(state, now)],
    )


def list_cases(actor: Actor, session: Session, *, stage: Stage | None, agency: str | None, stalled: bool | None,
               offset: int, limit: int) -> CasePage:
    statement = readable_statement(viewer_for(actor))
    if stage:
        statement = statement.where(Case.stage == stage)
    if agency:
        statement = statement.where(Case.owner_agency == agency)
    now = datetime.now(UTC)
    # stalled: past a deadline now (core.supervision, projected as case_deadlines), its expiry on record or not
    past_deadline = exists().where(CaseDeadline.case_id == Case.id, CaseDeadline.due_at <= now)
    if stalled is not None:
        statement = statement.where(past_deadline if stalled else ~past_deadline)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = list(session.scalars(statement.order_by(Case.updated_at.desc(), Case.id).offset(offset).limit(limit)))
    reasons: dict[str, list[str]] = {r.id: [] for r in rows}
    if rows:
        for case_id, reason in session.execute(
                select(CaseDeadline.case_id, CaseDeadline.reason)
                .where(CaseDeadline.case_id.in_(list(reasons)), CaseDeadline.due_at <= now)
                .order_by(CaseDeadline.urgency, CaseDeadline.due_at)):
            if reason not in reasons[case_id]:
                reasons[case_id].append(reason)
    items = [CaseSummary(id=r.id, number=r.number, stage=Stage(r.stage), owner_agency=r.owner_agency,
                         category=Category(r.category), offence=r.offence,
                         outcome=Outcome(r.outcome) if r.outcome else None, stalled=bool(reasons[r.id]),
                         stalled_reasons=reasons[r.id],
                         in_transit=r.in_transit, opened_at=r.opened_at, updated_at=r.updated_at) for r in rows]
    return CasePage(items=items, total=total, offset=offset, limit=limit)
