"""Frozen messages: immutable and hashable, so they can be set members and dict keys (mido's ``mido.frozen``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn, overload

from .messages import BaseMessage, Message
from .midifiles.meta import MetaMessage, UnknownMetaMessage

if TYPE_CHECKING:
    from typing_extensions import TypeIs


class Frozen:
    """Mixin that makes a message immutable and hashable."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise ValueError('frozen message is immutable')

    def __hash__(self) -> int:
        return hash(tuple(vars(self).items()))


class FrozenMessage(Frozen, Message):  # type: ignore[misc]  # hashable, unlike its mutable base
    """A Message that cannot change: FrozenMessage(type, **values), or freeze_message(msg)."""

    __slots__ = ()


# The meta classes list the mutable class first, unlike FrozenMessage: the compiled BaseMessage has no
# instance fields, so with Frozen first CPython would take Frozen (that is, object) as the layout base and
# cls.__new__(cls), which copy(), pickle and freezing use, would refuse to make an instance. Frozen's two
# methods are therefore bound explicitly, since BaseMessage now comes before Frozen in the MRO.
class FrozenMetaMessage(MetaMessage, Frozen):
    """A MetaMessage that cannot change: FrozenMetaMessage(type, **values), or freeze_message(msg)."""

    __slots__ = ()
    __setattr__ = Frozen.__setattr__
    __hash__ = Frozen.__hash__  # type: ignore[assignment]  # hashable, unlike its mutable base


class FrozenUnknownMetaMessage(UnknownMetaMessage, Frozen):
    """An UnknownMetaMessage that cannot change (its repr says FrozenUnknownMetaMessage, as mido's)."""

    __slots__ = ()
    __setattr__ = Frozen.__setattr__
    __hash__ = Frozen.__hash__  # type: ignore[assignment]  # hashable, unlike its mutable base


# The frozen class of each mutable message class, most derived first (isinstance picks the first match).
# Meta messages are Python classes: their _copy_as() copies the instance dict.
_FROZEN: list[tuple[type[BaseMessage], type[Any]]] = [
    (Message, FrozenMessage),
    (UnknownMetaMessage, FrozenUnknownMetaMessage),
    (MetaMessage, FrozenMetaMessage),
]


def is_frozen(msg: object) -> TypeIs[Frozen]:
    """Return True if msg is a frozen message."""
    return isinstance(msg, Frozen)


@overload
def freeze_message(msg: None) -> None: ...
@overload
def freeze_message(msg: Message) -> FrozenMessage: ...
@overload
def freeze_message(msg: UnknownMetaMessage) -> FrozenUnknownMetaMessage: ...
@overload
def freeze_message(msg: MetaMessage) -> FrozenMetaMessage | FrozenUnknownMetaMessage: ...


def freeze_message(msg: BaseMessage | None) -> Any:
    """Return a frozen copy of msg (msg itself if it is frozen already, None for None).

    Raises ValueError for anything that is not a message.
    """
    if msg is None or isinstance(msg, Frozen):
        return msg
    for mutable_class, frozen_class in _FROZEN:
        if isinstance(msg, mutable_class):
            return msg._copy_as(frozen_class)  # type: ignore[attr-defined]  # Message's or MetaMessage's
    raise ValueError('first argument must be a message or None')


@overload
def thaw_message(msg: None) -> None: ...
@overload
def thaw_message(msg: Message) -> Message: ...
@overload
def thaw_message(msg: UnknownMetaMessage) -> UnknownMetaMessage: ...
@overload
def thaw_message(msg: MetaMessage) -> MetaMessage: ...


def thaw_message(msg: BaseMessage | None) -> Any:
    """Return a mutable copy of msg (a copy even if it is not frozen; None for None)."""
    if msg is None:
        return None
    if not isinstance(msg, BaseMessage):
        raise ValueError('first argument must be a message or None')
    for mutable_class, frozen_class in _FROZEN:
        if isinstance(msg, frozen_class):
            return msg._copy_as(mutable_class)
    return msg.copy()


__all__ = [
    "Frozen",
    "FrozenMessage",
    "FrozenMetaMessage",
    "FrozenUnknownMetaMessage",
    "freeze_message",
    "is_frozen",
    "thaw_message",
]
