"""Functions that tests/test_midox_command.py runs in midox.corpus's worker processes (which import them by
name, so they live in a module of their own)."""
import os
import signal
import time


def square_or_fail(item):
    """item squared; 'crash' kills the worker, 'hang' sleeps for a minute, 'raise' raises ValueError."""
    if item == 'crash':
        os.kill(os.getpid(), signal.SIGKILL)
    if item == 'hang':
        time.sleep(60)
    if item == 'raise':
        raise ValueError('no square for you')
    if item == 'slow':
        time.sleep(1.0)
        return 'slow'
    return item * item


def slow_start():
    """A worker's prepare that takes longer than the timeout of the test that uses it."""
    time.sleep(1.5)
