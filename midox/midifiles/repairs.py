"""Repairing MIDI files: what tolerant reading returns, made into a file that saves and reads back strictly.

``repair(midifile)`` returns a new MidiFile and one line per change; ``repair_file(source, target)`` reads,
repairs and saves. The repaired file's ``save()`` writes bytes that strict reading (``errors='strict'``)
gives back exactly: the same tracks of the same messages with the same delta times. Each change keeps every
other message at its absolute tick, unless the line says otherwise. Places in the lines are the input's:
track index, message index in that track, and the message's absolute tick.
"""
from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING

from .meta import MetaMessage, UnknownMetaMessage, build_meta_message, meta_payload
from .midifiles import DEFAULT_TICKS_PER_BEAT, MidiFile
from .tracks import MidiTrack, merge_tracks

if TYPE_CHECKING:
    from _typeshed import StrOrBytesPath

__all__ = ['repair', 'repair_file']

MAX_DELTA = 0x0FFFFFFF          # the longest delta time a file holds (4 bytes of variable-length quantity)
MAX_BRIDGED = 0xFFFFFFFF        # longer delta times are not bridged but cut (see _bridged)
MAX_TRACKS = 0xFFFF             # the header's track count is 16 bits
MAX_EVENT_LENGTH = 1_000_000    # strict reading (as mido) refuses a longer sysex or meta event length field
SMPTE_FRAME_RATES = (24, 25, 29.97, 30)
_END_OF_TRACK = MetaMessage('end_of_track')


def repair(midifile: MidiFile) -> tuple[MidiFile, list[str]]:
    """Return (repaired, changes): a new MidiFile that save() accepts and that strict reading of the saved
    bytes gives back exactly, and one line per change made (what, and where in the input).

    The input is not modified; the repaired file holds copies of its messages. It takes what reading a file
    can give (and tracks or messages added or removed since): a message time that is not a non-negative
    integer raises ValueError.
    """
    changes = []
    fmt, ticks_per_beat, smpte = _repaired_header(midifile, changes)
    tracks = [_repaired_track(track, number, midifile.charset, changes)
              for number, track in enumerate(midifile.tracks)]
    if fmt == 0 and len(tracks) > 1:
        # Tolerant reading reads every MTrk chunk, even beyond the header's count (docs/guide/broken-files.md),
        # so a type 0 file can come back with several tracks. Type 1 keeps each track and every
        # message as read, and it plays exactly as the type 0 file was read: MidiFile merges the tracks of
        # type 0 and type 1 alike. Merging them into one track would retime every message and lose which
        # track each came from.
        changes.append(f'type 0 file with {len(tracks)} tracks saved as type 1 (synchronous tracks): '
                       'type 0 holds one track')
        fmt = 1
    elif fmt == 0 and not tracks:
        changes.append('type 0 file without a track: an empty track added (type 0 holds exactly one)')
        tracks.append(MidiTrack([_end_of_track(0)]))
    if len(tracks) > MAX_TRACKS:
        tracks = _fitted_tracks(tracks, fmt, changes)
    return MidiFile(type=fmt, ticks_per_beat=ticks_per_beat, smpte=smpte, charset=midifile.charset,
                    tracks=tracks), changes


def repair_file(source: StrOrBytesPath, target: StrOrBytesPath) -> list[str]:
    """Read the MIDI file at source tolerantly, repair it, save it to target; return the changes.

    The problems tolerant reading recovered from come first (``track N, byte B: ...`` or ``header, byte B:
    ...``), then repair()'s lines. Data bytes above 127 are clipped to 127 as with ``clip=True``; reading
    with errors='ignore' alone clips them too and also lists each one.
    """
    original = MidiFile(source, errors='ignore')
    repaired, changes = repair(original)
    repaired.save(target)
    return [str(problem) for problem in original.problems] + changes


def _repaired_header(midifile, changes):
    """(format, ticks_per_beat, smpte) that a file's header can hold."""
    fmt = midifile.type
    if fmt not in (0, 1, 2):
        changes.append(f'format {fmt} is not a MIDI file format: saved as type 1')
        fmt = 1
    ticks_per_beat, smpte = midifile.ticks_per_beat, midifile.smpte
    # An unusable division gets 480 ticks per beat, as tolerant reading assumes for a division of 0.
    if smpte is not None:
        frames_per_second, ticks_per_frame = smpte
        if frames_per_second not in SMPTE_FRAME_RATES or not 1 <= ticks_per_frame <= 0xFF:
            changes.append(f'SMPTE timing {smpte} cannot be saved: {DEFAULT_TICKS_PER_BEAT} ticks per beat assumed')
            ticks_per_beat, smpte = DEFAULT_TICKS_PER_BEAT, None
    elif not (isinstance(ticks_per_beat, Integral) and 1 <= ticks_per_beat <= 0x7FFF):
        # A division of 0 reads as 0 ticks per beat; a negative one of no SMPTE frame rate reads as negative
        # ticks per beat (as mido reads them): neither times anything.
        changes.append(f'{ticks_per_beat} ticks per beat cannot time a file: {DEFAULT_TICKS_PER_BEAT} assumed')
        ticks_per_beat = DEFAULT_TICKS_PER_BEAT
    return fmt, ticks_per_beat, smpte


def _repaired_track(track, number, charset, changes):
    """A copy of track that saves and reads back as it is (see the module docstring)."""
    repaired = MidiTrack()
    append = repaired.append
    carry = 0           # the delta times of the messages dropped since the last one kept
    tick = 0
    closed = False      # the track's last message is an end_of_track
    last = len(track) - 1
    for index, msg in enumerate(track):
        time = msg.time
        if type(time) is not int or time < 0:
            time = _ticks(time, number, index)
        tick += time
        why = None
        if msg.is_meta:
            kept, why = _meta_as_read(msg, charset)
            if kept is not None and kept.type == 'end_of_track':
                # Saving drops every end_of_track and closes the track with one (mido's fix_end_of_track):
                # one before the end is dropped here, so that what is saved is what reads back.
                if index == last:
                    closed = True
                else:
                    changes.append(f'track {number}, message {index} (tick {tick}): end_of_track before the end '
                                   f'of the track removed{_carried(time)}')
                carry += time
                continue
            if kept is not msg and kept is not None:
                changes.append(f'track {number}, message {index} (tick {tick}): {_name(msg)} saved as the '
                               f'{kept.type} message strict reading gives for it')
                msg = kept
        elif msg.is_realtime:
            why = 'a real-time message cannot be stored in a file'
        elif msg.type == 'sysex' and len(msg.data) >= MAX_EVENT_LENGTH:     # its length field counts F7 too
            why = f'{len(msg.data)} data bytes, strict reading takes at most {MAX_EVENT_LENGTH - 1}'
        if why is not None:
            changes.append(f'track {number}, message {index} (tick {tick}): {_name(msg)} dropped: {why}'
                           f'{_carried(time)}')
            carry += time
            continue
        if carry:
            time += carry
            carry = 0
        if time > MAX_DELTA:
            time = _bridged(repaired, time, f'track {number}, message {index} (tick {tick})', changes)
        append(msg.copy(time=time) if time != msg.time else msg.copy())
    if carry > MAX_DELTA:
        carry = _bridged(repaired, carry, f'track {number}, end_of_track (tick {tick})', changes)
    if not closed:
        changes.append(f'track {number}: end_of_track added at tick {tick}')
    append(_end_of_track(carry))
    return repaired


def _end_of_track(time):
    end = _END_OF_TRACK.copy()      # a copy of a checked message: cheaper than MetaMessage()
    end.time = time
    return end


def _ticks(time, number, index):
    if isinstance(time, Integral) and time >= 0:
        return int(time)
    raise ValueError(f'track {number}, message {index}: time {time!r} is not a delta time in ticks '
                     '(a non-negative integer)')


def _carried(time):
    return f'; its delta time ({time}) goes to the next message' if time else ''


def _name(msg):
    """The type of msg, or the type byte of an unknown meta message."""
    if isinstance(msg, UnknownMetaMessage):
        return f'meta event 0x{msg.type_byte:02x}'
    return msg.type


def _meta_as_read(msg, charset):
    """(what strict reading gives back for the saved msg, None), or (None, why it cannot be saved or read back)."""
    if msg.type == 'end_of_track':
        return msg, None        # dropped or written by the writer itself, never from its payload
    try:
        if isinstance(msg, UnknownMetaMessage):
            # Tolerant reading keeps a payload its type's spec refuses as UnknownMetaMessage; strict reading
            # decodes the type byte's spec again and refuses it. A type byte with no spec comes back as it is.
            payload = bytes(msg.data)
            read = build_meta_message(msg.type_byte, payload, msg.time, charset)
            if type(read) is UnknownMetaMessage and read == msg:
                read = msg
        else:
            payload = meta_payload(msg, charset)
            read = msg
    except Exception as error:      # noqa: BLE001 - whatever the spec raises, strict reading raises it too
        return None, f'strict reading refuses its payload ({type(error).__name__}: {error})'
    if len(payload) > MAX_EVENT_LENGTH:
        return None, f'a payload of {len(payload)} bytes, strict reading takes at most {MAX_EVENT_LENGTH}'
    return read, None


def _bridged(repaired, delta, where, changes):
    """The delta time to give a message whose delta time does not fit a file, after appending to repaired
    what keeps its tick.

    Up to 32 bits, empty text meta events (a common filler, which players ignore) are inserted every
    MAX_DELTA ticks before it, so the message keeps its absolute tick. A longer delta time only comes from
    corrupt bytes (five or more bytes of quantity) and could need billions of fillers: it is cut to
    MAX_DELTA, so that this message and the track's later ones come as late as a file allows.
    """
    if delta > MAX_BRIDGED:
        changes.append(f'{where}: delta time {delta} cut to {MAX_DELTA} (a file holds at most {MAX_DELTA}); '
                       f'it and the later messages of the track move {delta - MAX_DELTA} ticks earlier')
        return MAX_DELTA
    fillers = (delta - 1) // MAX_DELTA
    changes.append(f'{where}: delta time {delta} is above {MAX_DELTA}; {fillers} empty text meta '
                   f'message{"s" if fillers > 1 else ""} inserted before it, so that it keeps its tick')
    for _ in range(fillers):
        repaired.append(MetaMessage('text', text='', time=MAX_DELTA))
    return delta - fillers * MAX_DELTA


def _fitted_tracks(tracks, fmt, changes):
    """At most MAX_TRACKS tracks: the last empty tracks dropped (as few as needed), then the tracks beyond
    the last a file holds joined to it."""
    numbered = list(enumerate(tracks))
    excess = len(numbered) - MAX_TRACKS
    for position in range(len(numbered) - 1, -1, -1):
        if not excess:
            break
        number, track = numbered[position]
        if len(track) == 1:         # only its end_of_track
            changes.append(f'track {number}: empty track dropped (a file holds at most {MAX_TRACKS} tracks)')
            del numbered[position]
            excess -= 1
    if not excess:
        return [track for _, track in numbered]
    tail = numbered[MAX_TRACKS - 1:]
    span = f'tracks {tail[0][0]} to {tail[-1][0]} ({len(tail)} tracks)'
    if fmt == 2:
        # Type 2 tracks are independent sequences, played one after another: appended in order.
        changes.append(f'{span} appended one after another into one (a file holds at most {MAX_TRACKS} tracks)')
        joined = _concatenated(tail, changes)
    else:
        # Type 1 tracks play together: merged by time, every message keeps its tick (as merge_tracks does).
        changes.append(f'{span} merged into one by time (a file holds at most {MAX_TRACKS} tracks)')
        joined = merge_tracks([track for _, track in tail])
    return [track for _, track in numbered[:MAX_TRACKS - 1]] + [joined]


def _concatenated(tail, changes):
    """The repaired tracks of tail (number, track) one after another: each starts where the one before ends."""
    joined = MidiTrack()
    carry = 0       # the time from the last message joined to the end of the tracks joined so far
    for number, track in tail:
        # Each repaired track holds delta times a file holds: only its first can get too long, with the carry.
        for index, msg in enumerate(track[:-1]):
            delta = msg.time + carry
            carry = 0
            if delta > MAX_DELTA:
                delta = _bridged(joined, delta, f'track {number}, its first message (appended)', changes)
            joined.append(msg.copy(time=delta))
        carry += track[-1].time     # its end_of_track's
    if carry > MAX_DELTA:
        carry = _bridged(joined, carry, f'track {tail[-1][0]}, end_of_track (appended)', changes)
    joined.append(_end_of_track(carry))
    return joined
