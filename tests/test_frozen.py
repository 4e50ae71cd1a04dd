"""Frozen messages (midox.frozen): immutable, hashable, and like mido.frozen."""
import copy
import pickle

import mido
import mido.frozen
import pytest
from hypothesis import given
from hypothesis import strategies as st

from midox import Message
from midox.frozen import Frozen, FrozenMessage, freeze_message, is_frozen, thaw_message
from midox.messages import SysexData

from message_model import TYPES, valid_message_kwargs, value_id
times = st.one_of(st.integers(), st.integers(0, 100), st.floats(allow_nan=False))


message_kwargs = valid_message_kwargs(times, st.lists(st.integers(0, 127), max_size=6))


# --- FrozenMessage -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('type_', TYPES)
def test_frozen_message_of_every_type(type_):
    frozen = FrozenMessage(type_)
    assert frozen == Message(type_)
    assert isinstance(frozen, Message)
    assert isinstance(frozen, Frozen)
    assert is_frozen(frozen)
    assert frozen.bytes() == Message(type_).bytes()
    assert vars(frozen) == vars(Message(type_))
    assert list(vars(frozen)) == list(vars(Message(type_)))
    assert hash(frozen) == hash(FrozenMessage(type_))


def test_frozen_message_is_validated():
    with pytest.raises(ValueError):
        FrozenMessage('note_on', note=128)
    with pytest.raises(TypeError):
        FrozenMessage('note_on', note='1')
    with pytest.raises(ValueError):
        FrozenMessage('note_on', foo=1)
    with pytest.raises(LookupError):
        FrozenMessage('bogus')
    assert FrozenMessage('note_on', skip_checks=True, note=128).note == 128


def test_repr_and_str():
    frozen = FrozenMessage('note_on', note=60, time=0.5)
    assert repr(frozen) == "FrozenMessage('note_on', channel=0, note=60, velocity=64, time=0.5)"
    assert repr(frozen) == repr(mido.frozen.FrozenMessage('note_on', note=60, time=0.5))
    assert str(frozen) == 'note_on channel=0 note=60 velocity=64 time=0.5'
    assert eval(repr(frozen), {'FrozenMessage': FrozenMessage}) == frozen


# --- immutability ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('name, value', [
    ('note', 1), ('note', 500), ('channel', 0), ('time', 1), ('type', 'note_off'), ('foo', 1), ('pos', 1),
    ('data', [1]),
])
def test_frozen_is_immutable(name, value):
    frozen = FrozenMessage('note_on', note=60)
    with pytest.raises(ValueError, match='^frozen message is immutable$'):
        setattr(frozen, name, value)
    assert frozen == Message('note_on', note=60)


def test_frozen_sysex_data_cannot_grow():
    frozen = FrozenMessage('sysex', data=[1])
    with pytest.raises(ValueError, match='frozen message is immutable'):
        frozen.data += [2]
    assert frozen.data == (1,)


def test_frozen_del_raises_attribute_error():
    frozen = FrozenMessage('note_on')
    for name in ('note', 'time', 'foo'):
        with pytest.raises(AttributeError):
            delattr(frozen, name)
    assert frozen == Message('note_on')


def test_frozen_copy_is_frozen():
    frozen = FrozenMessage('note_on', note=60)
    clone = frozen.copy()
    assert type(clone) is FrozenMessage and clone == frozen
    changed = frozen.copy(note=61, time=2)
    assert type(changed) is FrozenMessage
    assert changed == Message('note_on', note=61, time=2)
    assert frozen.note == 60
    with pytest.raises(ValueError):
        frozen.copy(note=128)
    with pytest.raises(ValueError):
        frozen.copy(type='note_off')
    assert type(mido.frozen.FrozenMessage('note_on').copy(note=1)) is mido.frozen.FrozenMessage


# --- hashing -----------------------------------------------------------------------------------------------

def test_hash_follows_equality():
    assert hash(FrozenMessage('note_on', note=1)) == hash(FrozenMessage('note_on', note=1))
    assert hash(FrozenMessage('clock', time=1)) == hash(FrozenMessage('clock', time=1.0))
    assert hash(FrozenMessage('sysex', data=[1, 2])) == hash(FrozenMessage('sysex', data=b'\x01\x02'))
    assert hash(FrozenMessage('note_on', note=True)) == hash(FrozenMessage('note_on', note=1))


def test_set_membership_and_dict_keys():
    messages = {FrozenMessage('note_on', note=1), FrozenMessage('note_on', note=1), FrozenMessage('note_on', note=2),
                FrozenMessage('note_off', note=1), FrozenMessage('note_on', note=1, time=1),
                FrozenMessage('sysex', data=[1]), FrozenMessage('sysex', data=(1,))}
    assert len(messages) == 5
    assert FrozenMessage('note_on', note=2) in messages
    assert freeze_message(Message('note_off', note=1)) in messages
    assert FrozenMessage('note_on', note=3) not in messages
    table = {FrozenMessage('clock'): 'tick'}
    assert table[freeze_message(Message('clock'))] == 'tick'
    with pytest.raises(TypeError):
        Message('clock') in messages        # noqa: B015 - a mutable message is unhashable


@given(first=message_kwargs, second=message_kwargs)
def test_hash_is_consistent_with_equality(first, second):
    a, b = FrozenMessage(**first), FrozenMessage(**second)
    if a == b:
        assert hash(a) == hash(b)
    assert hash(a) == hash(FrozenMessage(**first))
    assert len({a, b, FrozenMessage(**first)}) == (1 if a == b else 2)


# --- freeze_message / thaw_message / is_frozen -------------------------------------------------------------

def test_freeze_message():
    msg = Message('note_on', note=60, time=3)
    frozen = freeze_message(msg)
    assert type(frozen) is FrozenMessage
    assert frozen == msg
    assert list(vars(frozen).items()) == list(vars(msg).items())
    msg.note = 61                       # the original stays mutable and independent
    assert frozen.note == 60
    assert freeze_message(frozen) is frozen
    sysex = freeze_message(Message('sysex', data=[1, 2]))
    assert sysex.data == (1, 2) and isinstance(sysex.data, SysexData)


def test_freeze_none_is_none():
    assert freeze_message(None) is None


@pytest.mark.parametrize('thing', [1, 'note_on', [0x90, 60, 64], {'type': 'note_on'}, object()], ids=value_id)
def test_freeze_non_message_raises_value_error(thing):
    with pytest.raises(ValueError, match='^first argument must be a message or None$'):
        freeze_message(thing)
    with pytest.raises(ValueError):
        mido.frozen.freeze_message(thing)


@pytest.mark.parametrize('thing', [1, 'note_on', object()], ids=value_id)
def test_thaw_non_message_raises_value_error(thing):
    with pytest.raises(ValueError, match='^first argument must be a message or None$'):
        thaw_message(thing)


def test_freeze_message_subclass_like_mido():
    class MyMessage(Message):
        pass

    class MidoMessage(mido.Message):
        pass

    assert mido.frozen.freeze_message(MidoMessage('note_on', note=1)) == mido.Message('note_on', note=1)
    frozen = freeze_message(MyMessage('note_on', note=1))
    assert is_frozen(frozen)
    assert frozen == Message('note_on', note=1)
    hash(frozen)


def test_thaw_message():
    frozen = FrozenMessage('note_on', note=60, time=2)
    thawed = thaw_message(frozen)
    assert type(thawed) is Message
    assert thawed == frozen
    assert not is_frozen(thawed)
    thawed.note = 1
    assert thawed.note == 1 and frozen.note == 60
    msg = Message('clock')
    copied = thaw_message(msg)
    assert copied == msg and copied is not msg and type(copied) is Message


def test_thaw_none_is_none():
    # difference 7 (docs/differences.md): mido raises AttributeError ('NoneType' object has no attribute 'copy').
    assert thaw_message(None) is None
    with pytest.raises(AttributeError):
        mido.frozen.thaw_message(None)


def test_is_frozen():
    assert is_frozen(FrozenMessage('clock'))
    assert is_frozen(freeze_message(Message('clock')))
    assert not is_frozen(Message('clock'))
    assert not is_frozen(thaw_message(FrozenMessage('clock')))
    assert not is_frozen(None)
    assert not is_frozen('clock')


# --- pickling and copying ----------------------------------------------------------------------------------

@pytest.mark.parametrize('protocol', range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_frozen(protocol):
    for frozen in (FrozenMessage('note_on', note=60, time=0.5), FrozenMessage('clock'),
                   FrozenMessage('pitchwheel', pitch=-1)):
        data = pickle.dumps(frozen, protocol=protocol)
        assert b'midox' in data
        assert b'_core' not in data
        clone = pickle.loads(data)
        assert type(clone) is FrozenMessage
        assert clone == frozen and hash(clone) == hash(frozen)


@pytest.mark.parametrize('protocol', range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_frozen_sysex(protocol):
    frozen = FrozenMessage('sysex', data=[1, 2])
    data = pickle.dumps(frozen, protocol=protocol)
    assert b'midox' in data
    assert b'_core' not in data
    clone = pickle.loads(data)
    assert type(clone) is FrozenMessage and clone == frozen


def test_copy_module_on_frozen():
    frozen = FrozenMessage('sysex', data=[1, 2], time=1)
    for clone in (copy.copy(frozen), copy.deepcopy(frozen)):
        assert type(clone) is FrozenMessage and clone == frozen


# --- differential ------------------------------------------------------------------------------------------

@given(kwargs=message_kwargs)
def test_frozen_same_as_mido(kwargs):
    ours = freeze_message(Message(**kwargs))
    theirs = mido.frozen.freeze_message(mido.Message(**kwargs))
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert ours.bytes() == theirs.bytes()
    assert vars(ours) == vars(theirs)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours == FrozenMessage(**kwargs)
    assert hash(ours) == hash(FrozenMessage(**kwargs))
    thawed, mido_thawed = thaw_message(ours), mido.frozen.thaw_message(theirs)
    assert vars(thawed) == vars(mido_thawed)
    assert type(thawed).__name__ == type(mido_thawed).__name__ == 'Message'
