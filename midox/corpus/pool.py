"""Running a function over many files in worker processes: results in input order, one file's crash or hang
reported as that file's outcome, Ctrl-C stopping every worker.

concurrent.futures cannot do the last two: a hung task cannot be stopped, and a crashed worker breaks the whole
pool. Here each worker is a process of its own with a pipe; a worker that dies or overruns the timeout is
killed and replaced, and the file it had is reported.
"""
import dataclasses
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from typing import Any

# Workers are started with 'spawn' everywhere: fork copies the parent's threads' locks (a progress bar's, a
# client's), and spawn is what macOS and Windows do anyway.
_CONTEXT = multiprocessing.get_context('spawn')
READY = 'ready'


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What became of one item: its position in the input, the item, and either the function's value or the
    error (``'ValueError: ...'``, ``'timed out after 5 s'``, ``'worker crashed (exit code -11)'``)."""
    index: int
    item: Any
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:      # not on Linux
        return os.cpu_count() or 1


def _work(connection, function, prepare):
    """A worker's loop: first prepare() and READY (its imports are done: they do not count against the first
    item's timeout), then (index, item) in, (index, True, value) or (index, False, error text) out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # Ctrl-C is the parent's to handle
    if prepare is not None:
        prepare()
    connection.send(READY)
    while True:
        try:
            task = connection.recv()
        except EOFError:        # the parent has gone
            return
        if task is None:
            return
        index, item = task
        try:
            connection.send((index, True, function(item)))
        except Exception as error:      # the file's failure, not the worker's
            connection.send((index, False, f'{type(error).__name__}: {error}'))


class _Worker:
    def __init__(self, function, prepare):
        self.connection, theirs = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_work, args=(theirs, function, prepare), daemon=True)
        self.process.start()
        theirs.close()
        self.ready = False          # its READY has come
        self.task = None            # (index, item) being worked on
        self.started = 0.0

    def give(self, index, item):
        self.task = (index, item)
        self.started = time.monotonic()
        self.connection.send(self.task)

    def stop(self):
        """Kill the process (it may be stuck in C code) and wait for it."""
        self.process.kill()
        self.process.join()
        self.connection.close()

    def close(self):
        """Let an idle worker end, else kill it."""
        try:
            if self.task is None:
                self.connection.send(None)
                self.process.join(1.0)
        except OSError:
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def run(function: Callable[[Any], object], items: Iterable[Any], *, jobs: int | None = None,
        timeout: float | None = None, window: int | None = None,
        prepare: Callable[[], object] | None = None) -> Iterator[Outcome]:
    """Call function(item) for each item in worker processes; yield an Outcome per item, in input order.

    :param function: picklable (a module-level function), as worker processes receive it.
    :param prepare: None, or a picklable function of no arguments each worker calls once before its first
        item, outside any timeout: the imports that function makes when first called, for example.
    :param jobs: the number of worker processes (default: default_jobs(); at least 1).
    :param timeout: seconds an item may take; a worker that takes longer is killed and the item gets the error
        ``'timed out after N s'``. None: no limit.
    :param window: at most this many items are handed out beyond the first one not yet yielded (default
        4 * jobs), so that the results waiting for a slow item stay few: memory does not grow with the number
        of items.
    Stopping the iteration (or Ctrl-C) kills the workers.
    """
    jobs = max(1, default_jobs() if jobs is None else int(jobs))
    window = max(jobs, 4 * jobs if window is None else int(window))
    pending = iter(enumerate(items))
    upcoming = next(pending, None)      # the next (index, item) to hand out; None: all handed out
    finished = {}               # index -> Outcome, until its turn
    next_index = 0              # the next to yield
    workers = []
    try:
        while True:
            # hand out items, up to the window (beyond it, wait for the slow one first)
            while upcoming is not None and len(workers) < jobs:     # they start at once, in parallel
                workers.append(_Worker(function, prepare))
            idle = [worker for worker in workers if worker.ready and worker.task is None]
            while upcoming is not None and upcoming[0] < next_index + window:
                if not idle:
                    break
                worker = idle.pop()
                try:
                    worker.give(*upcoming)
                except OSError:         # it died while idle (killed from outside): a new one takes its place
                    worker.stop()
                    workers.remove(worker)
                    break
                upcoming = next(pending, None)
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1
            waiting = [worker for worker in workers if worker.task is not None or not worker.ready]
            if not waiting:
                if upcoming is None:
                    return
                continue
            busy = [worker for worker in waiting if worker.task is not None]
            deadline = None if timeout is None or not busy else min(worker.started for worker in busy) + timeout
            ready = wait([worker.connection for worker in waiting],
                         None if deadline is None else max(0.0, deadline - time.monotonic()))
            for worker in waiting:
                if worker.connection in ready:
                    try:
                        answer = worker.connection.recv()
                    except (EOFError, OSError):
                        worker.stop()
                        workers.remove(worker)
                        if worker.task is None:         # it died starting: no item can run
                            raise RuntimeError(f'a worker process failed to start (exit code '
                                               f'{worker.process.exitcode})') from None
                        index, item = worker.task
                        finished[index] = Outcome(index, item, error=f'worker crashed (exit code '
                                                                     f'{worker.process.exitcode})')
                        continue
                    if answer == READY:
                        worker.ready = True
                        continue
                    index, item = worker.task
                    answer_index, ok, value = answer
                    assert answer_index == index
                    finished[index] = Outcome(index, item, value) if ok else Outcome(index, item, error=value)
                    worker.task = None
                elif worker.task is not None and timeout is not None and \
                        time.monotonic() - worker.started >= timeout:
                    index, item = worker.task
                    worker.stop()
                    finished[index] = Outcome(index, item, error=f'timed out after {timeout:g} s')
                    workers.remove(worker)
            while next_index in finished:
                yield finished.pop(next_index)
                next_index += 1
    finally:
        for worker in workers:
            worker.close()

