"""The case workflow: the source of truth for one case while it is open.

Every action is the Update `act`, whose validator runs the procedure table (`core.transitions`)
before anything reaches history. Accepted events go to an outbox that the main loop flushes, in
order, to the permanent event log (activity `record_events`), then to the search index. Clocks are
durable timers: the loop sleeps until the next warning or expiry in the case's state.

Versions (`workflow.patched`): RECORD_AND_INDEX records and indexes in one local activity, in the
workflow task that accepted the action; before it, indexing was always the separate activity.
BOUNDED_RETRIES_PATCH (workflows.common): no activity retries forever. When recording an action spends its
attempts, the case is flagged "projection behind" (search attribute MizanProjectionBehind, `./mizan
projections`), the Updates waiting on it are answered (their actions are in the case's history, not yet in
its log), later actions go on, and the workflow sends the outbox again every few minutes until it is on
record. An index that spent its attempts is sent again likewise.
AGENCY_KINDS_PATCH, COURTS_ASKED_PATCH, SEPARATION_OF_POWERS_PATCH, COMPETENT_COURTS_PATCH, LEGAL_DATES_PATCH,
REMAND_PATCH, PER_ACCUSED_PATCH, CUSTODY_PATCH, SENTENCES_PATCH, JUVENILE_ROUTE_PATCH: the rule revisions of
core.procedure.RuleRevision. An action
is decided again in its Update handler under the newest revision; an Update accepted before a revision
existed is decided again, on replay, as it was then (a reassignment across agency kinds, a detention
extended by a court of the region that was never asked, a court's case reassigned by the Ministry, a felony
referred to a first-instance court, a verdict that did not say when it was pronounced, a remand that went back
to trial from cassation, an appeal court's verdict on an accused who had not appealed, a second detention order
that restarted the prosecution's period, a case with a juvenile accused referred to an adults' court).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from core import clock_events, effects, severance, transitions
    from core.case import ActionCommand, CaseEvent, CaseStart, CaseState, MergeDelivery
    from core.procedure import RuleRevision
    from core.refusal import Refusal
    from core.vocabulary import Outcome, Stage
    from workflows import search_attributes as sa
    from workflows.client import ABSORB, ACT, CASE_STATE, CASE_WORKFLOW, OPENED
    from workflows.common import RETRY_LATER, refusal_error, retry_policy
    from workflows.messages import (
        DELIVER_MERGE,
        INDEX_CASE,
        RECORD_AND_INDEX,
        RECORD_EVENTS,
        START_SEVERED_CASE,
        ActionResult,
        IndexCase,
        Recorded,
        RecordEvents,
        SeveredCase,
    )

STAGE_KEY = SearchAttributeKey.for_keyword(sa.STAGE)
OWNER_KEY = SearchAttributeKey.for_keyword(sa.OWNER_AGENCY)
REGION_KEY = SearchAttributeKey.for_keyword(sa.REGION)
STALLED_KEY = SearchAttributeKey.for_bool(sa.STALLED)
CATEGORY_KEY = SearchAttributeKey.for_keyword(sa.CATEGORY)
SENSITIVITY_KEY = SearchAttributeKey.for_keyword(sa.SENSITIVITY)
PROJECTION_BEHIND_KEY = SearchAttributeKey.for_bool(sa.PROJECTION_BEHIND)
#: the notice an action's answer carries when it is in the case's history but not yet in its log
NOT_YET_ON_RECORD = "not_yet_on_record"

RECORD_AND_INDEX_PATCH = "record-and-index-1"
AGENCY_KINDS_PATCH = "agency-kinds-1"
COURTS_ASKED_PATCH = "courts-asked-1"
SEPARATION_OF_POWERS_PATCH = "separation-of-powers-1"
COMPETENT_COURTS_PATCH = "competent-courts-1"
LEGAL_DATES_PATCH = "legal-dates-1"
REMAND_PATCH = "remand-quashed-court-1"
PER_ACCUSED_PATCH = "per-accused-1"
CUSTODY_PATCH = "custody-follows-person-1"
SENTENCES_PATCH = "sentences-and-prison-1"
JUVENILE_ROUTE_PATCH = "juvenile-route-1"
SENTENCE_TERM_PATCH = "sentence-term-1"
RELEASED_BY_JUDGMENT_PATCH = "released-by-judgment-1"


@workflow.defn(name=CASE_WORKFLOW)
class CaseWorkflow:
    @workflow.init
    def __init__(self, start: CaseStart) -> None:
        self._outbox: list[CaseEvent] = list(start.pending_events)
        self._recorded_seq = start.recorded_seq
        self._indexed_seq = start.indexed_seq
        self._wake = False
        self._history_limit = start.history_limit
        self._merge_delivered = False
        #: severances on record whose new case is not yet started (started before the run ends or continues)
        self._severances: list[tuple[int, SeveredCase]] = []
        self._search_attributes: dict[str, object] = {}
        self._refusal: Refusal | None = None
        self._first_event: CaseEvent | None = None
        #: when recording last spent its attempts: the outbox is sent again at `_record_again_at`
        self._projection_behind = False
        self._record_again_at: datetime | None = None
        if start.state is not None:
            self._state = start.state
            return
        assert start.command is not None
        try:
            event = transitions.decide_open(start.command, workflow.now())
        except Refusal as refusal:
            # the API checked the same rule before starting; a refusal here ends the run, recording nothing
            self._refusal = refusal
            event = None
        if event is not None:
            self._state = transitions.new_case(start.case_id, start.number, start.rules, event)
            self._outbox.append(event)
            self._first_event = event

    @workflow.run
    async def run(self, start: CaseStart) -> str:
        if self._refusal is not None:
            raise refusal_error(self._refusal)
        # indexing runs beside the event log, so a slow index never holds up the next action
        indexer = asyncio.create_task(self._index_loop())
        while True:
            for event in clock_events.due_clock_events(self._state, workflow.now()):
                self._commit(event)
            await self._record_pending()
            self._upsert_search_attributes()
            if self._state.outcome == Outcome.merged and not self._merge_delivered:
                await self._deliver_merge()
            await self._start_severed_cases()
            if self._finished() and workflow.all_handlers_finished():
                await workflow.wait_condition(lambda: self._indexed_seq >= self._recorded_seq)
                indexer.cancel()
                return self._state.outcome or ""
            if self._should_continue_as_new():
                # every accepted Update gets its answer before the run ends; indexing resumes in the next run
                while self._outbox or not workflow.all_handlers_finished():
                    await self._record_pending()
                    await workflow.wait_condition(lambda: bool(self._outbox) or workflow.all_handlers_finished())
                await self._start_severed_cases()
                workflow.continue_as_new(CaseStart(
                    case_id=self._state.case_id, number=self._state.number, rules=self._state.rules,
                    state=self._state, recorded_seq=self._recorded_seq, indexed_seq=self._indexed_seq,
                    history_limit=self._history_limit))
            due = clock_events.next_clock_instant(self._state)
            if self._record_again_at is not None:
                due = self._record_again_at if due is None else min(due, self._record_again_at)
            timeout = None if due is None else max((due - workflow.now()).total_seconds(), 0.001)
            try:
                await workflow.wait_condition(
                    lambda: self._wake or (self._finished() and workflow.all_handlers_finished()), timeout=timeout)
            except TimeoutError:
                pass
            self._wake = False

    @workflow.update(name=ACT)
    async def act(self, command: ActionCommand) -> ActionResult:
        try:
            # decided again: another update may have changed the state since validation
            event = transitions.decide(self._state, command, workflow.now(), revision=_rule_revision())
        except Refusal as refusal:
            raise refusal_error(refusal) from None
        self._commit(event)
        await workflow.wait_condition(lambda: self._recorded_seq >= event.seq or self._projection_behind)
        return ActionResult(case_id=self._state.case_id, seq=event.seq, stage=self._state.stage,
                            owner_agency=self._state.owner_agency, event=event, notices=self._notices(event.seq))

    def _notices(self, seq: int) -> list[str]:
        return [NOT_YET_ON_RECORD] if self._recorded_seq < seq else []

    @workflow.update(name=OPENED)
    async def opened(self) -> ActionResult:
        """The answer to open_case (sent with the start): returns once the opening is on record."""
        if self._refusal is not None:
            raise refusal_error(self._refusal)
        await workflow.wait_condition(lambda: self._recorded_seq >= 1 or self._projection_behind)
        return ActionResult(case_id=self._state.case_id, seq=1, stage=self._state.stage, notices=self._notices(1),
                            owner_agency=self._state.owner_agency, event=self._first_event)  # type: ignore[arg-type]

    @workflow.update(name=ABSORB)
    async def absorb(self, delivery: MergeDelivery) -> ActionResult:
        """Another case was joined to this one (its merge_into): take over its parties and evidence."""
        try:
            event = transitions.decide_merged_in(self._state, delivery, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None
        self._commit(event)
        await workflow.wait_condition(lambda: self._recorded_seq >= event.seq)
        return ActionResult(case_id=self._state.case_id, seq=event.seq, stage=self._state.stage,
                            owner_agency=self._state.owner_agency, event=event)

    @absorb.validator
    def validate_absorb(self, delivery: MergeDelivery) -> None:
        try:
            transitions.decide_merged_in(self._state, delivery, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    @act.validator
    def validate_act(self, command: ActionCommand) -> None:
        try:
            transitions.decide(self._state, command, workflow.now())
        except Refusal as refusal:
            raise refusal_error(refusal) from None

    @workflow.query(name=CASE_STATE)
    def state(self) -> CaseState:
        return self._state

    def _commit(self, event: CaseEvent) -> None:
        effects.apply(self._state, event)
        self._outbox.append(event)
        self._wake = True
        severed = severance.severance_of(event)
        if severed is not None:
            case_id, file = severed
            self._severances.append((event.seq, SeveredCase(case_id, self._state.case_id, self._state.owner_agency,
                                                            self._state.rules, file)))

    async def _start_severed_cases(self) -> None:
        """Once a severance is on record, the severed accused's case of their own is started (idempotent)."""
        while self._severances and self._recorded_seq >= self._severances[0][0]:
            severed = self._severances[0][1]
            try:
                await workflow.execute_activity(START_SEVERED_CASE, severed,
                                                start_to_close_timeout=timedelta(seconds=30),
                                                retry_policy=retry_policy())
            except ActivityError as error:
                workflow.logger.error("case %s: severed case %s not started, again in %s: %s", self._state.case_id,
                                      severed.case_id, RETRY_LATER, error.cause or error)
                await workflow.sleep(RETRY_LATER)
                continue
            self._severances.pop(0)

    async def _record_pending(self) -> None:
        """Write the outbox to the case's permanent event log, in order, exactly once (idempotent by seq).

        A local activity: the write happens inside the workflow task that accepted the action, so the
        Update returns once the event is on record without a second round trip through the server. The
        same activity indexes the case (no scheduled activity, two workflow tasks fewer per action); when
        that index fails, the events are on record all the same and the index loop's activity retries it.
        """
        while self._outbox:
            if self._record_again_at is not None and workflow.now() < self._record_again_at:
                return  # behind: the main loop sends the outbox again when the time comes
            batch = list(self._outbox)
            request = RecordEvents(self._state.case_id, self._state.number, self._state.rules, batch)
            indexed = False
            try:
                if workflow.patched(RECORD_AND_INDEX_PATCH):
                    recorded = await workflow.execute_local_activity(
                        RECORD_AND_INDEX, request, result_type=Recorded, start_to_close_timeout=timedelta(seconds=30),
                        retry_policy=retry_policy())
                    indexed = recorded.indexed
                else:
                    await workflow.execute_local_activity(
                        RECORD_EVENTS, request, start_to_close_timeout=timedelta(seconds=30),
                        retry_policy=retry_policy())
            except (ActivityError, ApplicationError) as error:  # a local activity's failure comes unwrapped
                self._fall_behind(error)
                return
            if self._projection_behind:
                self._catch_up()
            del self._outbox[: len(batch)]
            self._recorded_seq = batch[-1].seq
            if indexed:
                self._indexed_seq = max(self._indexed_seq, self._recorded_seq)

    def _fall_behind(self, error: ActivityError | ApplicationError) -> None:
        """Recording spent its attempts: say so where operators look, answer who waits, try again later."""
        workflow.logger.error("case %s: events %d-%d not on record, again in %s: %s", self._state.case_id,
                              self._outbox[0].seq, self._outbox[-1].seq, RETRY_LATER, error.cause or error)
        self._record_again_at = workflow.now() + RETRY_LATER
        if not self._projection_behind:
            self._projection_behind = True
            workflow.upsert_search_attributes([PROJECTION_BEHIND_KEY.value_set(True)])

    def _catch_up(self) -> None:
        workflow.logger.info("case %s: on record again", self._state.case_id)
        self._projection_behind, self._record_again_at = False, None
        workflow.upsert_search_attributes([PROJECTION_BEHIND_KEY.value_set(False)])

    async def _deliver_merge(self) -> None:
        """After merge_into is on record, the case it joined receives its parties and evidence."""
        state = self._state
        assert state.merged_into is not None
        delivery = MergeDelivery(state.case_id, state.number, state.merged_into, state.parties, state.documents,
                                 custody=state.custody_carried)
        while True:
            try:
                await workflow.execute_activity(DELIVER_MERGE, delivery, start_to_close_timeout=timedelta(seconds=30),
                                                retry_policy=retry_policy())
                break
            except ActivityError as error:
                if isinstance(error.cause, ApplicationError) and error.cause.non_retryable:
                    raise  # the other case refused the merge: a person must look at it (as before)
                workflow.logger.error("case %s: merge not delivered, again in %s: %s", state.case_id, RETRY_LATER,
                                      error.cause or error)
                await workflow.sleep(RETRY_LATER)
        self._merge_delivered = True

    async def _index_loop(self) -> None:
        while True:
            await workflow.wait_condition(lambda: self._indexed_seq < self._recorded_seq)
            seq = self._recorded_seq
            try:
                await workflow.execute_activity(
                    INDEX_CASE, IndexCase(self._state.case_id, seq),
                    start_to_close_timeout=timedelta(seconds=30), retry_policy=retry_policy())
            except ActivityError as error:
                # the index is a projection: behind until OpenSearch answers, and `search check` repairs
                workflow.logger.warning("case %s: not indexed, again in %s: %s", self._state.case_id, RETRY_LATER,
                                        error.cause or error)
                await workflow.sleep(RETRY_LATER)
                continue
            self._indexed_seq = max(self._indexed_seq, seq)

    def _finished(self) -> bool:
        # an archived case may be reopened: its workflow waits for that
        return self._state.stage == Stage.closed and self._state.outcome != Outcome.archived and not self._outbox

    def _should_continue_as_new(self) -> bool:
        if self._projection_behind:
            return False  # the outbox goes on record first: a new run must not start from events it lacks
        info = workflow.info()
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > self._history_limit

    def _upsert_search_attributes(self) -> None:
        """Keep Temporal's visibility in step with the case (no personal data), only when it changed."""
        state = self._state
        wanted: dict[str, object] = {
            sa.STAGE: state.stage, sa.OWNER_AGENCY: state.owner_agency, sa.REGION: state.region or "",
            sa.STALLED: bool(state.stalled), sa.CATEGORY: state.category, sa.SENSITIVITY: state.sensitivity,
        }
        if wanted == self._search_attributes:
            return
        self._search_attributes = wanted
        workflow.upsert_search_attributes([
            STAGE_KEY.value_set(state.stage),
            OWNER_KEY.value_set(state.owner_agency),
            REGION_KEY.value_set(state.region or ""),
            STALLED_KEY.value_set(bool(state.stalled)),
            CATEGORY_KEY.value_set(state.category),
            SENSITIVITY_KEY.value_set(state.sensitivity),
        ])


#: each rule revision and its patch, newest first: an Update is decided by the newest whose patch its history has
#: (a new execution records only the newest's marker)
REVISION_PATCHES: tuple[tuple[str, RuleRevision], ...] = (
    (RELEASED_BY_JUDGMENT_PATCH, RuleRevision.released_by_judgment),
    (SENTENCE_TERM_PATCH, RuleRevision.sentence_term),
    (JUVENILE_ROUTE_PATCH, RuleRevision.juvenile_route),
    (SENTENCES_PATCH, RuleRevision.sentences_and_prison),
    (CUSTODY_PATCH, RuleRevision.custody_follows_person),
    (PER_ACCUSED_PATCH, RuleRevision.per_accused),
    (REMAND_PATCH, RuleRevision.remand_to_quashed_court),
    (LEGAL_DATES_PATCH, RuleRevision.legal_dates),
    (COMPETENT_COURTS_PATCH, RuleRevision.competent_courts),
    (SEPARATION_OF_POWERS_PATCH, RuleRevision.separation_of_powers),
    (COURTS_ASKED_PATCH, RuleRevision.courts_asked),
    (AGENCY_KINDS_PATCH, RuleRevision.agency_kinds),
)


def _rule_revision() -> RuleRevision:
    """The rules an Update is decided by: the newest, unless it is replayed from before a revision."""
    for patch, revision in REVISION_PATCHES:
        if workflow.patched(patch):
            return revision
    return RuleRevision.original
