"""Train the model and score pairs with Splink, on DuckDB in this process's memory or on Spark.

The records hold victims' identities in clear, so the database DuckDB runs is
in memory only: it may not spill to a temporary directory, read or write files,
or install extensions. If the records do not fit in memory, the run fails
rather than write identities to disk. The same model runs on Spark
(linkage.domain.spark) when a registry outgrows one machine: each function
takes the backend to run on, DuckDB by default.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from typing import Protocol

import duckdb
import polars as pl
import pyarrow as pa
from splink import DuckDBAPI, Linker, block_on
from splink.internals.database_api import DatabaseAPI

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


@dataclass
class Database:
    """A Splink backend opened for one step of a run, and how to read a query's result out of it."""

    api: DatabaseAPI
    query: Callable[[str], pa.Table]


class Backend(Protocol):
    """Where Splink runs: DuckDB in this process, or a Spark session."""

    def database(self, *, reproducible: bool = False) -> AbstractContextManager[Database]:
        """A context manager: the backend opened for one step; `reproducible` when the step must add
        floating-point numbers in one order (training), at the price of speed where the backend allows it."""
        ...

    def describe(self) -> str:
        """The backend and its version, as a run stores them."""
        ...


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


@dataclass(frozen=True)
class DuckDB:
    """Splink on an in-memory DuckDB in this process, which cannot put anything on disk (the default)."""

    memory_limit: str | None = None

    @contextmanager
    def database(self, *, reproducible: bool = False) -> Iterator[Database]:
        # On one thread, sums of floating-point weights are added in one order.
        connection = duckdb_connection(self.memory_limit, threads=1 if reproducible else None)
        try:
            yield Database(DuckDBAPI(connection=connection), lambda sql: connection.sql(sql).to_arrow_table())
        finally:
            connection.close()

    def describe(self) -> str:
        return f"duckdb {version('duckdb')}"


DEFAULT_BACKEND = DuckDB()


def in_dialect(model: dict, dialect: str) -> dict:
    """The trained `model` with its SQL written for `dialect` (Splink's name of a backend's SQL): the
    comparisons and blocking rules of comparisons.settings() in that dialect, with the model's trained
    parameters. A model is saved in the SQL of the backend that trained it (DuckDB quotes names "so",
    Spark `so`, and their functions differ), and the same model must score on either."""
    if model.get("sql_dialect", "duckdb") == dialect:
        return model
    written = comparisons.settings().create_settings_dict(dialect)
    trained = {comparison["output_column_name"]: comparison["comparison_levels"] for comparison in model["comparisons"]}
    for comparison in written["comparisons"]:
        levels = trained.get(comparison["output_column_name"], [])
        labels = [level["label_for_charts"] for level in levels]
        if labels != [level["label_for_charts"] for level in comparison["comparison_levels"]]:
            raise ValueError(
                f"the model's comparison {comparison['output_column_name']!r} has levels {labels}, not those of "
                "this version's comparisons: train a new model"
            )
        for level, learnt in zip(comparison["comparison_levels"], levels, strict=True):
            level.update({key: learnt[key] for key in ("m_probability", "u_probability") if key in learnt})
    written["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    written["sql_dialect"] = dialect
    return written


def _linker(frame: pl.DataFrame, model: dict | None, database: Database) -> Linker:
    table = database.api.register(frame.to_arrow(), table_name="records")
    dialect = database.api.sql_dialect.sql_dialect_str
    settings = in_dialect(model, dialect) if model is not None else comparisons.settings()
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
    backend: Backend = DEFAULT_BACKEND,
) -> Scored:
    """Every candidate pair of `records` (RECORD_SCHEMA) with a match probability of at least `threshold`.

    Without a `model`, one is trained on the records themselves (reproducibly: the same records and seed
    always give the same model, so a stored run can be reproduced exactly).
    """
    frame = features(records)
    if model is None:
        with backend.database(reproducible=True) as database:
            model = train(_linker(frame, None, database), seed=seed)
    with backend.database() as database:
        linker = _linker(frame, model, database)
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        candidate_pairs = database.query(f"SELECT count(*) AS pairs FROM {blocked.physical_name}")["pairs"][0].as_py()
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        return Scored(pairs=_evidence(database, predictions), model=model, candidate_pairs=candidate_pairs)


def _evidence(database: Database, scored, **extra: str) -> pl.DataFrame:
    """The PAIR_COLUMNS and the evidence columns of Splink's scored pairs, read out of the backend without
    the records' values (which Splink keeps beside them to number the levels)."""
    columns = [column.unquote().name for column in scored.columns]
    wanted = [*PAIR_COLUMNS, *(name for name in columns if name.startswith(("gamma_", "mw_")))]
    selected = ", ".join(
        [*wanted, *(f"{source} AS {name}" for name, source in extra.items())]  # plain names: no quoting needed
    )
    return pl.from_arrow(database.query(f"SELECT {selected} FROM {scored.physical_name}"))


def score_new(
    existing: pl.DataFrame,
    new: pl.DataFrame,
    *,
    model: dict,
    threshold: float = 0.0,
    backend: Backend = DEFAULT_BACKEND,
) -> pl.DataFrame:
    """The candidate pairs of each `new` record with an `existing` one or another new one (RECORD_SCHEMA both),
    scored by a trained `model`, with a match probability of at least `threshold`. Pairs of existing
    records are neither blocked nor scored; term frequencies come from all the records."""
    with backend.database() as database:
        api = database.api
        everyone = features(pl.concat([existing, new]))
        linker = _linker(everyone, model, database)
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
        return pl.concat([_evidence(database, part) for part in parts], how="vertical_relaxed")


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
    with DEFAULT_BACKEND.database() as database:
        both = features(pl.concat([left, right]))
        linker = _linker(both, model, database)
        scored = linker.inference.score_pairs(
            both.filter(pl.col("unique_id").is_in(left["unique_id"].implode())).to_dicts(),
            both.filter(pl.col("unique_id").is_in(right["unique_id"].implode())).to_dicts(),
            include_found_by_blocking_rules=True,
        )
        return _evidence(database, scored, found_by_blocking="found_by_blocking_rules")


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
