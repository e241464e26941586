#!/usr/bin/env bash
# One-shot: create Wuyi's event topics with their partitions and replication, idempotently.
# Infinite retention: the topics are the second copy of the record (docs/operations.md);
# with replicas, min ISR 2 so that losing one broker loses no acknowledged event.
set -euo pipefail
# With the kafka-3 profile the other brokers may still be joining: wait (2 minutes at most) until
# as many brokers as the replication asks for have registered.
for _ in $(seq 60); do
  brokers=$(/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server "${BOOTSTRAP}" 2>/dev/null \
    | grep -c '^[^ ].*(id: ' || true)
  [ "${brokers:-0}" -ge "${REPLICATION}" ] && break
  sleep 2
done
min_isr=1
if [ "${REPLICATION}" -gt 2 ]; then min_isr=2; fi
for topic in ${TOPICS}; do
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "${BOOTSTRAP}" --create --if-not-exists \
    --topic "${topic}" --partitions "${PARTITIONS}" --replication-factor "${REPLICATION}" \
    --config retention.ms=-1 --config retention.bytes=-1 \
    --config min.insync.replicas="${min_isr}" --config max.message.bytes=1048576
done
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "${BOOTSTRAP}" --describe
