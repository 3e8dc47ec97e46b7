"""How the rest of Mizan talks to Temporal: the one `connect()`, the data converter, the workflow ids,
the names of the workflows' Updates and queries, and sending an Update whose validator may refuse.

Messages travel as temporalio's own JSON (encoding `json/plain`, unchanged, so histories written before
and after read alike), decoded by the compiled decoders of `store.codec`.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, TypeVar

from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from config.settings import Settings
from core.refusal import Refusal
from store.codec import decoder_for
from workflows import search_attributes

T = TypeVar("T")

# ---------------------------------------------------------------- names

CASE_WORKFLOW = "Case"
CERTIFICATE_WORKFLOW = "Certificate"
AUDIT_ANCHOR_WORKFLOW = "AuditAnchor"
#: one audit anchor per installation
AUDIT_ANCHOR_WORKFLOW_ID = "audit-anchor"
POSTMAN_WORKFLOW = "Postman"
#: one postman per installation: it sends the emails notifications are due (workflows.postman)
POSTMAN_WORKFLOW_ID = "postman"
REMINDERS_WORKFLOW = "Reminders"
#: one reminders sweep per installation: hearings tomorrow, escalation climbing (workflows.reminders)
REMINDERS_WORKFLOW_ID = "reminders"

#: the case workflow's Updates and query
ACT = "act"  # every action of the procedure table
OPENED = "opened"  # the answer to open_case, sent with the start
ABSORB = "absorb"  # another case's file joined to this one (merge_into)
CASE_STATE = "state"

#: the certificate workflow's Updates and query
SETTLED = "settled"  # the answer to a request, sent with the start
DECIDE = "decide"  # a records officer's decision
APPROVE = "approve"  # a second records officer's approval of findings left off (four eyes)
CERTIFICATE_STATUS = "status"


CASE_PREFIX = "case-"


def case_workflow_id(case_id: str) -> str:
    return f"{CASE_PREFIX}{case_id}"


def certificate_workflow_id(certificate_id: str) -> str:
    return f"certificate-{certificate_id}"


def merge_update_id(source_case_id: str) -> str:
    """One absorb per merged case: a retried delivery is answered with the first result."""
    return f"merge-from:{source_case_id}"


# ---------------------------------------------------------------- the data converter


class CompiledJSONPayloadConverter(JSONPlainPayloadConverter):
    """temporalio's JSON converter; a dataclass is decoded by its compiled decoder."""

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        if not (isinstance(type_hint, type) and dataclasses.is_dataclass(type_hint)):
            return super().from_payload(payload, type_hint)
        try:
            value = json.loads(payload.data)
        except json.JSONDecodeError as err:
            raise RuntimeError("Failed parsing") from err
        return decoder_for(type_hint)(value)


class MizanPayloadConverter(CompositePayloadConverter):
    """temporalio's default converters, with the compiled JSON decoding in place of the plain one."""

    def __init__(self) -> None:
        super().__init__(*(CompiledJSONPayloadConverter() if type(c) is JSONPlainPayloadConverter else c
                           for c in DefaultPayloadConverter.default_encoding_payload_converters))


#: for every Temporal client of Mizan's (API, worker, benches, tests): workers take their client's
DATA_CONVERTER = dataclasses.replace(DataConverter.default, payload_converter_class=MizanPayloadConverter)


async def connect(settings: Settings) -> Client:
    """A Temporal client of Mizan's: the configured server and namespace, with Mizan's data converter."""
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                data_converter=DATA_CONVERTER, tls=tls_config(settings))


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS to Temporal's frontend when a CA is set (the server's certificate is checked against it), with this
    process's client certificate when one is set (the frontend requires it under mTLS)."""
    if settings.temporal_tls_ca_file is None:
        return False
    cert, key = settings.temporal_tls_cert_file, settings.temporal_tls_key_file
    if (cert is None) != (key is None):
        raise ValueError("MIZAN_TEMPORAL_TLS_CERT_FILE and MIZAN_TEMPORAL_TLS_KEY_FILE go together")
    return TLSConfig(server_root_ca_cert=settings.temporal_tls_ca_file.read_bytes(),
                     client_cert=cert.read_bytes() if cert else None,
                     client_private_key=key.read_bytes() if key else None,
                     domain=settings.temporal_tls_server_name)


# ---------------------------------------------------------------- what operators look for


async def cases_behind(client: Client) -> list[str]:
    """The cases whose actions are in their workflow's history but not yet in their log and read model
    (workflows.case flags them when recording spends its attempts), by case id."""
    query = f"{search_attributes.PROJECTION_BEHIND} = true"
    return sorted([w.id.removeprefix(CASE_PREFIX) async for w in client.list_workflows(query)])


# ---------------------------------------------------------------- Updates and their refusals


def refusal_from(error: BaseException) -> Refusal | None:
    """The workflow validator's Refusal (workflows.common.refusal_error), carried back through Temporal."""
    cause: BaseException | None = error.cause if isinstance(error, WorkflowUpdateFailedError) else error
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__
    if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
        detail = cause.details[0]
        # the rest are the refusal's own details (the competent courts a not_competent_court names, …)
        extra = {k: v for k, v in detail.items() if k not in ("code", "status", "message", "message_ar", "field")}
        return Refusal(str(detail.get("code", cause.type or "refused")), int(detail.get("status", 409)),
                       str(detail.get("message", cause.message)), str(detail.get("message_ar", "")),
                       detail.get("field") or None, extra)
    return None


async def send_update(handle: WorkflowHandle[Any, Any], update: str, arg: Any, *, result_type: type[T],
                      when_finished: Refusal, update_id: str | None = None) -> T:
    """Execute the Update by name (mypy cannot match temporalio's typing of async Update methods); a
    validator's refusal is raised as the Refusal it carries; `when_finished` when the workflow has ended."""
    try:
        result: T = await handle.execute_update(update, arg, id=update_id, result_type=result_type)
    except WorkflowUpdateFailedError as error:
        refused = refusal_from(error)
        if refused is not None:
            raise refused from None
        raise
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise when_finished from None
        raise
    return result
