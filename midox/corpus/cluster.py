"""The corpus work on a Dask cluster (``pip install 'midox[dask]'``): the same batches as on one machine, so
the same Parquet output; and the notes of many files as a dask DataFrame.

    >>> from dask.distributed import Client
    >>> from midox.corpus import cluster, find_files, tables
    >>> client = Client('tcp://scheduler:8786')                                  # doctest: +SKIP
    >>> tables.collect(find_files(['dataset/']), {'notes': 'notes.parquet'}, 'files.parquet',
    ...                client=client)                                            # doctest: +SKIP
    >>> notes = cluster.read_notes_dask(find_files(['dataset/']))                # doctest: +SKIP

Dask has no timeout per task: a file that hangs its task hangs it (on one machine, midox's own pool kills
the worker instead). A batch whose task fails (a worker that died, Dask's KilledWorker) is run again file by
file, and the file that fails is reported in the files table, as on one machine.
"""
from .checks import describe
from .tables import TABLE_NAMES, batch_size, batches, file_row, read_file, split, write_batch


def run_batches(client, todo):
    """Run write_batch on client for each Batch of todo; yield (batch, files rows) in order."""
    futures = client.map(write_batch, todo, pure=False)
    for batch, future in zip(todo, futures):
        try:
            rows = future.result()
        except Exception:       # the task failed as a whole (its worker died): find the file
            for name in batch.folders:
                batch.part(name).unlink(missing_ok=True)
            rows = []
            singles = split(batch)
            for single, one in zip(singles, client.map(write_batch, singles, pure=False)):
                try:
                    rows.extend(one.result())
                except Exception as error:
                    rows.append(file_row(single.paths[0], describe(error)))
        future.release()
        yield batch, rows


def _frame(batch, table, errors, pairing):
    """A pandas DataFrame of table for the files of batch: a ``file`` column (categorical), then the table's
    fields (read_arrays' dtypes)."""
    import pandas as pd

    frames = []
    for path in batch.paths:
        _, found = read_file(path, (table,), errors, pairing)
        if table in found:
            frame = pd.DataFrame({field: found[table][field] for field in found[table].dtype.names})
            frame.insert(0, 'file', path)
            frames.append(frame)
    return (pd.concat(frames, ignore_index=True) if frames else _meta(table)).astype({'file': 'string'})


def _meta(table):
    import numpy as np
    import pandas as pd
    from midox.arrays import DTYPES

    dtype = DTYPES[table]
    frame = pd.DataFrame({field: np.zeros(0, dtype.fields[field][0]) for field in dtype.names})
    frame.insert(0, 'file', pd.Series([], dtype='string'))
    return frame


def read_notes_dask(paths, *, table='notes', errors='ignore', pairing='fifo'):
    """The notes (or `table`: controls, tempos) of the files at paths as a dask DataFrame: a ``file`` column,
    then read_arrays' fields; one partition per batch of files (as midox notes' parts), in file order. Files
    that cannot be read have no rows (midox notes' files table says why)."""
    import dask.dataframe as dd

    if table not in TABLE_NAMES:
        raise ValueError(f"table must be one of {', '.join(TABLE_NAMES)}, not {table!r}")
    paths = list(paths)
    todo = batches(paths, {}, errors, pairing, batch_size(len(paths)))
    return dd.from_map(_frame, todo, table=table, errors=errors, pairing=pairing, meta=_meta(table),
                       enforce_metadata=False)
