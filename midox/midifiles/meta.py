"""Meta messages of MIDI files (mido's ``mido.midifiles.meta``).

A meta message keeps its values in its instance ``__dict__`` in mido's order: ``type``, the spec's attributes,
``time``. What a meta type holds, how it is checked and how its payload is encoded is a *spec*: a MetaSpec
subclass with ``type_byte``, ``attributes``, ``defaults``, ``decode(message, data)``, ``encode(message)`` and
``check(name, value)``. Specs written for mido work unchanged with ``add_meta_spec``.

Differences from mido 1.3.3 (docs/differences.md, differences 8 and 15):

- There is no global charset. ``build_meta_message(..., charset=)`` and ``meta_payload(msg, charset=)``
  take the text encoding; the built-in text specs and ``encode_string``/``decode_string`` use the charset of
  the call in progress (a context variable, so threads never see each other's). ``meta_charset`` is kept
  only so that imports work: it has no effect and warns.
- An unknown meta type read with ``build_meta_message`` keeps its delta time.
- ``sequencer_specific`` data is checked as bytes (0..255) and stored as a tuple (default ``()``);
  ``smpte_offset`` rejects an invalid ``frame_rate`` with ValueError and ``hours`` outside 0..31 (five bits:
  more would overflow into the frame rate bits).
- UnknownMetaMessage checks ``type_byte`` (0..255), ``data`` (bytes 0..255) and ``time`` (a real number).
- ``decode_variable_int`` does not modify the list it is given.
"""
from __future__ import annotations

import copyreg
import math
import struct
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

from midox._core import _meta
from midox._core._meta import MAJOR_KEYS, MINOR_KEYS, SMPTE_MAX_HOURS, SMPTE_RATES, KeySignatureError, Layout
# Variable-length quantities and the framing of meta events are byte formats of MIDI files, kept with them.
from midox._core._smf import decode_variable_int, encode_variable_int, meta_event_bytes, split_meta_event

from ..messages import BaseMessage, check_time

if TYPE_CHECKING:
    import builtins
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from typing import ClassVar, Literal, TypeVar

    from typing_extensions import Self

    _T = TypeVar('_T')
    _M = TypeVar('_M', bound='MetaMessage')
    # The types of the built-in specs; a custom spec (add_meta_spec) adds others (see MetaMessage.type).
    _MetaType = Literal[
        'sequence_number', 'text', 'copyright', 'track_name', 'instrument_name', 'lyrics', 'marker', 'cue_marker',
        'device_name', 'channel_prefix', 'midi_port', 'end_of_track', 'set_tempo', 'smpte_offset',
        'time_signature', 'key_signature', 'sequencer_specific', 'unknown_meta']

DEFAULT_CHARSET = 'latin1'

# The charset of the build_meta_message() or meta_payload() call in progress. Specs written for mido call
# decode_string(data) / encode_string(text) without a charset and still get the file's.
_CHARSET: ContextVar[str] = ContextVar('midox_meta_charset', default=DEFAULT_CHARSET)


# --- tables -----------------------------------------------------------------------------------------------

_KEY_NAMES = frozenset(MAJOR_KEYS + MINOR_KEYS)     # sets, so that an unhashable value is a TypeError, as mido
_SMPTE_RATE_SET = frozenset(SMPTE_RATES)

# struct formats (pack, unpack) that reinterpret an integer's bits as another integer type (native sizes, as
# mido: 'long' is the platform's C long).
_INT_FORMATS: dict[str, Sequence[str]] = {
    'byte': 'Bb', 'short': 'Hh', 'long': 'Ll', 'ubyte': 'bB', 'ushort': 'hH', 'ulong': 'lL'}


# --- helpers (mido's public functions) --------------------------------------------------------------------

def signed(to_type: str, n: int) -> int:
    """Return the unsigned integer n reinterpreted as the signed type to_type ('byte', 'short' or 'long').

    ``signed('byte', 255) == -1``. Raises ValueError for an unknown type or an n that does not fit.
    """
    try:
        pack_format, unpack_format = _INT_FORMATS[to_type]
    except KeyError as error:
        raise ValueError(f'invalid integer type {to_type}') from error
    try:
        return struct.unpack(unpack_format, struct.pack(pack_format, n))[0]  # type: ignore[no-any-return]
    except struct.error as error:
        raise ValueError(*error.args) from error


def unsigned(to_type: str, n: int) -> int:
    """Return the signed integer n reinterpreted as unsigned ('byte', 'short' or 'long'): the reverse of signed."""
    return signed(f'u{to_type}', n)


def encode_string(string: str, charset: str | None = None) -> list[int]:
    """Encode text as a list of ints in charset (default: the charset of the file being written, else latin1)."""
    return list(string.encode(charset or _CHARSET.get()))


def decode_string(data: Iterable[int], charset: str | None = None) -> str:
    """Decode a sequence of byte values as text in charset (default: the charset of the file being read,
    else latin1)."""
    return bytes(data).decode(charset or _CHARSET.get())


@contextmanager
def meta_charset(tmp_charset: str) -> Iterator[None]:
    """Kept from mido so that code importing it still runs, but it does nothing in midox: a process-wide
    charset is not thread-safe. Pass ``charset=`` to MidiFile, build_meta_message or
    meta_payload instead. Issues a UserWarning, since text would otherwise be silently decoded as latin1.
    """
    warnings.warn('meta_charset() has no effect in midox: pass charset= to MidiFile() (or to '
                  'build_meta_message() / meta_payload()) instead', UserWarning, stacklevel=3)
    yield


def check_int(value: Any, low: int, high: int) -> None:
    """Raise TypeError unless value is an integer, ValueError unless low <= value <= high (mido's wording)."""
    if type(value) is not int and not isinstance(value, Integral):     # the common case first: isinstance is slow
        raise TypeError('attribute must be an integer')
    if not low <= value <= high:    # type: ignore[operator]  # typeshed's numbers.Integral has no comparisons
        raise ValueError(f'attribute must be in range {low}..{high}')


def check_str(value: object) -> None:
    """Raise TypeError unless value is a str."""
    if not isinstance(value, str):
        raise TypeError('attribute must be a string')


def _byte_tuple(data: Any) -> tuple[int, ...]:
    """Return data (bytes or an iterable of ints 0..255) as a tuple of ints, raising TypeError or ValueError."""
    if isinstance(data, (bytes, bytearray)):
        return tuple(data)
    if isinstance(data, (str, Integral)) or data is None:
        raise TypeError(f'data must be a sequence of bytes, not {type(data).__name__}')
    items = tuple(data)
    for item in items:
        if not isinstance(item, Integral):
            raise TypeError('data byte must be int')
        if not 0 <= item <= 255:    # type: ignore[operator]  # as in check_int
            raise ValueError('data byte must be in range 0..255')
    if all(type(item) is int for item in items):
        return items
    return tuple(int(item) for item in items)     # bool, numpy integers: stored as plain ints


def _checked_type_byte(type_byte: Any) -> int:
    if not isinstance(type_byte, Integral):
        raise TypeError('type_byte must be an integer')
    if not 0 <= type_byte <= 255:   # type: ignore[operator]  # as in check_int
        raise ValueError('type_byte must be in range 0..255')
    return int(type_byte)


def _payload_list(data: Any) -> list[int]:
    """Return a meta payload (bytes-like or a sequence of ints 0..255) as a list of ints, what specs written
    for mido receive (mido's file reader hands them lists)."""
    if type(data) is bytes:
        return list(data)
    if isinstance(data, (str, Integral)):   # bytes() would encode a str or make n zero bytes of an int
        raise TypeError(f'meta message data must be bytes or a sequence of ints, not {type(data).__name__}')
    return list(bytes(data))


# --- specs ------------------------------------------------------------------------------------------------

class MetaSpec:
    """Base class of meta message specs.

    A subclass named ``MetaSpec_<type>`` defines ``type_byte``, ``attributes`` (names, in order),
    ``defaults`` (one per attribute), ``decode(message, data)`` (set the attributes from a list of payload
    bytes), ``encode(message)`` (return the payload as a list of ints) and optionally ``check(name, value)``
    (raise TypeError or ValueError for a bad value; by default nothing is checked). Register it with
    ``add_meta_spec``.
    """

    # Set by each spec class (class attributes), and by add_meta_spec() (type, settable_attributes).
    type_byte: int
    attributes: list[str]
    defaults: list[Any]
    type: str
    settable_attributes: set[str]

    def check(self, name: str, value: Any) -> None:
        """Check a value assigned to attribute name (the default accepts anything)."""

    def _checked(self, name: str, value: Any) -> Any:
        """Check a value and return what the message stores (a spec that normalizes values overrides this)."""
        self.check(name, value)
        return value


class _ByteLayoutSpec(MetaSpec):
    """A spec whose payload is one of the byte layouts defined once in midox._core._meta (``layout``), which
    decodes and encodes it as mido's spec of that type does, errors included."""

    layout = Layout.NO_VALUES

    def decode(self, message: MetaMessage, data: Iterable[int]) -> None:
        # The values are assigned one by one, each checked, as mido's specs do: a value out of range is
        # reported before a payload that ends too soon.
        values = _meta.layout_values(self.layout, bytes(data))
        for name, value in zip(self.attributes, values):
            setattr(message, name, value)
        if len(values) < len(self.attributes):
            raise IndexError('list index out of range')

    def encode(self, message: MetaMessage) -> list[int]:
        return _meta.layout_payload(self.layout, tuple([getattr(message, name) for name in self.attributes]))


class _IntegerSpec(_ByteLayoutSpec):
    """A byte layout spec of one integer attribute, from 0 to what its payload holds."""

    def check(self, name: str, value: Any) -> None:
        check_int(value, 0, _meta.INTEGER_MAX[self.layout])


class MetaSpec_sequence_number(_IntegerSpec):
    type_byte, layout = 0x00, Layout.SEQUENCE_NUMBER
    attributes, defaults = ['number'], [0]


class MetaSpec_text(MetaSpec):
    type_byte = 0x01
    attributes = ['text']
    defaults = ['']

    # The one attribute is the spec's (track_name and its subclasses call it name).
    def decode(self, message: MetaMessage, data: Iterable[int], charset: str | None = None) -> None:
        setattr(message, self.attributes[0], decode_string(data, charset))

    def encode(self, message: MetaMessage, charset: str | None = None) -> list[int]:
        return encode_string(getattr(message, self.attributes[0]), charset)

    def check(self, name: str, value: Any) -> None:
        check_str(value)


class MetaSpec_copyright(MetaSpec_text):
    type_byte = 0x02


class MetaSpec_track_name(MetaSpec_text):
    type_byte = 0x03
    attributes = ['name']


class MetaSpec_instrument_name(MetaSpec_track_name):
    type_byte = 0x04


class MetaSpec_lyrics(MetaSpec_text):
    type_byte = 0x05


class MetaSpec_marker(MetaSpec_text):
    type_byte = 0x06


class MetaSpec_cue_marker(MetaSpec_text):
    type_byte = 0x07


class MetaSpec_device_name(MetaSpec_track_name):
    type_byte = 0x09


class MetaSpec_channel_prefix(_IntegerSpec):
    type_byte, layout = 0x20, Layout.CHANNEL
    attributes, defaults = ['channel'], [0]


class MetaSpec_midi_port(_IntegerSpec):
    type_byte, layout = 0x21, Layout.PORT
    attributes, defaults = ['port'], [0]


class MetaSpec_end_of_track(_ByteLayoutSpec):
    type_byte = 0x2F
    attributes: list[str] = []
    defaults: list[object] = []


class MetaSpec_set_tempo(_IntegerSpec):
    type_byte, layout = 0x51, Layout.TEMPO
    attributes, defaults = ['tempo'], [500000]


class MetaSpec_smpte_offset(_ByteLayoutSpec):
    type_byte, layout = 0x54, Layout.SMPTE
    attributes = ['frame_rate', 'hours', 'minutes', 'seconds', 'frames', 'sub_frames']
    defaults = [24, 0, 0, 0, 0, 0]

    def check(self, name: str, value: Any) -> None:
        if name == 'frame_rate':
            if value in _SMPTE_RATE_SET:
                return
            if not isinstance(value, Real):
                raise TypeError('frame_rate must be a number')
            rates = ', '.join(str(rate) for rate in SMPTE_RATES)
            raise ValueError(f'frame_rate must be one of {rates}')
        elif name == 'hours':
            check_int(value, 0, SMPTE_MAX_HOURS)
        elif name in ('minutes', 'seconds'):
            check_int(value, 0, 59)
        elif name == 'frames':
            check_int(value, 0, 255)
        elif name == 'sub_frames':
            check_int(value, 0, 99)


def _log2(value: int) -> float:
    # mido's float formula, kept so that exactly the same denominators are accepted and encoded (it rejects
    # some exact powers of two above 2**28, whose float logarithm is not integral).
    return math.log(value, 2)


class MetaSpec_time_signature(_ByteLayoutSpec):
    type_byte, layout = 0x58, Layout.TIME_SIGNATURE
    attributes = ['numerator', 'denominator', 'clocks_per_click', 'notated_32nd_notes_per_beat']
    defaults = [4, 4, 24, 8]

    def check(self, name: str, value: Any) -> None:
        if name == 'denominator':
            check_int(value, 1, 2 ** 255)
            power = _log2(value)
            if power != int(power):
                raise ValueError('denominator must be a power of 2')
        else:
            check_int(value, 0, 255)


class MetaSpec_key_signature(_ByteLayoutSpec):
    type_byte, layout = 0x59, Layout.KEY_SIGNATURE
    attributes, defaults = ['key'], ['C']

    def check(self, name: str, value: Any) -> None:
        if value not in _KEY_NAMES:
            raise ValueError(f'invalid key {value!r}')


class MetaSpec_sequencer_specific(MetaSpec):
    type_byte = 0x7F
    attributes = ['data']
    defaults = [()]     # a tuple: mido's [] was one list shared by every message

    def decode(self, message: MetaMessage, data: Iterable[int]) -> None:
        message.data = data

    def encode(self, message: MetaMessage) -> list[int]:
        return list(message.data)

    def check(self, name: str, value: Any) -> None:
        _byte_tuple(value)

    def _checked(self, name: str, value: Any) -> tuple[int, ...]:
        return _byte_tuple(value)      # one pass, so an iterator is checked and stored, not consumed


# --- registry ---------------------------------------------------------------------------------------------

_META_SPECS: dict[object, Any] = {}         # spec by type byte and by type name
_META_SPEC_BY_TYPE: dict[str, Any] = {}     # spec by type name


def add_meta_spec(klass: builtins.type[Any]) -> None:
    """Register a meta spec class (instantiated here): its type name is ``klass.type`` if set, else the
    class name without ``MetaSpec_``. A spec with a name or type byte already known replaces the old one."""
    spec = klass()
    if not hasattr(spec, 'type'):
        spec.type = klass.__name__.replace('MetaSpec_', '')
    spec.settable_attributes = set(spec.attributes) | {'time'}
    _META_SPECS[spec.type_byte] = spec
    _META_SPECS[spec.type] = spec
    _META_SPEC_BY_TYPE[spec.type] = spec


for _klass in (MetaSpec_sequence_number, MetaSpec_text, MetaSpec_copyright, MetaSpec_track_name,
               MetaSpec_instrument_name, MetaSpec_lyrics, MetaSpec_marker, MetaSpec_cue_marker,
               MetaSpec_device_name, MetaSpec_channel_prefix, MetaSpec_midi_port, MetaSpec_end_of_track,
               MetaSpec_set_tempo, MetaSpec_smpte_offset, MetaSpec_time_signature, MetaSpec_key_signature,
               MetaSpec_sequencer_specific):
    add_meta_spec(_klass)
del _klass


def _checked_value(spec: Any, name: str, value: Any) -> Any:
    try:
        checked = spec._checked
    except AttributeError:      # a duck-typed spec that does not derive from MetaSpec
        spec.check(name, value)
        return value
    return checked(name, value)


def _with_charset(charset: str, function: Callable[..., _T], *args: Any) -> _T:
    if charset == _CHARSET.get():
        return function(*args)
    token = _CHARSET.set(charset)
    try:
        return function(*args)
    finally:
        _CHARSET.reset(token)


def build_meta_message(meta_type: int | str, data: Iterable[int], delta: float = 0,
                       charset: str = DEFAULT_CHARSET) -> MetaMessage:
    """Return the meta message of type meta_type (a type byte or name) decoded from its payload.

    :param data: the payload (after FF, type byte and length): bytes-like or a sequence of ints 0..255.
    :param delta: the message's time.
    :param charset: the encoding of text payloads.

    An unknown type byte gives an UnknownMetaMessage that keeps the payload and ``delta`` as its time.
    Decoding raises what mido raises (IndexError for a short payload, KeyError for a bad SMPTE rate,
    KeySignatureError, ValueError for values out of range). Reading a file builds the built-in types in C
    instead (midox._core._meta), with the same results.
    """
    spec = _META_SPECS.get(meta_type)
    if spec is None:
        # A type name no spec knows is refused there (TypeError), as in mido.
        return UnknownMetaMessage(meta_type, _payload_list(data), time=delta)  # type: ignore[arg-type]
    return _decode_with_spec(spec, data, delta, charset)


def _decode_with_spec(spec: Any, data: Iterable[int], delta: float, charset: str) -> MetaMessage:
    """Decode a payload with spec.decode(), each value it sets checked, as mido does."""
    if type(delta) is not int:
        check_time(delta)
    msg = MetaMessage.__new__(MetaMessage)      # MetaMessage(spec.type, time=delta), without its argument checks
    attrs = vars(msg)
    attrs['type'] = spec.type
    attrs.update(zip(spec.attributes, spec.defaults))
    attrs['time'] = delta
    _with_charset(charset, spec.decode, msg, _payload_list(data))
    return msg


def _encode_with_spec(msg: MetaMessage, charset: str) -> tuple[int, bytes]:
    """(type byte, payload) of a meta message, encoded by its spec's encode() (UnknownMetaMessage: its data)."""
    type_byte = msg.type_byte if isinstance(msg, UnknownMetaMessage) else msg._spec().type_byte
    return type_byte, meta_payload(msg, charset)


def meta_payload(msg: MetaMessage, charset: str = DEFAULT_CHARSET) -> bytes:
    """Return the payload of a meta message as bytes (what follows FF, the type byte and the length).

    Text is encoded in charset. Raises TypeError for anything but a meta message, ValueError if the spec
    encodes a value outside 0..255.
    """
    if isinstance(msg, UnknownMetaMessage):
        return bytes(msg.data)
    if not isinstance(msg, MetaMessage):
        raise TypeError(f'expected a meta message, got {type(msg).__name__}')
    spec = msg._spec()
    return bytes(_with_charset(charset, spec.encode, msg))


# --- messages ---------------------------------------------------------------------------------------------

class MetaMessage(BaseMessage):
    """A meta message of a MIDI file: MetaMessage(type, skip_checks=False, **values).

    :param type: a registered meta type such as 'set_tempo' (KeyError for others).
    :param skip_checks: as mido, only skips the check that every name is one of the type's (values are
        still checked, and an unknown name then raises AttributeError).
    :param values: the type's attributes and ``time``; the others get their defaults.

    Meta messages are mutable (assignments are checked) and unhashable; see midox.frozen for frozen ones.
    """

    is_meta: ClassVar[Literal[True]] = True

    if TYPE_CHECKING:
        # The values live in the instance __dict__: declared here for type checkers. The type is a Literal so that
        # comparing it narrows ``Message | MetaMessage`` (a track's items) to the one class, as Message.type does;
        # a program whose custom spec adds a type compares ``str(msg.type)``.
        @property
        def type(self) -> _MetaType: ...

        # An int (ticks) or a float (seconds), as given: see Message.time.
        time: Any

        # The attributes of the built-in specs. Each exists only on its types (AttributeError on others), as
        # Message's values do.
        number: int                         # sequence_number
        text: str                           # text, copyright, lyrics, marker, cue_marker
        name: str                           # track_name, instrument_name, device_name
        channel: int                        # channel_prefix
        port: int                           # midi_port
        tempo: int                          # set_tempo: microseconds per quarter note
        frame_rate: float                   # smpte_offset: 24, 25, 29.97 or 30
        hours: int
        minutes: int
        seconds: int
        frames: int
        sub_frames: int
        numerator: int                      # time_signature
        denominator: int
        clocks_per_click: int
        notated_32nd_notes_per_beat: int
        key: str                            # key_signature: 'C', 'F#m', ...

        @property
        def data(self) -> tuple[int, ...]: ...      # sequencer_specific, and UnknownMetaMessage's payload
        @data.setter
        def data(self, value: Iterable[int]) -> None: ...

        # The attributes of custom specs (add_meta_spec) are known only at run time.
        def __getattr__(self, name: str) -> Any: ...

    def __init__(self, type: str, skip_checks: bool = False, **kwargs: Any) -> None:
        spec = _META_SPEC_BY_TYPE[type]
        attrs = vars(self)
        attrs['type'] = type
        if not skip_checks:
            for name in kwargs:
                if name not in spec.settable_attributes:
                    raise ValueError(f'{name} is not a valid argument for this message type')
        for name, value in zip(spec.attributes, spec.defaults):
            attrs[name] = value
        attrs['time'] = 0
        for name, value in kwargs.items():
            self._setattr(name, value)     # not setattr(): a frozen subclass refuses that

    def _spec(self) -> Any:
        """Return the spec of this message's type."""
        return _META_SPEC_BY_TYPE[vars(self)['type']]

    def _setattr(self, name: str, value: Any) -> None:
        attrs = vars(self)
        spec = _META_SPEC_BY_TYPE[attrs['type']]
        if name in spec.settable_attributes:
            if name == 'time':
                check_time(value)
            else:
                value = _checked_value(spec, name, value)
            attrs[name] = value
        elif name in attrs:
            raise AttributeError(f'{name} attribute is read only')
        else:
            raise AttributeError(f"{attrs['type']} message has no attribute {name}")

    __setattr__ = _setattr

    def _copy_as(self, cls: builtins.type[_M]) -> _M:
        """Return an instance of cls (this class, a frozen or a thawed one) with this message's values."""
        clone = cls.__new__(cls)
        vars(clone).update(vars(self))
        return clone

    def copy(self, **overrides: Any) -> Self:
        """Return a copy, with the given attributes (and time) replaced and checked. The type cannot change
        (ValueError)."""
        if not overrides:
            return self._copy_as(type(self))
        if 'type' in overrides and overrides['type'] != self.type:
            raise ValueError('copy must be same message type')
        attrs = dict(vars(self))
        attrs.update(overrides)
        return type(self)(**attrs)

    def dict(self) -> builtins.dict[str, Any]:
        """Return the attributes as a new dict (type, the values, time)."""
        return dict(vars(self))

    def bytes(self) -> list[int]:
        """Return the whole meta event as a list of ints: FF, type byte, length (variable-length), payload.

        Text is encoded as latin1 (a MidiFile encodes it in its own charset).
        """
        spec = self._spec()
        return meta_event_bytes(spec.type_byte, bytes(_with_charset(DEFAULT_CHARSET, spec.encode, self)))

    @classmethod
    def from_bytes(cls, msg_bytes: Iterable[int]) -> MetaMessage:
        """Decode one meta event (the reverse of bytes()): FF, type byte, variable-length payload length, then
        exactly that many payload bytes. Raises ValueError for anything else (TypeError for items that are
        not ints); a payload its spec cannot decode raises what build_meta_message() raises. Gives an
        UnknownMetaMessage for an unknown type byte.
        """
        if isinstance(msg_bytes, (str, Integral)):
            raise TypeError(f'expected bytes or a sequence of ints, not {type(msg_bytes).__name__}')
        type_byte, payload = split_meta_event(bytes(msg_bytes))     # bytes(): ValueError for ints above 255
        msg = build_meta_message(type_byte, payload)
        # FrozenMetaMessage.from_bytes() gives a frozen message, as FrozenMessage.from_bytes() does.
        built = type(msg)
        if cls is not built and issubclass(cls, built) and (
                built is UnknownMetaMessage or not issubclass(cls, UnknownMetaMessage)):
            msg = msg._copy_as(cls)
        return msg

    def _get_value_names(self) -> list[str]:
        return self._spec().attributes + ['time']  # type: ignore[no-any-return]

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[builtins.type[Self]], builtins.dict[str, Any]]:
        # The compiled base class would pickle through midox._core; name the public class instead, with the
        # attributes as state (restored without checks, like copy()).
        return (copyreg.__newobj__, (type(self),), dict(vars(self)))  # type: ignore[attr-defined]

    def __setstate__(self, state: builtins.dict[str, Any]) -> None:
        vars(self).update(state)


class UnknownMetaMessage(MetaMessage):
    """A meta event of a type no spec knows, kept as read so it is written back unchanged:
    UnknownMetaMessage(type_byte, data=None, time=0).

    type_byte must be 0..255, data a sequence of bytes 0..255 (stored as a tuple), time a real number (mido
    checks none of these). Other keyword arguments are ignored, as in mido.
    """

    if TYPE_CHECKING:
        type_byte: int

    def __init__(self, type_byte: int, data: Iterable[int] | None = None, time: float = 0,
                 type: str = 'unknown_meta', **kwargs: Any) -> None:
        type_byte = _checked_type_byte(type_byte)
        data = () if data is None else _byte_tuple(data)
        check_time(time)
        vars(self).update(type=type, type_byte=type_byte, data=data, time=time)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(type_byte={self.type_byte!r}, data={self.data!r}, time={self.time!r})'

    def __setattr__(self, name: str, value: Any) -> None:
        # mido stores any name; the three it has are checked.
        if name == 'type_byte':
            value = _checked_type_byte(value)
        elif name == 'data':
            value = _byte_tuple(value)
        elif name == 'time':
            check_time(value)
        vars(self)[name] = value

    def _get_value_names(self) -> list[str]:
        return ['type_byte', 'data', 'time']

    def bytes(self) -> list[int]:
        """Return the whole meta event as a list of ints: FF, type byte, length, data."""
        return meta_event_bytes(self.type_byte, bytes(self.data))


# Reading and saving files decodes and encodes the payloads of these spec classes in C, by their layout
# (exactly these classes: a subclass may decode otherwise, so its own decode() and encode() run).
_TEXT_SPECS = (MetaSpec_text, MetaSpec_copyright, MetaSpec_track_name, MetaSpec_instrument_name, MetaSpec_lyrics,
               MetaSpec_marker, MetaSpec_cue_marker, MetaSpec_device_name)
_meta.configure(MetaMessage, UnknownMetaMessage, _META_SPECS, {
    **{klass: Layout.TEXT for klass in _TEXT_SPECS}, MetaSpec_sequencer_specific: Layout.DATA,
    **{klass: klass.layout for klass in (MetaSpec_sequence_number, MetaSpec_channel_prefix, MetaSpec_midi_port,
                                         MetaSpec_end_of_track, MetaSpec_set_tempo, MetaSpec_smpte_offset,
                                         MetaSpec_time_signature, MetaSpec_key_signature)},
}, _decode_with_spec, _encode_with_spec)


__all__ = [
    "KeySignatureError",
    "MetaMessage",
    "MetaSpec",
    "MetaSpec_sequence_number",
    "MetaSpec_text",
    "MetaSpec_copyright",
    "MetaSpec_track_name",
    "MetaSpec_instrument_name",
    "MetaSpec_lyrics",
    "MetaSpec_marker",
    "MetaSpec_cue_marker",
    "MetaSpec_device_name",
    "MetaSpec_channel_prefix",
    "MetaSpec_midi_port",
    "MetaSpec_end_of_track",
    "MetaSpec_set_tempo",
    "MetaSpec_smpte_offset",
    "MetaSpec_time_signature",
    "MetaSpec_key_signature",
    "MetaSpec_sequencer_specific",
    "UnknownMetaMessage",
    "add_meta_spec",
    "build_meta_message",
    "check_int",
    "check_str",
    "decode_string",
    "decode_variable_int",
    "encode_string",
    "encode_variable_int",
    "meta_charset",
    "meta_payload",
    "signed",
    "unsigned",
]
