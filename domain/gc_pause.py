"""Cyclic garbage collection paused for one large, bounded piece of work (a published run).

A publish allocates hundreds of thousands of small objects that live until its end (rows read, the people's
objects, rendered messages, event payloads), so CPython's collector runs its generations over and over,
full collections included, without freeing anything: at 20,000 students, a quarter of the publish's CPU.
Inside :func:`paused` the collector does not run (reference counting still frees nearly everything); it
runs as usual again when the last paused block exits. Blocks may overlap (two publishes in one process):
the collector resumes when the last one exits, and only if it was enabled when the first one entered.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No automatic garbage collection inside this block (the work in it is bounded)."""
    global _depth, _was_enabled
    if _depth == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _was_enabled:
            gc.enable()
