"""The record of every DNS query a lookup sent, for ``--explain`` and ``lookup compare``.

One ``QueryRecord`` per query message sent (a retry is a new record), plus
records for what happened without a query: a name refused before sending
(``not sent: ...``), an AAAA query suppressed by ``no-aaaa``, a reply that was
ignored (wrong id or question).  ``text()`` is the one-line form the detail
strings are made of::

    A web.example.test. @127.0.0.53:53 NOERROR 2 records 0.4 ms
    AAAA web.example.test. @127.0.0.53:53 NODATA 0.3 ms
    A nosuch.example.test. @127.0.0.53:53 timeout 1000.2 ms

``outcome`` is the response code (``NOERROR``, ``NXDOMAIN``, ``SERVFAIL`` ...)
with ``NODATA`` for a NOERROR reply without answer records, or one of
``timeout``, ``unreachable`` (ICMP: connection refused), ``truncated`` (TC:
retried over TCP), ``error`` (``note`` says which), ``ignored`` (a reply that
did not match), ``not sent``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QueryRecord", "summarize"]


@dataclass(frozen=True, slots=True)
class QueryRecord:
    """One query and what became of it.

    ``qname`` is the name as sent (escaped text, with the trailing dot);
    ``server`` is ``address:port`` (``[v6]:port``); ``transport`` is ``udp`` or
    ``tcp``; ``started`` is seconds since the lookup began and ``seconds`` the
    time until the outcome; ``answers`` counts the answer records of the
    reply; ``source_port`` is our port (UDP), ``qid`` the message id.
    """

    qtype: str
    qname: str
    server: str
    transport: str
    outcome: str
    answers: int = 0
    started: float = 0.0
    seconds: float = 0.0
    source_port: int | None = None
    qid: int | None = None
    note: str = ""

    def text(self) -> str:
        """The one-line form: ``A name. @server OUTCOME [n records] time``."""
        parts = [self.qtype, self.qname]
        if self.server:
            parts.append("@" + self.server + ("/tcp" if self.transport == "tcp" else ""))
        parts.append(self.outcome)
        if self.answers and self.outcome == "NOERROR":
            parts.append(f"{self.answers} record{'s' if self.answers != 1 else ''}")
        if self.note:
            parts.append(f"({self.note})")
        if self.outcome != "not sent":
            parts.append(f"{self.seconds * 1000:.1f} ms")
        return " ".join(parts)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready dict (the ``--json`` schema of a query record)."""
        return {
            "qtype": self.qtype, "qname": self.qname, "server": self.server,
            "transport": self.transport, "outcome": self.outcome, "answers": self.answers,
            "started": round(self.started, 6), "seconds": round(self.seconds, 6),
            "source_port": self.source_port, "id": self.qid, "note": self.note,
        }


def summarize(records: list[QueryRecord] | tuple[QueryRecord, ...]) -> str:
    """The records as one ``; ``-separated line (an Answer's ``detail``)."""
    return "; ".join(r.text() for r in records)
