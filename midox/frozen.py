"""Frozen messages: immutable and hashable, so they can be set members and dict keys (mido's ``mido.frozen``)."""
from .messages import BaseMessage, Message


class Frozen:
    """Mixin that makes a message immutable and hashable."""

    __slots__ = ()

    def __setattr__(self, name, value):
        raise ValueError('frozen message is immutable')

    def __hash__(self):
        return hash(tuple(vars(self).items()))


class FrozenMessage(Frozen, Message):
    """A Message that cannot change: FrozenMessage(type, **values), or freeze_message(msg)."""

    __slots__ = ()


# The frozen class of each mutable message class, and back.
_FROZEN = {Message: FrozenMessage}
_THAWED = {frozen: thawed for thawed, frozen in _FROZEN.items()}


def is_frozen(msg):
    """Return True if msg is a frozen message."""
    return isinstance(msg, Frozen)


def freeze_message(msg):
    """Return a frozen copy of msg (msg itself if it is frozen already, None for None).

    Raises ValueError for anything that is not a message.
    """
    if msg is None or isinstance(msg, Frozen):
        return msg
    frozen_class = _FROZEN.get(type(msg))
    if frozen_class is None:
        raise ValueError('first argument must be a message or None')
    return msg._copy_as(frozen_class)


def thaw_message(msg):
    """Return a mutable copy of msg (a copy even if it is not frozen; None for None)."""
    if msg is None:
        return None
    if not isinstance(msg, BaseMessage):
        raise ValueError('first argument must be a message or None')
    return msg._copy_as(_THAWED.get(type(msg), type(msg)))


__all__ = ["Frozen", "FrozenMessage", "freeze_message", "is_frozen", "thaw_message"]
