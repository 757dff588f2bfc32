"""The derivations on plain rows (the truth report's single pass) against the model functions.

The truth report derives every restore run's view from the row the validation engine reads
(:class:`PlainDeriver`, :class:`InPass`); the model functions (``decide_view``) and the
model pass (:func:`collect`) are the reference. Both are run here on every catalogue
scenario, every mutation and random worlds, read from memory (the record path) and from
NDJSON (the fast decoder), and compared whole: run by run, table by table, and as the
report's bytes.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from restore_contracts.config import Assumptions, EvidencePolicy
from restore_contracts.contracts import EvidenceSnapshot, OperationRun, RestoreRun, RestoreRunStatus
from restore_contracts.contracts._types import timestamp_context, zone_of
from restore_contracts.derivations import FIELD_TABLES, DerivedView, decide_view
from restore_contracts.derivations.counts import OutcomeCounts
from restore_contracts.derivations.plain import Plain, PlainDeriver
from restore_contracts.generators import (
    MUTATIONS,
    SCENARIOS,
    World,
    build_random,
    build_scenario,
    mutate,
    write_worlds,
)
from restore_contracts.truth.collect import InPass, collect
from restore_contracts.truth.report import build_report
from restore_contracts.validators.engine import Engine
from restore_contracts.validators.fastpath import fast_decoder
from restore_contracts.validators.readers import open_source
from restore_contracts.validators.readers.memory import RowsSource
from restore_contracts.validators.rowread import RowReader
from restore_contracts.validators.source import Source

WORLDS: dict[str, World] = {
    **{name: build_scenario(name, seed=5) for name in SCENARIOS},
    **{
        f"mutation {code}": mutate(build_scenario(m.base_scenario, seed=5), code)
        for code, m in MUTATIONS.items()
    },
    **{f"random {w.name}": w for w in build_random(11, 40)},
}
"""Every scenario of the catalogue, every mutation on its base scenario, forty random worlds."""

CONFIGURATIONS = {
    "default": Assumptions(),
    "berlin, latest_any": Assumptions(timezone="Europe/Berlin", evidence_policy="latest_any"),
}


def _value(value: Any) -> Any:
    """A derived value as the plain derivation gives it: enums as their text."""
    if isinstance(value, OutcomeCounts):
        return value
    return getattr(value, "value", value)


def plain_of(view: DerivedView, policy: EvidencePolicy) -> list[Plain]:
    """The model derivation's view in the plain derivation's shape."""
    decided: list[Plain] = [
        ("decision_state", _value(view.decision_state.value), view.decision_state.rule, ()),
        ("counts", view.counts.value, view.counts.rule, view.counts.via),
    ]
    for name, field in view.attention.items():
        decided.append((FIELD_TABLES[name], field.value, field.rule, field.via))
    proof = view.operation_run_proof
    decided.append(("operation_run_proof", _value(proof.value), proof.rule, proof.via))
    if view.evidence:
        state = view.evidence[policy].state
        decided.append(("evidence", _value(state.value), state.rule, state.via))
    return decided


def engine_row(table: str, raw: dict[str, Any], assumptions: Assumptions) -> dict[str, Any]:
    """The row as the engine hands it over: the fast decoder's, else the record path's."""
    zone = zone_of(assumptions.timezone)
    decode = fast_decoder(table, zone)
    assert decode is not None
    row = decode(orjson.dumps(raw))
    if row is not None:
        return row
    return RowReader(table, zone).read(raw).row


def _model(model: Any, raw: dict[str, Any], assumptions: Assumptions) -> Any:
    context = timestamp_context(zone_of(assumptions.timezone))
    return model.model_validate(raw, context=context)


@pytest.mark.parametrize("config", list(CONFIGURATIONS))
@pytest.mark.parametrize("name", list(WORLDS))
def test_every_run_derives_the_same_view(name: str, config: str) -> None:
    """Each run whose model validates: every table's value, row and feeding rows, under both
    policies, with the neighbours found, not found and not looked up."""
    assumptions = CONFIGURATIONS[config]
    world = WORLDS[name]
    deriver = PlainDeriver(assumptions)
    operation_runs = {
        row["id"]: _model(OperationRun, row, assumptions)
        for row in world.rows("operation_runs")
        if isinstance(row.get("id"), int)
    }
    snapshots = []
    for raw in world.rows("evidence_snapshots"):
        try:
            snapshots.append(_model(EvidenceSnapshot, raw, assumptions))
        except ValueError:
            continue
    compared = 0
    for raw in world.rows("restore_runs"):
        try:
            run = _model(RestoreRun, raw, assumptions)
        except ValueError:
            continue
        row = engine_row("restore_runs", raw, assumptions)
        found = operation_runs.get(run.operation_run_id or 0)
        pair = (found.status, found.outcome) if found is not None else None
        linked = [s for s in snapshots if s.operation_run_id == run.operation_run_id]
        for looked_up in (True, False):
            for neighbours in (linked, None):
                view = decide_view(run, found, neighbours, assumptions, looked_up=looked_up)
                for policy in EvidencePolicy:
                    plain = deriver.decide(row, pair, neighbours, policy, looked_up=looked_up)
                    assert plain == plain_of(view, policy)
        compared += 1
    assert compared or not world.rows("restore_runs") or name.startswith("mutation")


def _reports(source: Source, assumptions: Assumptions) -> tuple[str, str]:
    """The report from the engine's pass and from the model pass, as JSON text."""
    policy = assumptions.evidence_policy
    settings: dict[str, Any] = {
        "source_name": source.name,
        "policy": policy,
        "report_date": date(2026, 11, 30),
        "hold_rates": None,
    }
    gather = InPass(source.tables(), assumptions, policy, 3)
    result = Engine(assumptions, codes=(), tally=gather.tallied(), observe=gather.observers()).run(
        source
    )
    in_pass = build_report(gather.finish(source, result.tallies), assumptions, **settings)
    reference = build_report(collect(source, assumptions, policy, 3), assumptions, **settings)
    return json.dumps(in_pass, sort_keys=False), json.dumps(reference, sort_keys=False)


@pytest.mark.parametrize("config", list(CONFIGURATIONS))
def test_reports_from_memory_are_identical(config: str) -> None:
    """Every world read row by row (the record path): the same report, byte for byte."""
    assumptions = CONFIGURATIONS[config]
    for name, world in WORLDS.items():
        in_pass, reference = _reports(RowsSource(world.tables, name), assumptions)
        assert in_pass == reference, name


@pytest.mark.parametrize("config", list(CONFIGURATIONS))
def test_reports_from_ndjson_are_identical(config: str, tmp_path: Path) -> None:
    """Every world written as NDJSON (the fast decoder), one directory each, and all the
    random worlds in one, as NDJSON and as CSV (the text rows' converter): the same
    report, byte for byte."""
    assumptions = CONFIGURATIONS[config]
    for index, (name, world) in enumerate(WORLDS.items()):
        out = tmp_path / str(index)
        write_worlds([world], "ndjson", out, with_derived=not name.startswith("mutation"))
        source = open_source(str(out))
        try:
            in_pass, reference = _reports(source, assumptions)
        finally:
            source.close()
        assert in_pass == reference, name
    random = [w for n, w in WORLDS.items() if n.startswith("random")]
    for fmt in ("ndjson", "csv"):
        together = tmp_path / f"random-{fmt}"
        write_worlds(random, fmt, together, with_derived=True)
        source = open_source(str(together))
        try:
            in_pass, reference = _reports(source, assumptions)
        finally:
            source.close()
        assert in_pass == reference, fmt
        assert json.loads(in_pass)["rows"]["restore_runs"] == 40


_TENANT = {"workspace_id": 1, "managed_environment_id": 1, "backup_set_id": 1}
_TEXT = st.sampled_from(["", "throttled by Graph", "403 Forbidden", "timeout", "boom"])
_ITEM = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["applied", "failed", "partial", "skipped", "exploded", None]),
        "http_status": st.sampled_from([None, 0, 403, 404, 429, 500]),
        "reason": st.one_of(st.none(), _TEXT),
    },
)
_COUNT = st.one_of(st.none(), st.integers(0, 3))
_RUN = st.fixed_dictionaries(
    {
        "status": st.sampled_from([s.value for s in RestoreRunStatus]),
        "is_dry_run": st.booleans(),
        "created_at": st.sampled_from(
            [None, "0999-03-04 05:06:07", "2026-01-31 23:59:59.5", "2026-02-01 00:00:00"]
        ),
    },
    optional={
        "operation_run_id": st.sampled_from([None, 10, 11, 12, 99]),
        "failure_reason": st.one_of(st.none(), _TEXT),
        "requested_by": st.one_of(st.none(), st.integers(1, 9), st.sampled_from(["7", "a@b.c"])),
        "metadata": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {}, optional=dict.fromkeys(("total", "failed", "skipped", "non_applied"), _COUNT)
            ),
            st.just("{not json"),
        ),
        "results": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "items": st.dictionaries(st.sampled_from(["1", "2", "3"]), _ITEM),
                    "foundations": st.lists(
                        st.fixed_dictionaries(
                            {"type": st.just("scopeTag")},
                            optional={"decision": st.sampled_from(["skipped", "created", "?"])},
                        ),
                        max_size=2,
                    ),
                },
            ),
        ),
        "preview": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"items": st.dictionaries(st.sampled_from(["1", "2"]), st.just({"action": "x"}))}
            ),
        ),
    },
)
_OPERATION_RUNS = [
    {"id": 10, "type": "restore.execute", "status": "completed", "outcome": "succeeded"},
    {"id": 11, "type": "restore.execute", "status": "running", "outcome": "pending"},
    {"id": 12, "type": "restore.execute", "status": "completed", "outcome": "weird"},
]
_SNAPSHOTS = [
    {"id": 1, "operation_run_id": 10, "status": "active", "completeness_state": "complete"},
    {
        "id": 2,
        "operation_run_id": 10,
        "status": "expired",
        "completeness_state": "partial",
        "generated_at": "2026-05-01 00:00:00",
    },
    {"id": 3, "operation_run_id": 12, "status": "odd", "completeness_state": "complete"},
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    runs=st.lists(_RUN, min_size=1, max_size=6),
    tables=st.sampled_from(
        [("operation_runs", "evidence_snapshots"), ("operation_runs",), ("evidence_snapshots",), ()]
    ),
)
def test_reports_of_arbitrary_runs_are_identical(
    runs: list[dict[str, Any]], tables: tuple[str, ...]
) -> None:
    """Runs of every status and shape (unreadable values, legacy statuses, years before
    1000, fractions), with and without their neighbours: the same report."""
    given_tables: dict[str, list[dict[str, Any]]] = {
        "restore_runs": [{"id": i, **_TENANT, **run} for i, run in enumerate(runs, start=1)]
    }
    if "operation_runs" in tables:
        given_tables["operation_runs"] = [{**row, **_TENANT} for row in _OPERATION_RUNS]
    if "evidence_snapshots" in tables:
        given_tables["evidence_snapshots"] = [{**row, **_TENANT} for row in _SNAPSHOTS]
    for assumptions in CONFIGURATIONS.values():
        in_pass, reference = _reports(RowsSource(given_tables, "given"), assumptions)
        assert in_pass == reference


def test_a_status_the_configuration_leaves_out_fails_only_when_a_run_has_it() -> None:
    """An attention table without ``failed``: completed runs derive as the models do; a
    failed run fails in both, with the same error."""
    assumptions = Assumptions(attention_by_status={"completed": {"then": "completed"}})
    deriver = PlainDeriver(assumptions)
    done = {"id": 1, **_TENANT, "status": "completed", "is_dry_run": False}
    run = RestoreRun.model_validate(done)
    view = decide_view(run, None, None, assumptions, looked_up=False)
    policy = assumptions.evidence_policy
    assert deriver.decide(done, None, None, policy, looked_up=False) == plain_of(view, policy)
    failed = {**done, "status": "failed"}
    with pytest.raises(KeyError) as plain_error:
        deriver.decide(failed, None, None, policy, looked_up=False)
    with pytest.raises(KeyError) as model_error:
        decide_view(RestoreRun.model_validate(failed), None, None, assumptions)
    assert plain_error.value.args == model_error.value.args


def test_an_observed_table_is_read_in_this_process_whatever_the_jobs(tmp_path: Path) -> None:
    """An observer sees every restore run with ``jobs=2`` too (not in workers that cannot
    tell it), and the findings are those of one job."""
    write_worlds([w for n, w in WORLDS.items() if n.startswith("random")], "ndjson", tmp_path)
    seen: dict[int, list[int]] = {}
    findings = {}
    for jobs in (1, 2):
        ids = seen[jobs] = []
        source = open_source(str(tmp_path))
        try:
            result = Engine(
                Assumptions(),
                jobs=jobs,
                observe={"restore_runs": lambda row, ids=ids: ids.append(row["id"])},
            ).run(source)
        finally:
            source.close()
        findings[jobs] = [f.as_dict() for f in result.findings]
    expected = [w.restore_run()["id"] for n, w in WORLDS.items() if n.startswith("random")]
    assert seen == {1: expected, 2: expected}
    assert findings[1] == findings[2]
