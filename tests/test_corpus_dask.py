"""midox.corpus on a Dask cluster: a LocalCluster of two worker processes gives the same Parquet output as midox's
own worker pool (through the API and `midox notes --scheduler`), and read_notes_dask gives read_arrays' notes.

The corpus lives beside the project (../shared/corpus) or where MIDOX_CORPUS points.
"""
import logging

import pytest

import midox
from midox.corpus import tables as corpus_tables

from test_midox_command import FILES, midox_command, needs_corpus, read_dataset

distributed = pytest.importorskip('dask.distributed', reason="Dask is not installed (pip install 'midox[dask]')")
np = pytest.importorskip('numpy', reason="NumPy is not installed (pip install 'midox[dask]')")
pq = pytest.importorskip('pyarrow.parquet', reason="pyarrow is not installed (pip install 'midox[cli]')")
from midox.corpus import cluster  # noqa: E402  (needs Dask)

pytestmark = pytest.mark.xdist_group('local_cluster')     # one LocalCluster for the module (tools/test.sh)

SOME = FILES[::4]       # enough files for several batches, few enough for a quick test


@pytest.fixture(scope='module')
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as local, distributed.Client(local) as client:
        yield client


def collected(tmp_path, name, **options):
    out = tmp_path / name
    folders = {'notes': out / 'notes.parquet', 'tempos': out / 'tempos.parquet'}
    failed = corpus_tables.collect(SOME, folders, out / 'files.parquet', **options)
    return failed, {table: read_dataset(folder) for table, folder in folders.items()}, \
        pq.read_table(out / 'files.parquet')


@needs_corpus
def test_the_cluster_writes_what_the_local_pool_writes(client, tmp_path):
    local = collected(tmp_path, 'local', jobs=2)
    on_dask = collected(tmp_path, 'dask', client=client)
    assert local[0] == on_dask[0]
    for table in local[1]:
        assert local[1][table].equals(on_dask[1][table]), table
    assert local[2].equals(on_dask[2])
    assert sorted(path.name for path in (tmp_path / 'local' / 'notes.parquet').iterdir()) == \
        sorted(path.name for path in (tmp_path / 'dask' / 'notes.parquet').iterdir())


@needs_corpus
def test_midox_notes_on_a_scheduler(client, tmp_path):
    address = client.scheduler.address
    done = midox_command('notes', *SOME, '-o', tmp_path / 'notes.parquet', '--scheduler', address)
    assert done.returncode == 0, done.stderr
    local = midox_command('notes', *SOME, '-o', tmp_path / 'local.parquet', '--jobs', 2)
    assert local.returncode == 0, local.stderr
    assert read_dataset(tmp_path / 'notes.parquet').equals(read_dataset(tmp_path / 'local.parquet'))
    unreachable = midox_command('notes', *SOME[:1], '-o', tmp_path / 'x.parquet', '--scheduler',
                                'tcp://127.0.0.1:9', env={'DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT': '2s'})
    assert unreachable.returncode == 1 and 'cannot reach the Dask scheduler' in unreachable.stderr


@needs_corpus
def test_read_notes_dask_gives_read_arrays_notes(client):
    frame = cluster.read_notes_dask(SOME).compute()
    expected = [midox.read_arrays(path, errors='ignore').notes for path in SOME]
    assert frame['file'].tolist() == [str(path) for path, notes in zip(SOME, expected) for _ in range(len(notes))]
    joined = np.concatenate(expected)
    for field in joined.dtype.names:
        assert np.array_equal(frame[field].to_numpy(), joined[field]), field
        assert frame[field].dtype == joined.dtype.fields[field][0]
    tempos = cluster.read_notes_dask(SOME[:3], table='tempos').compute()
    assert len(tempos) == sum(len(midox.read_arrays(path, errors='ignore').tempos) for path in SOME[:3])
    with pytest.raises(ValueError, match='table must be one of'):
        cluster.read_notes_dask(SOME, table='texts')
