"""A file sent for import is parsed in a process of its own, with a limit on its memory and on its time.

A spreadsheet parser that cannot get the memory it asks for aborts the process it runs in (Rust's allocator does
not raise): in the web server, that process serves every user. So the file is parsed in a child process whose
address space (RLIMIT_AS) is limited and whose time is counted; a child that dies or runs out of time refuses
that one import, naming the file. The file goes to the child, and the table comes back as Arrow IPC, in memory
files (Linux's memfd: never on disk, written once and mapped rather than copied through a pipe). Children are
forked from a server process that loaded Django and the readers once (multiprocessing's forkserver): starting
one takes milliseconds, and none inherits the web server's threads, database connections or memory. As with
any multiprocessing server, a script that imports must guard its main module (`if __name__ == "__main__":`).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
from multiprocessing import reduction

import polars as pl
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from amparo.exchange.domain.limits import MB, Limits, ReadError, check_file_size
from amparo.exchange.domain.readers import ROW, Table, read_table

_CONTEXT = multiprocessing.get_context("forkserver")
# The main module too: a child would otherwise run it again, which the forkserver has already done.
_PRELOAD = ["__main__", "amparo.exchange.reader_server"]
_NAME_SHOWN = 120  # characters of a file name in a message


def import_limits() -> Limits:
    """The limits of amparo.settings (AMPARO_IMPORT_*)."""
    return Limits(
        file_bytes=settings.IMPORT_MAX_FILE_MB * MB,
        uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_MB * MB,
        cells=settings.IMPORT_MAX_CELLS,
        columns=settings.IMPORT_MAX_COLUMNS,
        cell_characters=settings.IMPORT_MAX_CELL_CHARACTERS,
        nesting=settings.IMPORT_MAX_NESTING,
        perpetrators=settings.IMPORT_MAX_PERPETRATORS,
        events=settings.IMPORT_MAX_EVENTS,
    )


def table_read(data: bytes, *, file_name: str, sheet: str | None = None) -> Table:
    """The file as a table, read in a child process within the import limits; ReadError says why not."""
    limits = import_limits()
    check_file_size(len(data), limits)
    memory_mb, seconds = settings.IMPORT_READER_MEMORY_MB, settings.IMPORT_READER_SECONDS
    shown = {"file": file_name[:_NAME_SHOWN], "memory": memory_mb, "seconds": seconds}
    _CONTEXT.set_forkserver_preload(_PRELOAD)  # only the first start of the server reads it
    ours, theirs = _CONTEXT.Pipe()
    reader = _CONTEXT.Process(
        target=_read_in_child, args=(theirs, sheet, limits, memory_mb * MB, seconds), name="amparo-reader", daemon=True
    )
    reader.start()
    theirs.close()
    try:
        _send_in_memory_file(ours, data)
        if not ours.poll(seconds):
            raise ReadError(
                _(
                    "Reading the file %(file)s took more than the %(seconds)s seconds an import may take "
                    "to read a file."
                ),
                shown,
            )
        outcome, *details = ours.recv()
        if outcome == "table":
            header, kind, ragged_rows = details
            frame = _frame_received(ours).with_columns(pl.col(ROW).set_sorted())  # the child sorted it
            return Table(header, frame, kind, ragged_rows)
        if outcome == "refused":
            raise ReadError(*details)
        if outcome == "memory":
            raise _memory_refusal(shown)
        raise ReadError(
            _("The file %(file)s could not be read: the reader failed (%(error)s)."), shown | {"error": details[0]}
        )
    except (EOFError, OSError) as error:  # the child died: its end of the pipe closed
        reader.join()
        if reader.exitcode in (-signal.SIGABRT, -signal.SIGKILL):
            raise _memory_refusal(shown) from error
        raise ReadError(
            _("The file %(file)s could not be read: the reader stopped (exit code %(code)s)."),
            shown | {"code": reader.exitcode},
        ) from error
    finally:
        ours.close()
        if reader.is_alive():
            reader.kill()
        reader.join()
        reader.close()


def _send_in_memory_file(connection, content: bytes) -> None:
    """Hand `content` over as a file in memory (never on disk): a pipe copies it piece by piece, a memory file
    is written once and mapped by whoever reads it."""
    descriptor = os.memfd_create("amparo-import", os.MFD_CLOEXEC)
    try:
        with open(descriptor, "wb", closefd=False) as handle:
            handle.write(content)
        reduction.send_handle(connection, descriptor, None)
    finally:
        os.close(descriptor)


def _frame_received(connection) -> pl.DataFrame:
    """The frame the child wrote as Arrow IPC into a memory file, mapped rather than copied."""
    descriptor = reduction.recv_handle(connection)
    try:
        return pl.read_ipc(f"/proc/self/fd/{descriptor}", memory_map=True)
    finally:
        os.close(descriptor)


def _memory_refusal(shown: dict) -> ReadError:
    """A parser out of memory either raises MemoryError or aborts (Rust); an abort is taken to be that too."""
    return ReadError(
        _("Reading the file %(file)s needed more than the %(memory)s MB of memory an import may use to read a file."),
        shown,
    )


def _read_in_child(connection, sheet: str | None, limits: Limits, memory: int, seconds: float) -> None:
    """In the child: limit its own memory, read the file sent, and send back the table or why not."""
    # A parser's abort message and backtrace would reach the user's terminal or the server's log mid-import;
    # the parent says what happened instead.
    os.environ["RUST_BACKTRACE"] = "0"
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Should the parent be gone and stop timing it, the child still stops: at most `seconds` on every core.
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = math.ceil(seconds) * (os.cpu_count() or 1) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (cpu if hard == resource.RLIM_INFINITY else min(cpu, hard), hard))
    try:
        with open(reduction.recv_handle(connection), "rb") as received:
            received.seek(0)  # the descriptor shares its offset with the parent's, which wrote it
            data = received.read()
        table = read_table(data, sheet, limits)
        del data
        descriptor = os.memfd_create("amparo-table", os.MFD_CLOEXEC)
        with open(descriptor, "wb", closefd=False) as handle:
            table.frame.write_ipc(handle, compression="uncompressed")
        connection.send(("table", table.header, table.kind, table.ragged_rows))
        reduction.send_handle(connection, descriptor, None)
    except ReadError as error:
        params = {
            key: value if isinstance(value, (int, float, str)) else str(value)
            for key, value in (error.params or {}).items()
        }
        connection.send(("refused", error.message, params if error.params is not None else None))
    except MemoryError:
        connection.send(("memory",))
    except Exception as error:  # noqa: BLE001 - a defect of the reader: the import is refused, the server goes on
        connection.send(("failed", type(error).__name__))
    finally:
        connection.close()
