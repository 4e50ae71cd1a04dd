"""Fuzz target: SYX files (``midox.read_syx_file``), binary (first byte F0) and hex text.

A binary file never raises; a text file raises ValueError for anything but two-digit hex numbers and
whitespace (the read_syx_file docstring). What is read is sysex messages only, and writing them back with
``write_syx_file`` (binary and plain text) reads back the same.
"""
import os
import tempfile

import midox

import _fuzzing

MAX_LEN = 4096

_DIR = tempfile.mkdtemp(prefix='midox-fuzz-syx-')
_PATH = os.path.join(_DIR, 'in.syx')


def read(data):
    with open(_PATH, 'wb') as file:
        file.write(data)
    return midox.read_syx_file(_PATH)


def check(data):
    for variant in (data, b'\xf0' + data):      # the input as it is, and as a binary file
        try:
            messages = read(variant)
        except ValueError:
            assert variant[:1] != b'\xf0', 'a binary SYX file raised ValueError'
            continue
        assert all(message.type == 'sysex' for message in messages)
        for plaintext in (False, True):
            midox.write_syx_file(_PATH, messages, plaintext=plaintext)
            assert midox.read_syx_file(_PATH) == messages


def seeds():
    sysex = [midox.Message('sysex', data=[0, 1, 0x5D, 2, 0]), midox.Message('sysex', data=list(range(0, 128, 9)))]
    return [b''.join(message.bin() for message in sysex),
            ''.join(message.hex() + '\n' for message in sysex).encode(),
            b'f0 00 7f f7\r\n\tF0\x0b01\x1cF7', b'\xf0\x01\x90\x3c\x40\xf7\xf8\xf0\x02\xf7']


if __name__ == '__main__':
    _fuzzing.main(check, seeds, MAX_LEN)
