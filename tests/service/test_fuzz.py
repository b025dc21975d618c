"""The service fuzzed from its own OpenAPI document (schemathesis): every operation, with data that
fits the document and data that does not, over real HTTP with an operator key and a connected
organisation, a record, an open conflict and a dead letter (so path parameters name real ones
some of the time and reach the routes' work, not only their 404s). No answer may be a 500, and
every answer must be what the document says. Seeded (`derandomize`) and bounded, so CI is stable.

And a request the service refuses (401, 404, 422) leaves no trace: no outbox row, no feed event,
no mapping."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sqlalchemy import func, select

from tests.service.conftest import AUTH, running
from tests.service.test_keys import add_problems, bearer
from tests.sync.conftest import Harness, contact
from xerosync.service import create_app
from xerosync.settings import Settings
from xerosync.store.tables import ConflictRow, DeadLetter, FeedEvent, MappingRow, OutboxRow

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
#: examples per operation and mode: ~20 operations x 2 modes x this, in well under a minute
EXAMPLES = 8


def fuzz(operation: Any, mode: GenerationMode, base_url: str, real: dict[str, list[Any]]) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode), picks=st.data())
    def run(case: Any, picks: st.DataObject) -> None:
        # half the cases name only real things, a quarter mix, a quarter are as generated
        how = picks.draw(st.sampled_from(["real", "real", "mixed", "generated"]), label="paths")
        for name, values in real.items():
            if how != "generated" and name in (case.path_parameters or {}):
                choices = values if how == "real" else [None, *values]
                value = picks.draw(st.sampled_from(choices), label=name)
                if value is not None:
                    case.path_parameters[name] = value
        case.call_and_validate(
            base_url=base_url, headers=AUTH, checks=CHECKS, allow_redirects=False, timeout=30
        )

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        # nothing in the operation to make wrong (no parameters, no body)


@pytest.mark.slow
def test_the_service_answers_its_own_document_without_a_server_error(
    harness: Harness, settings: Settings
) -> None:
    harness.sync.submit(harness.connection, "contacts", contact(1))
    conflict_id, letter_id = add_problems(harness, harness.connection, "fuzz")
    real: dict[str, list[Any]] = {
        "connection": [harness.connection, harness.tenant_id],
        "entity": ["contacts"],
        "app_id": ["cust-1"],
        "conflict_id": [conflict_id],
        "letter_id": [letter_id],
    }
    with running(create_app(settings, sync=harness.sync)) as http:
        base_url = str(http.base_url).rstrip("/")
        schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(operation, mode, base_url, real)


def counts(harness: Harness) -> tuple[int, ...]:
    with harness.sync.db.engine.connect() as c:
        return tuple(
            c.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (OutboxRow, FeedEvent, MappingRow)
        )


KEYS = ("none", "wrong", "revoked", "scoped", "operator")
BAD_RECORDS = st.sampled_from(
    [
        {"id": "no-name"},
        {"id": "nul", "name": "Ridgeway\x00"},
        {"name": "no id"},
        {"id": "", "name": "empty id"},
        {"id": "x", "name": "y", "email": 7},
    ]
)
RECORDS = st.lists(st.one_of(st.builds(contact, st.integers(1, 50)), BAD_RECORDS), max_size=4)


@settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    key=st.sampled_from(KEYS),
    action=st.sampled_from(["submit", "resolve", "retry", "discard"]),
    target=st.sampled_from(["mine", "other", "unknown"]),
    entity=st.sampled_from(["contacts", "invoices", "widgets"]),
    records=RECORDS,
    bad=BAD_RECORDS,
)
def test_a_refused_request_stores_nothing(
    client: httpx.Client,
    harness: Harness,
    key: str,
    action: str,
    target: str,
    entity: str,
    records: list[dict[str, Any]],
    bad: dict[str, Any],
) -> None:
    sync = harness.sync
    if not sync.api_keys():  # once per database: another organisation and two keys
        other = sync.add_connection("tenant-of-another-org")
        add_problems(harness, other, "theirs")
        sync.revoke_api_key(sync.create_api_key("old")[0].id)
        sync.create_api_key("shop", [harness.connection])
    other = next(c.id for c in sync.connections() if c.id != harness.connection)
    secrets = {"none": None, "wrong": "xs_wrong", "operator": AUTH["Authorization"][7:]}
    gone, secrets["revoked"] = sync.create_api_key("gone")  # a fresh one each time, revoked
    sync.revoke_api_key(gone.id)
    _, secrets["scoped"] = sync.create_api_key("shop", [harness.connection])
    headers = {"Authorization": f"Bearer {secrets[key]}"} if secrets[key] else {}
    before = counts(harness)

    if action == "submit":
        connection = {"mine": harness.connection, "other": other, "unknown": "nope"}[target]
        refused = client.post(
            f"/v1/connections/{connection}/{entity}", json=[*records, bad], headers=headers
        )
        visible = target == "mine" or (target == "other" and key == "operator")
        expected = 401 if key in ("none", "wrong", "revoked") else 404
        if expected == 404 and visible:
            expected = 404 if entity == "widgets" else 422
    else:  # another organisation's conflict or dead letter, with a key that may not see it
        with sync.db.transaction() as session:
            table = ConflictRow if action == "resolve" else DeadLetter
            row_id = session.scalar(select(table.id).where(table.connection_id == other))
        path = "conflicts" if action == "resolve" else "dead-letters"
        refused = client.post(
            f"/v1/{path}/{row_id}/{action}",
            json={"choices": {"name": "app"}},
            headers=headers if key != "operator" else bearer(secrets["scoped"] or ""),
        )
        expected = 401 if key in ("none", "wrong", "revoked") else 404

    assert refused.status_code == expected, refused.text
    assert counts(harness) == before
    if secrets[key]:
        assert secrets[key] not in refused.text
