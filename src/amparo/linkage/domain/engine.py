"""Train the model and score pairs with Splink, on DuckDB in this process's memory.

The records hold victims' identities in clear, so the database DuckDB runs is
in memory only: it may not spill to a temporary directory, read or write files,
or install extensions. If the records do not fit in memory, the run fails
rather than write identities to disk.
"""

import logging
from dataclasses import dataclass

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, block_on

from amparo.linkage.domain import comparisons
from amparo.linkage.domain.comparisons import gettext_noop
from amparo.linkage.domain.records import features

# The columns of a scored pair kept after Splink: no value of either record, only the evidence
# (and, per comparison, its level `gamma_<name>` and that level's weight `mw_<name>`).
PAIR_COLUMNS = ("unique_id_l", "unique_id_r", "match_weight", "match_probability")
NULL_LEVEL = -1
SEED = 20101  # u is estimated on a sample: the same seed gives the same model
U_SAMPLE_PAIRS = 1_000_000
# Rules that admit almost no pair of different people, to estimate how many pairs match at all.
DETERMINISTIC_RULES = (("identity_number",), ("given_key", "surname_sorted", "birth_ymd"))
DETERMINISTIC_RECALL = 0.7
# m is estimated by expectation maximisation on the pairs each rule admits; together they leave no
# comparison untrained (a rule cannot train the comparisons of its own columns). Pairs that share an
# identity number are nearly all matches, so they teach how a person's records differ; pairs that
# share a birth date are mostly different people, told apart by their names and numbers. Rules on
# names alone would gather namesakes, which expectation maximisation takes for matches.
TRAINING_RULES = (("identity_number",), ("birth_ymd",))
# Real registries slip in ways a training set may never show: no single disagreement may weigh more
# than about ten bits against a pair, whatever the data taught.
M_FLOOR = 0.001

for _name in ("splink", "duckdb"):  # Splink logs SQL, progress and training notes: only failures matter here
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass
class Scored:
    pairs: pl.DataFrame  # PAIR_COLUMNS, then gamma_<comparison> and mw_<comparison> (mw_tf_adj_<comparison>)
    model: dict  # the Splink model (settings and trained parameters) as JSON-ready data
    candidate_pairs: int


def duckdb_connection(memory_limit: str | None = None, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that cannot put anything on disk."""
    config = {"temp_directory": "", "autoinstall_known_extensions": False, "autoload_known_extensions": False}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    connection = duckdb.connect(":memory:", config=config)
    connection.execute("SET enable_external_access = false")
    connection.execute("SET lock_configuration = true")
    return connection


def _linker(frame: pl.DataFrame, model: dict | None, connection: duckdb.DuckDBPyConnection) -> Linker:
    api = DuckDBAPI(connection=connection)
    table = api.register(frame.to_arrow(), table_name="records")
    settings = model if model is not None else comparisons.settings()
    return Linker(table, settings, log_level=None)


def train(linker: Linker, *, seed: int = SEED) -> dict:
    """The trained model: the prior from near-certain rules, u by random sampling, m by expectation
    maximisation; deterministic for a given seed."""
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on(*rule) for rule in DETERMINISTIC_RULES], recall=DETERMINISTIC_RECALL
    )
    training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=seed)
    for rule in TRAINING_RULES:
        training.estimate_parameters_using_expectation_maximisation(block_on(*rule))
    return bounded(linker.misc.save_model_to_json())


def bounded(model: dict) -> dict:
    """The model with every m at least M_FLOOR, and u of a level no sampled pair fell into set to one
    in the number of pairs sampled (the most it can be), instead of left out."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if isinstance(m, (int, float)):
                level["m_probability"] = max(m, M_FLOOR)
            if not isinstance(u, (int, float)):
                level["u_probability"] = 1 / U_SAMPLE_PAIRS
    return model


def score(
    records: pl.DataFrame,
    *,
    model: dict | None = None,
    threshold: float = 0.0,
    seed: int = SEED,
    memory_limit: str | None = None,
) -> Scored:
    """Every candidate pair of `records` (RECORD_SCHEMA) with a match probability of at least `threshold`.

    Without a `model`, one is trained on the records themselves.
    """
    # Training sums floating-point weights: on one thread they are added in one order, so the same records
    # and seed always give the same model (a stored run can be reproduced exactly).
    connection = duckdb_connection(memory_limit, threads=1 if model is None else None)
    try:
        frame = features(records)
        if model is None:
            model = train(_linker(frame, None, connection), seed=seed)
            connection.close()
            connection = duckdb_connection(memory_limit)
        linker = _linker(frame, model, connection)
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        ((candidate_pairs,),) = connection.sql(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        return Scored(pairs=_evidence(connection, predictions), model=model, candidate_pairs=candidate_pairs)
    finally:
        connection.close()


def _evidence(connection: duckdb.DuckDBPyConnection, scored, **extra: str) -> pl.DataFrame:
    """The PAIR_COLUMNS and the evidence columns of Splink's scored pairs, read out of DuckDB without
    the records' values (which Splink keeps beside them to number the levels)."""
    columns = [column.unquote().name for column in scored.columns]
    wanted = [*PAIR_COLUMNS, *(name for name in columns if name.startswith(("gamma_", "mw_")))]
    selected = ", ".join(
        [*(f'"{name}"' for name in wanted), *(f'"{source}" AS "{name}"' for name, source in extra.items())]
    )
    return pl.from_arrow(connection.sql(f"SELECT {selected} FROM {scored.physical_name}").to_arrow_table())


def score_new(
    existing: pl.DataFrame, new: pl.DataFrame, *, model: dict, threshold: float = 0.0, memory_limit: str | None = None
) -> pl.DataFrame:
    """The candidate pairs of each `new` record with an `existing` one or another new one (RECORD_SCHEMA both),
    scored by a trained `model`, with a match probability of at least `threshold`. Pairs of existing
    records are neither blocked nor scored; term frequencies come from all the records."""
    connection = duckdb_connection(memory_limit)
    try:
        api = DuckDBAPI(connection=connection)
        everyone = features(pl.concat([existing, new]))
        linker = Linker(api.register(everyone.to_arrow(), table_name="records"), model, log_level=None)
        for column in _tf_columns(model):
            linker.table_management.compute_tf_table(column)
        is_new = pl.col("unique_id").is_in(new["unique_id"].implode())
        new_table = api.register(everyone.filter(is_new).to_arrow(), table_name="new_records")
        old_table = api.register(everyone.filter(~is_new).to_arrow(), table_name="existing_records")
        inference = linker.inference
        parts = [
            inference.predict_between(
                new_table, old_table, threshold_match_probability=threshold, warning_mode="never"
            ),
            inference.predict_within(new_table, threshold_match_probability=threshold, warning_mode="never"),
        ]
        return pl.concat([_evidence(connection, part) for part in parts], how="vertical_relaxed")
    finally:
        connection.close()


def _tf_columns(model: dict) -> set[str]:
    return {
        level["tf_adjustment_column"]
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }


def score_pairs(left: pl.DataFrame, right: pl.DataFrame, *, model: dict) -> pl.DataFrame:
    """Every record of `left` against every record of `right` (RECORD_SCHEMA), scored by `model`
    whatever the blocking rules say, with `found_by_blocking` telling whether a run would compare them.
    Term frequencies come from the two frames together."""
    connection = duckdb_connection()
    try:
        both = features(pl.concat([left, right]))
        linker = _linker(both, model, connection)
        scored = linker.inference.score_pairs(
            both.filter(pl.col("unique_id").is_in(left["unique_id"].implode())).to_dicts(),
            both.filter(pl.col("unique_id").is_in(right["unique_id"].implode())).to_dicts(),
            include_found_by_blocking_rules=True,
        )
        return _evidence(connection, scored, found_by_blocking="found_by_blocking_rules")
    finally:
        connection.close()


def level_labels(model: dict) -> dict[str, dict[int, str]]:
    """{comparison: {gamma: label}}: what each level of each comparison means, as the pairs' gamma_
    columns number them (the last level 0, one more for each level above it, NULL_LEVEL for no value)."""
    labels = {}
    for comparison in model["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        labels[comparison["output_column_name"]] = {
            NULL_LEVEL: gettext_noop("no value to compare"),
            **{len(levels) - 1 - i: level["label_for_charts"] for i, level in enumerate(levels)},
        }
    return labels
