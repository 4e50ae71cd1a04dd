"""Collecting the tables of many files (read_arrays) into Parquet files: one row per note (control, tempo) with
the file it comes from, and one row per file, written in row groups as the files come (bounded memory).

Needs NumPy and pyarrow (``pip install 'midox[cli]'``).
"""
import dataclasses
import pathlib

from .checks import describe, problem_text

# The tables `midox notes` can write, and the files table.
TABLE_NAMES = ('notes', 'controls', 'tempos')
ROW_GROUP_ROWS = 1 << 17        # rows kept before a row group is written


@dataclasses.dataclass(frozen=True)
class FileTables:
    """What one file gives: its row of the files table and its tables (NumPy arrays, by name)."""
    info: dict
    tables: dict


def read_file_tables(path, tables=TABLE_NAMES, errors='ignore', pairing='fifo'):
    """Read the file at path with read_arrays; its FileTables. A file that cannot be read (strict reading's
    error, or an OSError) gives a files row with the error and no tables."""
    from midox.arrays import read_arrays

    path = pathlib.Path(path)
    info = {'path': str(path), 'size': None, 'type': None, 'tracks': None, 'ticks_per_beat': None,
            'length': None, 'notes': 0, 'problems': [], 'error': None}
    try:
        data = path.read_bytes()
        info['size'] = len(data)
        arrays = read_arrays(data, errors=errors, pairing=pairing)
    except Exception as error:      # the file's failure is a row of the files table
        info['error'] = describe(error)
        return FileTables(info, {})
    try:
        length = arrays.length
    except ValueError:              # type 2: no length
        length = None
    info.update(type=arrays.type, tracks=arrays.ntracks, ticks_per_beat=arrays.ticks_per_beat, length=length,
                notes=len(arrays.notes), problems=[problem_text(problem) for problem in arrays.problems])
    return FileTables(info, {name: getattr(arrays, name) for name in tables})


class ParquetTables:
    """Parquet files being written: outputs maps a table name ('files' or one of TABLE_NAMES) to its path.

    Each table's rows get a leading ``file`` column: the file's path (dictionary-encoded, so it costs a few
    bytes per row group). Use as a context manager; add() each file's FileTables in order."""

    def __init__(self, outputs, row_group_rows=ROW_GROUP_ROWS):
        import pyarrow
        import pyarrow.parquet

        self._pa = pyarrow
        self._parquet = pyarrow.parquet
        self.outputs = {name: pathlib.Path(path) for name, path in outputs.items()}
        self.row_group_rows = row_group_rows
        self._writers = {}
        self._pending = {name: [] for name in self.outputs}
        self._pending_rows = dict.fromkeys(self.outputs, 0)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add(self, found):
        """Add one file's rows (a FileTables)."""
        pa = self._pa
        if 'files' in self.outputs:
            self._append('files', pa.RecordBatch.from_pylist([found.info], schema=self._files_schema()))
        for name, table in found.tables.items():
            if name not in self.outputs:
                continue
            path = pa.DictionaryArray.from_arrays(pa.array([0] * len(table), pa.int32()),
                                                  pa.array([found.info['path']]))
            columns = [path] + [pa.array(table[field]) for field in table.dtype.names]
            self._append(name, pa.RecordBatch.from_arrays(columns, ['file'] + list(table.dtype.names)))

    def _files_schema(self):
        pa = self._pa
        return pa.schema([('path', pa.string()), ('size', pa.int64()), ('type', pa.int16()),
                          ('tracks', pa.int32()), ('ticks_per_beat', pa.int32()), ('length', pa.float64()),
                          ('notes', pa.int64()), ('problems', pa.list_(pa.string())), ('error', pa.string())])

    def _append(self, name, batch):
        self._pending[name].append(batch)
        self._pending_rows[name] += batch.num_rows
        if self._pending_rows[name] >= self.row_group_rows:
            self._flush(name)

    def _flush(self, name):
        batches = self._pending[name]
        if not batches:
            return
        table = self._pa.Table.from_batches(batches).unify_dictionaries()
        if name not in self._writers:
            self._writers[name] = self._parquet.ParquetWriter(self.outputs[name], table.schema)
        self._writers[name].write_table(table, row_group_size=max(table.num_rows, 1))
        self._pending[name] = []
        self._pending_rows[name] = 0

    def _table_schema(self, name):
        from midox.arrays import DTYPES

        pa = self._pa
        dtype = DTYPES[name]
        return pa.schema([('file', pa.dictionary(pa.int32(), pa.string()))]
                         + [(field, pa.from_numpy_dtype(dtype.fields[field][0])) for field in dtype.names])

    def close(self):
        """Write what is pending; a table that got no rows is written empty, with its columns."""
        for name in self.outputs:
            self._flush(name)
            if name not in self._writers:
                schema = self._files_schema() if name == 'files' else self._table_schema(name)
                self._writers[name] = self._parquet.ParquetWriter(self.outputs[name], schema)
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
