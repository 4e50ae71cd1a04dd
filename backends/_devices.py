"""Finding the device a port opens in a PortMidi device list (what the portmidi and pygame backends share).

A device is a dict with ``id``, ``name``, ``is_input``, ``is_output`` and ``opened``, as ``get_devices()``
gives it. Errors are OSError, with the ports there are in the message.
"""


def describe(devices, is_input, library):
    """Say which ports of a direction there are, for an error message."""
    kind = "input" if is_input else "output"
    names = [device["name"] for device in devices if device["is_input" if is_input else "is_output"]]
    if not names:
        return f"there are no {library} {kind} ports"
    return f"{library} {kind} ports: " + ", ".join(repr(name) for name in names)


def find_device(devices, name, is_input, default_id, library, unknown="unknown port {name!r}"):
    """Return the device to open: the default one (``default_id``) without a name, else the first unopened
    device of that name and direction. *unknown* words the error for a name that is not there."""
    direction = "is_input" if is_input else "is_output"
    if not name:
        for device in devices:
            if device["id"] == default_id and device[direction]:
                return device
        raise OSError(f"no default port found ({describe(devices, is_input, library)})")
    matches = [device for device in devices if device["name"] == name and device[direction]]
    if not matches:
        raise OSError(f"{unknown.format(name=name)} ({describe(devices, is_input, library)})")
    for device in matches:
        if not device["opened"]:
            return device
    raise OSError(f"port already opened: {name!r}")
