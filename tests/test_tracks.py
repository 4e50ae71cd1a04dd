"""MidiTrack, fix_end_of_track and the time helpers (midox.midifiles.tracks), against mido.midifiles.tracks."""
import copy
import inspect
import pickle

import mido
import mido.midifiles.tracks as mido_tracks
import pytest
from hypothesis import given
from hypothesis import strategies as st

import midox
from midox import Message
from midox.midifiles import tracks
from midox.midifiles.meta import MetaMessage
from midox.midifiles.tracks import MidiTrack, fix_end_of_track

NAMESPACE = {'MidiTrack': MidiTrack, 'Message': midox.Message, 'MetaMessage': MetaMessage}

# A message is described by (meta, type, values) and built as a midox or a mido message from that.
ticks = st.integers(0, 2000)
times = st.one_of(ticks, ticks, ticks, st.floats(0, 100, allow_nan=False))
channel_specs = st.one_of(
    st.builds(lambda n, v, t: (False, 'note_on', {'note': n, 'velocity': v, 'time': t}),
              st.integers(0, 127), st.integers(0, 127), times),
    st.builds(lambda n, t: (False, 'note_off', {'note': n, 'time': t}), st.integers(0, 127), times),
    st.builds(lambda c, v, t: (False, 'control_change', {'control': c, 'value': v, 'time': t}),
              st.integers(0, 127), st.integers(0, 127), times),
    st.builds(lambda d, t: (False, 'sysex', {'data': d, 'time': t}), st.lists(st.integers(0, 127), max_size=4),
              times),
)
end_of_tracks = st.builds(lambda t: (True, 'end_of_track', {'time': t}), times)
meta_specs = st.one_of(
    end_of_tracks,
    st.builds(lambda n, t: (True, 'track_name', {'name': n, 'time': t}), st.text(max_size=5), times),
    st.builds(lambda n, t: (True, 'set_tempo', {'tempo': n, 'time': t}), st.integers(0, 0xFFFFFF), times),
)
# end_of_track drawn often, so that runs of them (and their delta times) come up
specs = st.lists(st.one_of(channel_specs, meta_specs, end_of_tracks), max_size=25)


def ours(spec_list):
    return [(MetaMessage if meta else Message)(type_, **values) for meta, type_, values in spec_list]


def theirs(spec_list):
    return [(mido.MetaMessage if meta else mido.Message)(type_, **values) for meta, type_, values in spec_list]


def described(messages):
    """The messages as comparable plain data: kind, type and every attribute, time included."""
    return [(message.is_meta, message.dict()) for message in messages]


def sample_track():
    return MidiTrack([
        MetaMessage('track_name', name='Piano', time=0),
        Message('program_change', program=3, time=0),
        Message('note_on', note=60, velocity=64, time=10),
        Message('note_off', note=60, velocity=0, time=96),
        MetaMessage('end_of_track', time=0),
    ])


# --- MidiTrack: a list --------------------------------------------------------------------------------------

def test_is_a_list_and_takes_any_iterable():
    assert issubclass(MidiTrack, list)
    assert MidiTrack() == []
    messages = [Message('note_on'), Message('note_off')]
    assert MidiTrack(iter(messages)) == messages
    assert MidiTrack(message for message in messages) == messages
    assert tracks.__all__ == ['MidiTrack', 'fix_end_of_track', 'merge_tracks']


def test_list_methods_keep_the_track():
    track = sample_track()
    track.append(Message('clock'))
    track.insert(0, Message('stop'))
    track.extend([Message('start')])
    track += [Message('continue')]
    assert type(track) is MidiTrack
    track *= 2
    assert type(track) is MidiTrack
    assert len(track) == 18


def test_attributes_can_be_set_on_a_track():
    track = MidiTrack()
    track.label = 'drums'       # mido tracks have a __dict__; code relies on it
    assert track.label == 'drums'


# --- name ---------------------------------------------------------------------------------------------------

def test_name_of_a_track_without_track_name():
    assert MidiTrack().name == ''
    assert MidiTrack([Message('note_on'), MetaMessage('text', text='x')]).name == ''


def test_name_is_the_first_track_name():
    track = MidiTrack([Message('note_on'), MetaMessage('track_name', name='first', time=5),
                       MetaMessage('track_name', name='second')])
    assert track.name == 'first'


def test_set_name_changes_the_first_track_name_in_place():
    first = MetaMessage('track_name', name='first', time=5)
    second = MetaMessage('track_name', name='second')
    track = MidiTrack([Message('note_on'), first, second])
    track.name = 'renamed'
    assert track.name == 'renamed'
    assert track[1] is first and first.name == 'renamed' and first.time == 5
    assert second.name == 'second'
    assert len(track) == 3


def test_set_name_inserts_a_track_name_at_the_start():
    track = MidiTrack([Message('note_on', time=7)])
    track.name = 'Bass'
    assert track == [MetaMessage('track_name', name='Bass', time=0), Message('note_on', time=7)]
    assert isinstance(track[0], MetaMessage)
    empty = MidiTrack()
    empty.name = ''
    assert empty == [MetaMessage('track_name', name='', time=0)]


@given(specs, st.text(max_size=5))
def test_name_get_and_set_as_mido(spec_list, name):
    track, reference = MidiTrack(ours(spec_list)), mido.MidiTrack(theirs(spec_list))
    assert track.name == reference.name
    track.name = name
    reference.name = name
    assert described(track) == described(reference)


def test_set_invalid_name_raises_as_mido():
    with pytest.raises(TypeError):
        MidiTrack().name = 5
    with pytest.raises(TypeError):
        mido.MidiTrack().name = 5


# --- indexing, slicing, +, *, copy ---------------------------------------------------------------------------

def test_index_returns_the_element():
    track = sample_track()
    assert track[2] is list.__getitem__(track, 2)
    assert track[-1].type == 'end_of_track'
    with pytest.raises(IndexError):
        track[len(track)]
    with pytest.raises(TypeError):
        track['a']


def test_index_by_any_integer_like_returns_the_element():
    class Index:
        def __index__(self):
            return 2

    track = sample_track()
    assert track[Index()] is track[2]       # mido tries to make a track of the message
    assert track[True] is track[1]


@pytest.mark.parametrize('index', [slice(None), slice(1, 3), slice(None, None, -1), slice(0, 5, 2),
                                   slice(10, 20), slice(-2, None)])
def test_slice_returns_a_track(index):
    track = sample_track()
    part = track[index]
    assert type(part) is MidiTrack
    assert part == list(track)[index]
    assert part == mido.MidiTrack(track)[index]
    assert part is not track


def test_slice_assignment_and_deletion():
    track = sample_track()
    track[1:3] = [Message('clock')]
    del track[-1:]
    assert type(track) is MidiTrack
    assert [message.type for message in track] == ['track_name', 'clock', 'note_off']


def test_add_returns_a_track():
    track = sample_track()
    total = track + [Message('clock')]
    assert type(total) is MidiTrack
    assert total == list(track) + [Message('clock')]
    assert type(track + track) is MidiTrack
    assert type([Message('clock')] + track) is list        # the left operand decides, as in mido
    with pytest.raises(TypeError):
        track + (Message('clock'),)
    with pytest.raises(TypeError):
        mido.MidiTrack() + (mido.Message('clock'),)


def test_multiply_returns_a_track():
    track = MidiTrack([Message('clock'), Message('stop')])
    assert type(track * 3) is MidiTrack
    assert track * 3 == list(track) * 3
    assert track * 0 == [] and type(track * 0) is MidiTrack
    assert type(3 * track) is MidiTrack                     # mido returns a list here
    assert 3 * track == track * 3
    with pytest.raises(TypeError):
        track * 1.5
    with pytest.raises(TypeError):
        track * track


def test_copy_is_a_shallow_track_copy():
    track = sample_track()
    duplicate = track.copy()
    assert type(duplicate) is MidiTrack
    assert duplicate == track and duplicate is not track
    assert all(a is b for a, b in zip(duplicate, track))
    duplicate.append(Message('clock'))
    assert len(track) == 5
    assert type(copy.copy(track)) is MidiTrack
    deep = copy.deepcopy(track)
    assert type(deep) is MidiTrack and deep == track and deep[0] is not track[0]


def test_subclasses_keep_their_class():
    class Drums(MidiTrack):
        pass

    track = Drums(sample_track())
    assert type(track.copy()) is Drums
    assert type(track[1:]) is Drums
    assert type(track + []) is Drums
    assert type(track * 2) is Drums
    assert repr(Drums()) == 'Drums()'


def test_pickle_round_trip():
    track = MidiTrack([Message('note_on', note=61, time=3), Message('clock')])
    track.name = 'x'
    restored = pickle.loads(pickle.dumps(track))
    assert type(restored) is MidiTrack
    assert restored == track


# --- repr ---------------------------------------------------------------------------------------------------

def test_repr_of_an_empty_track():
    assert repr(MidiTrack()) == 'MidiTrack()' == repr(mido.MidiTrack())


def test_repr_of_a_one_message_track_is_evaluable():
    # difference 8 (docs/differences.md): mido writes MidiTrack([note_on channel=0 ...]), which does not evaluate.
    track = MidiTrack([Message('note_on', note=60, time=5)])
    assert repr(track) == "MidiTrack([Message('note_on', channel=0, note=60, velocity=64, time=5)])"
    assert eval(repr(track), NAMESPACE) == track
    assert repr(mido.MidiTrack([mido.Message('note_on', note=60, time=5)])) != repr(track)


def test_repr_of_two_messages_is_midos_layout():
    track = MidiTrack([Message('note_on', time=1), MetaMessage('end_of_track')])
    assert repr(track) == ("MidiTrack([\n"
                           "  Message('note_on', channel=0, note=0, velocity=64, time=1),\n"
                           "  MetaMessage('end_of_track', time=0)])")


@given(specs)
def test_repr_is_evaluable_and_as_mido_from_two_messages(spec_list):
    track = MidiTrack(ours(spec_list))
    text = repr(track)
    evaluated = eval(text, NAMESPACE)
    assert type(evaluated) is MidiTrack
    assert evaluated == track
    if len(spec_list) != 1:
        assert text == repr(mido.MidiTrack(theirs(spec_list)))


def test_repr_of_a_track_that_holds_itself():
    track = MidiTrack([Message('clock')])
    track.append(track)
    assert repr(track) == "MidiTrack([\n  Message('clock', time=0),\n  ...])"


# --- fix_end_of_track ----------------------------------------------------------------------------------------

def test_fix_end_of_track_is_a_generator():
    assert inspect.isgenerator(fix_end_of_track([]))


def test_fix_end_of_track_of_nothing():
    assert list(fix_end_of_track([])) == [MetaMessage('end_of_track', time=0)]


def test_fix_end_of_track_moves_the_time_of_removed_end_of_tracks():
    messages = [
        Message('note_on', time=10),
        MetaMessage('end_of_track', time=5),
        MetaMessage('end_of_track', time=2),
        Message('note_off', time=3),
        MetaMessage('end_of_track', time=4),
    ]
    fixed = list(fix_end_of_track(messages))
    assert fixed == [Message('note_on', time=10), Message('note_off', time=10),
                     MetaMessage('end_of_track', time=4)]
    assert fixed[0] is messages[0]                      # unshifted messages are passed on as they are
    assert fixed[1] is not messages[3]                  # shifted ones are copies
    assert messages[3].time == 3                        # and the input is left alone


@given(specs, st.booleans())
def test_private_time_helpers_as_mido(spec_list, skip_checks):
    # mido's users import _to_abstime and _to_reltime (private in mido, but used): same results, lazily.
    messages = ours(spec_list)
    before = described(messages)
    absolute = tracks._to_abstime(messages, skip_checks=skip_checks)
    assert inspect.isgenerator(absolute)
    absolute = list(absolute)
    assert described(absolute) == described(list(mido_tracks._to_abstime(theirs(spec_list), skip_checks)))
    relative = list(tracks._to_reltime(absolute, skip_checks))
    expected = list(mido_tracks._to_reltime(mido_tracks._to_abstime(theirs(spec_list)), skip_checks))
    assert described(relative) == described(expected)
    assert described(messages) == before                # copies: the input is left alone


@given(specs)
def test_fix_end_of_track_as_mido(spec_list):
    messages = ours(spec_list)
    before = described(messages)
    fixed = list(fix_end_of_track(messages))
    expected = list(mido_tracks.fix_end_of_track(theirs(spec_list)))
    assert described(fixed) == described(expected)
    assert described(messages) == before
    assert [message.type for message in fixed].count('end_of_track') == 1
    assert fixed[-1].type == 'end_of_track'
    assert sum(message.time for message in fixed) == pytest.approx(sum(message.time for message in messages))
    assert all(type(message) in (Message, MetaMessage) for message in fixed)


@given(specs)
def test_fix_end_of_track_skip_checks_as_mido(spec_list):
    fixed = list(fix_end_of_track(MidiTrack(ours(spec_list)), skip_checks=True))
    expected = list(mido_tracks.fix_end_of_track(theirs(spec_list), skip_checks=True))
    assert described(fixed) == described(expected)


def test_fix_end_of_track_passes_skip_checks_to_copy():
    calls = []

    class Recorder:
        def __init__(self, type_, time):
            self.type, self.time = type_, time

        def copy(self, **overrides):
            calls.append(overrides)
            return Recorder(self.type, overrides['time'])

    list(fix_end_of_track([Recorder('end_of_track', 1), Recorder('note_on', 2)], skip_checks=True))
    list(fix_end_of_track([Recorder('end_of_track', 1), Recorder('note_on', 2)]))
    assert calls == [{'skip_checks': True, 'time': 3}, {'skip_checks': False, 'time': 3}]


def test_fix_end_of_track_reads_its_input_lazily():
    def source():
        yield Message('note_on', time=1)
        raise RuntimeError('read too far')

    fixed = fix_end_of_track(source())
    assert next(fixed) == Message('note_on', time=1)
    with pytest.raises(RuntimeError):
        next(fixed)


# --- merge_tracks is the compiled one -----------------------------------------------------------------------

def _as_mido(track):
    return mido.MidiTrack(
        (mido.MetaMessage if msg.is_meta else mido.Message)(**vars(msg)) for msg in track)


def _merge_cases():
    """Tracks that exercise the k-way merge (plain ticks) and the fallback sort (float or negative times)."""
    eot = MetaMessage('end_of_track', time=7)
    return [
        [MidiTrack([Message('note_on', time=5)]), MidiTrack([Message('clock', time=2)])],
        [MidiTrack([Message('note_on', note=n, time=t) for n, t in [(1, 0), (2, 10), (3, 0)]]),
         MidiTrack([Message('note_off', note=n, time=t) for n, t in [(4, 10), (5, 0), (6, 5)]]),
         MidiTrack([])],
        [MidiTrack([Message('note_on', time=3), eot, Message('note_off', time=4), eot])],
        [MidiTrack([Message('note_on', time=1.5), Message('note_off', time=0.25)]),
         MidiTrack([Message('note_on', note=9, time=1)])],
        [MidiTrack([Message('note_on', time=10), Message('note_off', time=-4)]),
         MidiTrack([Message('note_on', note=9, time=7)])],
    ]


@pytest.mark.parametrize('case', range(len(_merge_cases())))
def test_merge_tracks_matches_mido(case):
    tracks_in = _merge_cases()[case]
    merged = tracks.merge_tracks(tracks_in)
    assert type(merged) is MidiTrack
    expected = mido.merge_tracks([_as_mido(track) for track in tracks_in])
    assert [(type(m).__name__, vars(m)) for m in merged] == [(type(m).__name__, vars(m)) for m in expected]
    # The merge copies: the tracks it read are untouched.
    assert tracks_in == _merge_cases()[case]