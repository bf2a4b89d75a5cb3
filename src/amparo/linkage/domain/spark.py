"""Splink on Apache Spark: the same model, comparisons and blocking as on DuckDB, for registries beyond one machine.

Spark cannot keep everything in memory as DuckDB does: it writes shuffle and
spill blocks to its local directories. So a session gets a private temporary
directory of its own for all of them (and for the JVM's temporary files), removed
when the session ends; those blocks are encrypted with a key that lives only in
memory (spark.io.encryption.enabled); Splink's intermediate tables are kept in
Spark's cache instead of being written out as Parquet; and Spark's web UI and
event log, which would describe the data, are off. Needs pyspark (the `spark`
extra) and Java 17.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version

from amparo.linkage.domain.engine import Database

LOCAL_MASTER = "local[2]"
# In local mode the data is small per core; Spark's default of 200 partitions per shuffle spends its time
# scheduling empty tasks. A cluster's spark-defaults.conf decides for itself.
LOCAL_SHUFFLE_PARTITIONS = 4


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing, or the session could not start; the message says which."""


def _configuration(master: str, directory: str) -> dict[str, str]:
    from splink.backends.spark import similarity_jar_location

    configuration = {
        "spark.app.name": "amparo-linkage",
        "spark.master": master,
        "spark.jars": similarity_jar_location(),  # Splink's Jaro-Winkler and Damerau-Levenshtein for Spark SQL
        "spark.local.dir": directory,
        "spark.sql.warehouse.dir": f"{directory}/warehouse",
        "spark.driver.extraJavaOptions": f"-Djava.io.tmpdir={directory} -XX:-UsePerfData",
        "spark.io.encryption.enabled": "true",
        "spark.eventLog.enabled": "false",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
    }
    if master.startswith("local"):
        configuration["spark.sql.shuffle.partitions"] = str(LOCAL_SHUFFLE_PARTITIONS)
    return configuration


@contextmanager
def spark_session(master: str = LOCAL_MASTER):
    """A Spark session for linkage on `master` (a master URL: local[N], spark://host:7077, yarn, k8s://...),
    stopped, and its private temporary directory removed, on leaving. Refuses to reuse a session already
    running in this process, whose directories and encryption this module does not control."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            "the Spark engine needs pyspark: pip install 'amparo[spark]' (and Java 17, e.g. openjdk-17-jre-headless)"
        ) from None
    if SparkSession.getActiveSession() is not None:
        raise SparkUnavailable("a Spark session is already running in this process; stop it first")
    directory = tempfile.mkdtemp(prefix="amparo-spark-")
    try:
        builder = SparkSession.builder
        for key, value in _configuration(master, directory).items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as problem:  # py4j and the launcher raise their own kinds (Java missing, bad master URL)
            raise SparkUnavailable(f"Spark could not start on {master!r}: {problem}") from None
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@dataclass(frozen=True)
class Spark:
    """Splink on a running Spark session (from spark_session)."""

    session: object  # pyspark.sql.SparkSession, imported only when Spark is used

    @contextmanager
    def database(self, *, reproducible: bool = False) -> Iterator[Database]:
        """Splink's Spark backend on the session; its tables are cached in memory (spilling, encrypted, to the
        private directory), and dropped on leaving. Spark adds partial sums in the order its tasks finish, so
        training on Spark is reproducible only as far as that order is: `reproducible` changes nothing."""
        from splink.backends.spark import SparkAPI

        session = self.session
        try:
            yield Database(
                SparkAPI(spark_session=session, break_lineage_method="persist"),
                lambda sql: session.sql(sql).toArrow(),
            )
        finally:
            session.catalog.clearCache()
            for table in session.catalog.listTables():
                if table.isTemporary:
                    session.catalog.dropTempView(table.name)

    def describe(self) -> str:
        return f"spark {version('pyspark')} on {self.session.sparkContext.master}"
