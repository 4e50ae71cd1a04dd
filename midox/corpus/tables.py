"""Collecting the tables of many files (read_arrays) as Parquet datasets: one row per note (control, tempo)
with the file it comes from, and one row per file.

Encoding Parquet costs more than reading MIDI files, so the workers write it: the files are cut into batches
of consecutive files, and each batch becomes one part file per table (``notes.parquet/part-000042.parquet``),
named by its batch, so that the output is the same whatever the number of workers or machines. The files table
(one row per file) is small and written by the caller as the batches come. Memory stays bounded by a batch.

Needs NumPy and pyarrow (``pip install 'midox[cli]'``).
"""
import dataclasses
import pathlib

from .checks import describe, problem_text

TABLE_NAMES = ('notes', 'controls', 'tempos')     # the tables `midox notes` writes
BATCH_FILES = 64                # files per batch at most: parts of a few MB on typical corpora
WRITE_BATCH_ROWS = 1 << 16      # rows pyarrow's Parquet writer encodes at a time (its default is 1024)


@dataclasses.dataclass(frozen=True)
class Batch:
    """Consecutive files to read and write as one part per table: folders maps a table name to the dataset
    folder its part goes to; name is the part's name (``part-<name>.parquet``); columns maps a table name to
    the fields to write (all if it is not there)."""
    name: str
    paths: tuple
    folders: dict
    errors: str = 'ignore'
    pairing: str = 'fifo'
    columns: dict = dataclasses.field(default_factory=dict)

    def part(self, table):
        return pathlib.Path(self.folders[table]) / f'part-{self.name}.parquet'


def batch_size(count):
    """Files per batch for count files: up to BATCH_FILES, fewer for small corpora so that there are batches
    for every worker (from the count alone: the parts are the same whatever the number of workers)."""
    return max(1, min(BATCH_FILES, count // BATCH_FILES))


def batches(paths, folders, errors='ignore', pairing='fifo', size=BATCH_FILES, columns=None):
    """The Batches of paths, in order, size files each."""
    return [Batch(f'{start // size:06d}', tuple(map(str, paths[start:start + size])), dict(folders), errors, pairing,
                  dict(columns or {})) for start in range(0, len(paths), size)]


def split(batch):
    """batch as batches of one file each (to find which file crashed or hung a worker), named after it."""
    return [dataclasses.replace(batch, name=f'{batch.name}-{index:03d}', paths=(path,))
            for index, path in enumerate(batch.paths)]


def file_row(path, error=None):
    """A row of the files table, for a file not read (yet)."""
    return {'path': str(path), 'size': None, 'type': None, 'tracks': None, 'ticks_per_beat': None,
            'length': None, 'notes': 0, 'problems': [], 'error': error}


def read_file(path, tables, errors, pairing):
    """(the file's row of the files table, {table name: NumPy array}); a file that cannot be read (strict
    reading's error, or an OSError) gives a row with the error and no tables."""
    from midox.arrays import read_arrays

    row = file_row(path)
    try:
        data = pathlib.Path(path).read_bytes()
        row['size'] = len(data)
        arrays = read_arrays(data, errors=errors, pairing=pairing)
    except Exception as error:      # the file's failure is a row of the files table
        row['error'] = describe(error)
        return row, {}
    try:
        length = arrays.length
    except ValueError:              # type 2: no length
        length = None
    row.update(type=arrays.type, tracks=arrays.ntracks, ticks_per_beat=arrays.ticks_per_beat, length=length,
               notes=len(arrays.notes), problems=[problem_text(problem) for problem in arrays.problems])
    return row, {name: getattr(arrays, name) for name in tables}


def table_schema(name, fields=None):
    """The Arrow schema of a table's rows: ``file`` (the path, dictionary-encoded), then fields (default: all
    of midox.arrays.DTYPES[name], in its order). ValueError names a field the table does not have."""
    import pyarrow as pa
    from midox.arrays import DTYPES

    dtype = DTYPES[name]
    unknown = [field for field in fields or () if field not in dtype.names]
    if unknown:
        raise ValueError(f"{name} have no field {', '.join(map(repr, unknown))}; they have "
                         f"{', '.join(dtype.names)}")
    return pa.schema([('file', pa.dictionary(pa.int32(), pa.string()))]
                     + [(field, pa.from_numpy_dtype(dtype.fields[field][0])) for field in fields or dtype.names])


def files_schema():
    import pyarrow as pa

    return pa.schema([('path', pa.string()), ('size', pa.int64()), ('type', pa.int16()), ('tracks', pa.int32()),
                      ('ticks_per_beat', pa.int32()), ('length', pa.float64()), ('notes', pa.int64()),
                      ('problems', pa.list_(pa.string())), ('error', pa.string())])


def batch_tables(batch, names):
    """Read the files of batch: (their rows of the files table, {table name: Arrow table of their rows})."""
    import numpy as np
    import pyarrow as pa

    rows, found = [], {name: [] for name in names}
    for index, path in enumerate(batch.paths):
        row, tables = read_file(path, tuple(names), batch.errors, batch.pairing)
        rows.append(row)
        for name, table in tables.items():
            found[name].append((index, table))
    arrow = {}
    for name in names:
        schema = table_schema(name, batch.columns.get(name))
        if found[name]:
            # one column per field for the whole batch (Arrow and Parquet cost per chunk), the file column a
            # dictionary of the batch's paths
            counts = [len(table) for _, table in found[name]]
            which = np.repeat(np.array([index for index, _ in found[name]], np.int32), counts)
            fields = schema.names[1:]
            columns = {field: np.empty(len(which), found[name][0][1].dtype[field]) for field in fields}
            start = 0
            for (_, table), count in zip(found[name], counts):
                for field in fields:        # every field of a file while its rows are in the cache
                    columns[field][start:start + count] = table[field]
                start += count
            arrow[name] = pa.Table.from_arrays(
                [pa.DictionaryArray.from_arrays(which, pa.array(batch.paths, pa.string()))] +
                [pa.array(columns[field]) for field in fields], schema=schema)
        else:
            arrow[name] = schema.empty_table()
    return rows, arrow


def write_batch(batch):
    """Read the files of batch and write its part of each table; return the files' rows (the worker's job)."""
    import pyarrow.parquet as pq

    rows, arrow = batch_tables(batch, tuple(batch.folders))
    for name, part in arrow.items():
        # Dictionaries for the file column only: the other columns are numbers that rarely repeat enough.
        # Values go to the encoder 64 Ki at a time, not 1 Ki: the same file, written 10-20% faster.
        pq.write_table(part, batch.part(name), use_dictionary=['file'], row_group_size=max(part.num_rows, 1),
                       write_batch_size=WRITE_BATCH_ROWS)
    return rows


def import_arrow():
    """What the workers import on their first batch (a worker's prepare: see run())."""
    import numpy  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def _read_batch(batch):
    """A batch's table (batch.folders names the one table; nothing is written)."""
    return batch_tables(batch, tuple(batch.folders))[1]


def read_table(paths, table='notes', *, jobs=None, timeout=None, errors='ignore', pairing='fifo', columns=None):
    """The rows of `table` (one of TABLE_NAMES) of every file at paths as one pyarrow Table (``.to_pandas()``
    for a DataFrame): a ``file`` column, then the table's fields (or columns). Read in worker processes (see
    run()); the whole result is in memory (for a corpus bigger than memory, write it with collect()). A file
    that cannot be read, crashes or hangs its worker has no rows.
    """
    import pyarrow as pa

    from .pool import run

    if table not in TABLE_NAMES:
        raise ValueError(f"table must be one of {', '.join(TABLE_NAMES)}, not {table!r}")
    schema = table_schema(table, columns)
    paths = list(paths)
    size = batch_size(len(paths))
    todo = batches(paths, {table: None}, errors, pairing, size, {table: columns} if columns else None)
    parts = []
    for outcome in run(_read_batch, todo, jobs=jobs, timeout=None if timeout is None else timeout * size,
                       prepare=import_arrow):
        if outcome.ok:
            parts.append(outcome.value[table])
        else:       # a worker crashed or hung: the files again one by one, keeping those that read
            parts.extend(single.value[table] for single in
                         run(_read_batch, split(outcome.item), jobs=jobs, timeout=timeout, prepare=import_arrow)
                         if single.ok)
    return pa.concat_tables(parts, promote_options='none').unify_dictionaries() if parts else schema.empty_table()


class FilesTable:
    """The files table being written, in row groups of `group` rows (bounded memory); a context manager."""

    def __init__(self, path, group=4096):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self._writer = pq.ParquetWriter(path, files_schema())
        self._rows = []
        self._group = group

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add(self, rows):
        self._rows.extend(rows)
        if len(self._rows) >= self._group:
            self._flush()

    def _flush(self):
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=files_schema()))
            self._rows = []

    def close(self):
        self._flush()
        self._writer.close()


def collect(paths, folders, files, *, jobs=None, timeout=None, errors='ignore', pairing='fifo', columns=None,
            advance=None, client=None):
    """Write the tables of the files at paths as Parquet datasets: folders maps each table name (of
    TABLE_NAMES) to its folder (made if needed; parts left there by an earlier run are replaced), files is the
    path of the files table. Runs write_batch in worker processes (see run()); timeout is per file (a batch
    may take that times its files). A batch whose worker crashes or hangs is done again file by file, so that
    the file is found and reported in the files table (error ``worker crashed ...`` or ``timed out ...``) and
    the others are kept.

    columns maps a table name to the fields to write (default: all). client: a dask.distributed Client to
    run the batches on instead (midox.corpus.cluster; jobs and timeout
    are then the cluster's business): the same parts and files table. advance(n) is called as n more files
    are done. Returns the number of files whose row has an error.
    """
    for name, fields in (columns or {}).items():
        table_schema(name, fields)              # unknown fields: ValueError now, not in every worker
    for folder in map(pathlib.Path, folders.values()):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob('part-*.parquet'):
            old.unlink()
    paths = list(paths)
    size = batch_size(len(paths))
    todo = batches(paths, folders, errors, pairing, size, columns)
    if client is None:
        from .pool import run

        batch_timeout = None if timeout is None else timeout * size
        done = ((outcome.item, outcome.value if outcome.ok else _file_by_file(outcome.item, jobs, timeout))
                for outcome in run(write_batch, todo, jobs=jobs, timeout=batch_timeout, prepare=import_arrow))
    else:
        from .cluster import run_batches

        done = run_batches(client, todo)
    failed = 0
    with FilesTable(files) as table:
        for _, rows in done:
            failed += sum(row['error'] is not None for row in rows)
            table.add(rows)
            if advance is not None:
                advance(len(rows))
    return failed


def _file_by_file(batch, jobs, timeout):
    from .pool import run

    for name in batch.folders:
        batch.part(name).unlink(missing_ok=True)        # what the lost worker may have written
    return [row for outcome in run(write_batch, split(batch), jobs=jobs, timeout=timeout, prepare=import_arrow)
            for row in (outcome.value if outcome.ok else [file_row(outcome.item.paths[0], outcome.error)])]
