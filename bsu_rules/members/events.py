"""Event dates an input leaves out altogether. The contract reads a missing ``deceased_on`` or
``membership_ended_on`` as no event, so an export that dropped the field decides every member as
alive and still a member; ``batch`` and ``evaluate`` warn of it once for each input."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bsu_rules.members.model import EVENT_DATES
from bsu_rules.members.raw import keys_held

NO_EVENT = {"deceased_on": "not deceased", "membership_ended_on": "still a member"}
"""How every member is decided when the input does not carry an event date at all."""


def no_event_warning(source: str, name: str, carrier: str) -> str:
    """The warning for an input that carries no ``name`` at all; ``carrier`` is what would hold it: a
    ``column`` (Parquet, CSV) or a ``key`` (JSON)."""
    absent = f"no record has the key {name}" if carrier == "key" else f"no column {name}"
    return (f"bsu-rules: warning: {source}: {absent}: every member is decided as {NO_EVENT[name]} (the contract "
            f"reads a missing event date as no event); add the {carrier}, null where there was no event")


class EventKeys:
    """The event dates among ``read`` (the member fields the rules read) that each input carries as a key of some
    record, null or not (a record rejected for another field too: the export has the field), told for an input
    some record of which was decided. ``decode`` wraps a line decoder to look at the line's bytes first (a record
    decoded into the contract's mirror keeps no trace of a key given null); ``opened`` is told of each input
    before its records are decoded, ``seen`` of each record read, ``decided`` of each input a record of which
    was decided."""

    def __init__(self, read: Iterable[str]) -> None:
        self.read = frozenset(EVENT_DATES & {path.removeprefix("member.") for path in read})
        self.carried: dict[str, set[str]] = {}  # input -> the event dates a record of it has
        self.deciding: set[str] = set()
        self._wanted: frozenset[str] = self.read  # those the input being read has not shown yet
        self._line: set[str] = set()  # those the last line decoded may hold

    def decode(self, decode: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
        def looked(line: bytes) -> Any:
            self._line = keys_held(line, self._wanted) if self._wanted else set()
            return decode(line)
        return looked

    def opened(self, source: str) -> None:
        self._wanted = self.read - self.carried.get(source, set())

    def seen(self, source: str, record: Any) -> None:
        """A record of ``source`` read: a dict (a document's record, or a line decoded in full) says its keys; a
        line decoded into the mirror, which takes no unknown key, holds at its top what its bytes hold."""
        carried = self.carried.setdefault(source, set())
        carried |= self.read & record.keys() if isinstance(record, dict) else self._line
        self._wanted = self.read - carried

    def decided(self, source: str) -> None:
        self.deciding.add(source)

    def missing(self) -> Iterable[tuple[str, str]]:
        """(input, event date) for each input a record of which was decided that carries an event date the rules
        read in no record."""
        return ((source, name) for source, carried in self.carried.items() if source in self.deciding
                for name in sorted(self.read - carried))
