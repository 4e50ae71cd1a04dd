"""midox.arrays.frames: every table through pandas and pyarrow, the derived columns, missing libraries."""
import subprocess
import sys
import types

import pytest

np = pytest.importorskip('numpy', reason='the arrays need numpy')
from midox.arrays import dtypes  # noqa: E402
from midox.arrays.frames import KINDS, to_arrow, to_pandas  # noqa: E402

DTYPES = dict(zip(KINDS, (dtypes.NOTE, dtypes.CONTROL, dtypes.PITCH_BEND, dtypes.PROGRAM, dtypes.AFTERTOUCH,
                          dtypes.POLYTOUCH, dtypes.TEMPO, dtypes.TIME_SIGNATURE, dtypes.KEY_SIGNATURE, dtypes.TEXT,
                          dtypes.SYSEX, dtypes.EVENT)))
DERIVED = {'texts': ('text',), 'sysex': ('data',), 'key_signatures': ('key',)}


def filled(dtype, rows=3):
    """A table whose every numeric field counts up, so that a column out of place shows."""
    array = np.zeros(rows, dtype=dtype)
    for number, name in enumerate(dtype.names):
        array[name] = np.arange(rows) + number
    return array


def midi_arrays(charset='latin1'):
    """A stand-in for MidiArrays: every table filled, texts and sysex pointing into ``data``."""
    tables = {kind: filled(DTYPES[kind]) for kind in KINDS}
    words = ['Piano', 'Ünter', ''] if charset == 'latin1' else ['Фортепиано', 'Скрипка', '']
    data = b'MThd'
    spans = []
    for word in words:
        raw = word.encode(charset)
        spans.append((len(data), len(raw)))
        data += raw
    tables['texts']['offset'], tables['texts']['length'] = zip(*spans)
    sysex = bytes([0x41, 0x10, 0xFF, 0x80])
    tables['sysex']['offset'], tables['sysex']['length'] = [len(data), len(data) + 1, 0], [4, 2, 0]
    data += sysex
    tables['key_signatures']['sharps'] = [-7, 0, 7]
    tables['key_signatures']['mode'] = [0, 1, 1]
    return types.SimpleNamespace(data=data, charset=charset, words=words, **tables)


def expected_columns(kind):
    names = list(DTYPES[kind].names)
    if kind in ('texts', 'sysex'):
        at = names.index('offset')
        names[at:at + 2] = DERIVED[kind]
    if kind == 'key_signatures':
        names.insert(names.index('mode') + 1, 'key')
    return names


def check_derived(arrays, kind, column):
    """The derived columns' values, however the library holds them."""
    if kind == 'texts':
        assert list(column('text')) == arrays.words
    elif kind == 'sysex':
        assert list(column('data')) == [bytes([0x41, 0x10, 0x7F, 0x7F]), bytes([0x10, 0x7F]), b'']
    elif kind == 'key_signatures':
        assert list(column('key')) == ['Cb', 'Am', 'A#m']


@pytest.mark.parametrize('kind', KINDS)
def test_pandas_has_the_fields_in_order_and_shares_them(kind):
    pytest.importorskip('pandas', reason='to_pandas() needs pandas')
    arrays = midi_arrays()
    frame = to_pandas(arrays, kind)
    assert list(frame.columns) == expected_columns(kind)
    table = getattr(arrays, kind)
    for name in frame.columns:
        if name not in DERIVED.get(kind, ()):
            values = frame[name].to_numpy()
            assert values.dtype == table.dtype[name] and np.array_equal(values, table[name])
    check_derived(arrays, kind, lambda name: frame[name])
    assert np.shares_memory(frame['track'].to_numpy(), table)


@pytest.mark.parametrize('kind', KINDS)
def test_arrow_has_the_fields_in_order(kind):
    pa = pytest.importorskip('pyarrow', reason='to_arrow() needs pyarrow')
    arrays = midi_arrays()
    table = to_arrow(arrays, kind)
    assert table.column_names == expected_columns(kind)
    source = getattr(arrays, kind)
    for name in table.column_names:
        if name not in DERIVED.get(kind, ()):
            values = table.column(name).to_numpy()
            assert values.dtype == source.dtype[name] and np.array_equal(values, source[name])
    check_derived(arrays, kind, lambda name: table.column(name).to_pylist())
    if kind == 'sysex':
        assert table.schema.field('data').type == pa.binary()


def test_texts_decode_with_the_files_charset():
    pytest.importorskip('pandas', reason='to_pandas() needs pandas')
    arrays = midi_arrays(charset='cp1251')
    assert list(to_pandas(arrays, 'texts')['text']) == ['Фортепиано', 'Скрипка', '']
    if _importable('pyarrow'):
        assert to_arrow(arrays, 'texts').column('text').to_pylist() == ['Фортепиано', 'Скрипка', '']


def test_empty_tables_keep_their_columns():
    pytest.importorskip('pandas', reason='to_pandas() needs pandas')
    arrays = midi_arrays()
    arrays.sysex, arrays.texts = arrays.sysex[:0], arrays.texts[:0]
    assert list(to_pandas(arrays, 'sysex').columns) == expected_columns('sysex')
    assert len(to_pandas(arrays, 'texts')) == 0
    if _importable('pyarrow'):
        import pyarrow as pa
        assert to_arrow(arrays, 'sysex').schema.field('data').type == pa.binary()


def test_an_unknown_table_names_the_known_ones():
    with pytest.raises(ValueError, match='notes, controls.*events'):
        to_pandas(midi_arrays(), 'chords')
    with pytest.raises(ValueError, match='unknown table'):
        to_arrow(midi_arrays(), 'data')


@pytest.mark.parametrize('convert, module, extra', [(to_pandas, 'pandas', 'pandas'), (to_arrow, 'pyarrow', 'arrow')])
def test_a_missing_library_names_the_extra(monkeypatch, convert, module, extra):
    monkeypatch.setitem(sys.modules, module, None)      # makes the import fail
    with pytest.raises(ImportError, match=rf"pip install 'midox\[{extra}\]'"):
        convert(midi_arrays(), 'notes')


def test_importing_midox_imports_no_numpy_pandas_or_pyarrow():
    code = "import sys, midox; print(sorted({'numpy', 'pandas', 'pyarrow'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == '[]'


def _importable(module):
    try:
        __import__(module)
    except ImportError:
        return False
    return True
