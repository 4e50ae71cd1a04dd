"""The progress bar of long runs: files done, files per second and the time left, on stderr (tqdm)."""
import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(total: int | None, enabled: bool, what: str = 'files') -> Iterator[Callable[..., object]]:
    """Yield a function to call with the number of items just done. enabled False: it does nothing (no bar
    when stderr is not a terminal: the programs decide). tqdm comes with ``pip install 'midox[cli]'``."""
    if not enabled:
        yield lambda done=1: None
        return
    try:
        from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError("the progress bar needs tqdm: pip install 'midox[cli]'") from None
    with tqdm(total=total, unit=' ' + what, unit_scale=False, dynamic_ncols=True, leave=False) as bar:
        yield bar.update
