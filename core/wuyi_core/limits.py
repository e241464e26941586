"""Size limits that keep every event publishable.

An event the bus cannot carry would stop the relay at its position, so the event store refuses
to append it (HTTP 413) and the HTTP layer caps request bodies well below it. The numbers are
Kafka's defaults: a topic and the producer accept 1 MiB per message (``max.message.bytes``,
``max_request_size``); an event's envelope (value, headers and key) must leave room for the
record batch's own overhead. Raise ``WUYI_KAFKA_MAX_MESSAGE_BYTES`` together with the broker's
``message.max.bytes`` to carry more; the embedded mode applies the same limit, so a data folder
can always move to the distributed mode.
"""

from __future__ import annotations

MAX_MESSAGE_BYTES = 1_048_576
RECORD_OVERHEAD = 16_384  # record batch header, per-record framing, compression slack
MAX_BODY_BYTES = 512 * 1024  # an ordinary JSON request
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # a roster file


def max_event_bytes(max_message_bytes: int = MAX_MESSAGE_BYTES) -> int:
    return max_message_bytes - RECORD_OVERHEAD
