"""Where the solver runs: in a thread of this process, or in a child process of its own.

The embedded setup (no Redis) runs jobs inside the API process. A solve holds the GIL for long stretches
(model building, Python search phases), so in a thread it stalls every request of the API. There the job
solves in a child process (``multiprocessing`` with ``spawn``: no copy of the API's event loop, sockets or
database connections). Progress comes back through a pipe, the cancel flag goes down as a process-shared
event, and the result comes back through the pipe; a child that dies is an error of the job with its exit
code. ``mentormatch worker`` processes have nothing else to serve and keep the thread (no spawn cost).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import dataclasses
import multiprocessing
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from solver import MentorIn, Progress, SolveOptions, SolveResult, StudentIn, solve

_SPAWN = multiprocessing.get_context("spawn")
# How long a cancelled child may take to stop by itself before it is killed.
STOP_GRACE_S = 10.0
CANCEL_POLL_S = 0.1
# How often the pipe reader checks that the child is still there while it waits for a message.
CHILD_CHECK_S = 0.5


class SolverDied(RuntimeError):
    """The solver's process ended without a result (killed, out of memory, crashed)."""


class Cancel:
    """A cancel flag both a thread and a child process can watch (``set`` from the event loop).

    The child polls a shared-memory flag: a ``multiprocessing.Event`` would do, but its ``set`` waits for
    every process that ever waited on it to wake, and blocks for ever once such a child has exited."""

    def __init__(self) -> None:
        self.shared: Any = _SPAWN.RawValue(ctypes.c_bool, False)
        self.local = threading.Event()

    def set(self) -> None:
        self.local.set()
        self.shared.value = True

    def is_set(self) -> bool:
        return self.local.is_set()


async def solve_in_thread(
    mentors: list[MentorIn],
    students: list[StudentIn],
    options: SolveOptions,
    cancel: Cancel,
    on_progress: Callable[[Progress], None],
) -> SolveResult:
    chosen = dataclasses.replace(options, cancel=cancel.local, progress=on_progress)
    return await asyncio.to_thread(solve, mentors, students, chosen)


async def solve_in_process(
    mentors: list[MentorIn],
    students: list[StudentIn],
    options: SolveOptions,
    cancel: Cancel,
    on_progress: Callable[[Progress], None],
) -> SolveResult:
    """The same as ``solve_in_thread``, in a spawned child process."""
    plain = dataclasses.replace(options, cancel=None, progress=None)
    receive, send = _SPAWN.Pipe(duplex=False)
    child = _SPAWN.Process(
        target=_child,
        args=(mentors, students, plain, cancel.shared, send),
        name="mentormatch-solver",
        daemon=True,
    )
    # Starting a spawned child pickles the whole problem to it: a thread does it, so that the event loop
    # (the API's, in embedded mode) keeps serving meanwhile (0.9 s at 20,000 students).
    await asyncio.to_thread(child.start)
    send.close()  # the child holds the sending end: EOF here when it dies
    try:
        return await asyncio.to_thread(_receive, receive, on_progress, child)
    except asyncio.CancelledError:
        cancel.set()
        await asyncio.to_thread(_stop, child)
        raise
    finally:
        receive.close()
        if child.is_alive():
            # Exiting after its result, or left behind by an error here: stop it without marking the
            # run's cancel flag (the job reads that flag to tell a cancel from a result).
            cancel.shared.value = True
            await asyncio.to_thread(_stop, child)
        child.close()


def _receive(
    receive: Connection, on_progress: Callable[[Progress], None], child: multiprocessing.process.BaseProcess
) -> SolveResult:
    while True:
        # Poll rather than block: EOF tells a dead child only when no other process holds the sending end
        # (a process forked meanwhile may have inherited it); a child that is gone is gone either way.
        if not receive.poll(CHILD_CHECK_S):
            if child.is_alive():
                continue
            if not receive.poll(0):  # not even its last words arrived between the two checks
                child.join(timeout=STOP_GRACE_S)
                raise SolverDied(f"the solver process ended without a result (exit code {child.exitcode})")
        try:
            kind, value = receive.recv()
        except EOFError:
            child.join(timeout=STOP_GRACE_S)
            raise SolverDied(
                f"the solver process ended without a result (exit code {child.exitcode})"
            ) from None
        if kind == "progress":
            on_progress(value)
        elif kind == "result":
            result: SolveResult = value
            return result
        else:  # "error": the solver raised; its text is the job's failure reason
            raise RuntimeError(value)


def _stop(child: multiprocessing.process.BaseProcess) -> None:
    child.join(timeout=STOP_GRACE_S)
    if child.is_alive():
        child.kill()
        child.join()


def _child(
    mentors: list[MentorIn],
    students: list[StudentIn],
    options: SolveOptions,
    shared_cancel: Any,
    send: Connection,
) -> None:
    cancel = threading.Event()

    def watch() -> None:
        while not shared_cancel.value:
            time.sleep(CANCEL_POLL_S)
        cancel.set()

    threading.Thread(target=watch, name="cancel-watch", daemon=True).start()

    def progress(p: Progress) -> None:
        with contextlib.suppress(OSError):  # the parent went away: the result cannot be sent either
            send.send(("progress", p))

    message: tuple[str, Any]
    try:
        message = (
            "result",
            solve(mentors, students, dataclasses.replace(options, cancel=cancel, progress=progress)),
        )
    except Exception as exc:
        message = ("error", f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):
        send.send(message)
    send.close()
