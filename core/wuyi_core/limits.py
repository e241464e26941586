"""Limits on input: sizes that keep every event publishable, and plausible dates.

An event the bus cannot carry would stop the relay at its position, so the event store refuses
to append it (HTTP 413) and the HTTP layer caps request bodies well below it. The numbers are
Kafka's defaults: a topic and the producer accept 1 MiB per message (``max.message.bytes``,
``max_request_size``); an event's envelope (value, headers and key) must leave room for the
record batch's own overhead. Raise ``WUYI_KAFKA_MAX_MESSAGE_BYTES`` together with the broker's
``message.max.bytes`` to carry more; the embedded mode applies the same limit, so a data folder
can always move to the distributed mode.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

MAX_MESSAGE_BYTES = 1_048_576
RECORD_OVERHEAD = 16_384  # record batch header, per-record framing, compression slack
MAX_BODY_BYTES = 512 * 1024  # an ordinary JSON request
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # a roster file


def max_event_bytes(max_message_bytes: int = MAX_MESSAGE_BYTES) -> int:
    return max_message_bytes - RECORD_OVERHEAD


# Dates a person can mean here: from the start of the epidemic to the end of the century. A
# case dated 0001-01-01 is a typo, and a query for 9999 would overflow date arithmetic.
FIRST_DAY = dt.date(2019, 12, 1)
LAST_DAY = dt.date(2100, 12, 31)


def _plausible(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError(
            "date_window",
            "date must lie between {first} and {last}",
            {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
    return day


PlausibleDate = Annotated[dt.date, AfterValidator(_plausible)]


# A page's offset: past any list this system holds, and within the 64-bit integers SQLite and
# PostgreSQL take (2**63 answered 500 on SQLite: integer overflow).
MAX_OFFSET = 10_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
