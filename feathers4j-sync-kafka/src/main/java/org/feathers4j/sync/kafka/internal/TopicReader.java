package org.feathers4j.sync.kafka.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.kafka.KafkaSyncConfig;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the topic on its own thread, with one consumer for the adapter's life:
 * manual assignment (no group membership: every instance reads everything), the next offset of each
 * partition kept here and in the consumer, so after any disconnection reading goes on where it was.
 *
 * <p>Where it starts: {@code resume=NEW} at the end of each partition, looked up before the
 * adapter reports ready (so nothing published after ready is missed); {@code resume=LAST} at the
 * offsets committed under the instance's group id (none stored: at the end). Partitions that
 * appear later are read from their beginning. With a fixed instance id the offsets are committed
 * every {@code cursorInterval} and at close (after a crash, up to that much is delivered again).
 *
 * <p>Gaps, delivered in order with the messages: an offset below the partition's log start
 * ({@link SyncGap.Reason#RETENTION_EXCEEDED}, the exact count of offsets skipped); an offset
 * beyond the partition's end (the log was truncated: {@link SyncGap.Reason#BROKER_DATA_LOST}).
 */
final class TopicReader implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaSyncAdapter host;
    private final Map<String, Object> props;
    private final String topic;
    private final boolean resumeLast;
    private final boolean commit;
    private final KafkaSyncConfig config;
    private final Map<TopicPartition, Long> next = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong emptyRecords = new AtomicLong();
    private final AtomicLong retentionSkipped = new AtomicLong();
    private final AtomicLong cursorErrors = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean opened;
    private volatile boolean linked = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private MetricName connectionCount;
    private long lastRecordNanos;
    private Map<TopicPartition, Long> committed = Map.of();

    TopicReader(KafkaSyncAdapter host, Map<String, Object> props, String topic, boolean resumeLast, boolean commit,
            KafkaSyncConfig config) {
        this.host = host;
        this.props = props;
        this.topic = topic;
        this.resumeLast = resumeLast;
        this.commit = commit;
        this.config = config;
    }

    synchronized void start() {
        if (thread != null || !running) return;
        thread = DaemonThreads.factory(KafkaFailures.TYPE, "reader").newThread(this);
        thread.start();
    }

    /** Stops reading, commits the offsets (with a fixed instance id) and closes the consumer; waits up to {@code wait}. */
    void stop(Duration wait) {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) c.wakeup();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) return;
        try {
            t.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Positions are known and reading has begun. */
    boolean opened() {
        return opened;
    }

    /** The consumer has a connection to a broker (or received records lately). */
    boolean linked() {
        return linked;
    }

    long delivered() {
        return delivered.get();
    }

    long emptyRecords() {
        return emptyRecords.get();
    }

    long retentionSkipped() {
        return retentionSkipped.get();
    }

    long cursorErrors() {
        return cursorErrors.get();
    }

    long commits() {
        return commits.get();
    }

    int partitions() {
        return next.size();
    }

    @Override
    public void run() {
        KafkaConsumer<byte[], byte[]> c;
        try {
            c = new KafkaConsumer<>(props);
        } catch (Throwable e) {
            host.readerFailed(e);
            return;
        }
        consumer = c;
        try {
            if (!running) return;
            if (open(c)) {
                opened = true;
                host.readerOpened();
                read(c);
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable e) {
            host.readerFailed(e);
        } finally {
            opened = false;
            if (commit) commitNow(c);
            try {
                c.close(Duration.ofSeconds(2));
            } catch (Throwable e) {
                LOG.debug("kafka sync: closing the consumer failed", e);
            }
        }
    }

    /** Assigns every partition and looks up where to start; retries until it works or a failure is final. */
    private boolean open(KafkaConsumer<byte[], byte[]> c) throws InterruptedException {
        Duration timeout = config.requestTimeout();
        while (running) {
            try {
                List<TopicPartition> tps = partitionsOf(c, timeout);
                if (tps.isEmpty()) throw new org.apache.kafka.common.errors.TimeoutException("no partitions known for topic " + topic);
                c.assign(tps);
                Map<TopicPartition, OffsetAndMetadata> stored = resumeLast ? c.committed(new HashSet<>(tps), timeout) : Map.of();
                List<TopicPartition> atEnd = new ArrayList<>();
                for (TopicPartition tp : tps) {
                    OffsetAndMetadata o = stored.get(tp);
                    if (o != null) c.seek(tp, o.offset());
                    else atEnd.add(tp);
                }
                if (resumeLast && !atEnd.isEmpty()) {
                    LOG.info("kafka sync: no stored offsets for this instance on {} of {} partition(s) of {}; starting there with "
                            + "new messages", atEnd.size(), tps.size(), topic);
                }
                // an empty collection would mean every assigned partition
                if (!atEnd.isEmpty()) c.seekToEnd(atEnd);
                // look the positions up now, so that what is published after ready is read
                long behind = 0;
                for (TopicPartition tp : tps) {
                    long pos = c.position(tp, timeout);
                    next.put(tp, pos);
                    OffsetAndMetadata o = stored.get(tp);
                    if (o != null) behind += Math.max(0, c.endOffsets(List.of(tp), timeout).getOrDefault(tp, pos) - pos);
                }
                committed = new HashMap<>(next);
                if (resumeLast && atEnd.size() < tps.size()) {
                    LOG.info("kafka sync: resuming topic {} at the stored offsets {} (resume=LAST; {} record(s) since)", topic, next, behind);
                }
                lastRecordNanos = System.nanoTime();
                return true;
            } catch (WakeupException e) {
                return false;
            } catch (KafkaException e) {
                if (!host.readerError(e)) return false;
                Thread.sleep(config.reconnectWait().toMillis());
            }
        }
        return false;
    }

    private List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> c, Duration timeout) {
        List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
        List<TopicPartition> tps = new ArrayList<>();
        if (infos != null) for (PartitionInfo p : infos) tps.add(new TopicPartition(p.topic(), p.partition()));
        return tps;
    }

    private void read(KafkaConsumer<byte[], byte[]> c) throws InterruptedException {
        long refreshEvery = config.partitionRefresh().toNanos();
        long commitEvery = config.cursorInterval().toNanos();
        long nextRefresh = System.nanoTime() + refreshEvery;
        long nextCommit = System.nanoTime() + commitEvery;
        while (running) {
            long now = System.nanoTime();
            if (now >= nextRefresh) {
                nextRefresh = now + refreshEvery;
                refreshPartitions(c);
            }
            if (commit && now >= nextCommit) {
                nextCommit = now + commitEvery;
                commitAsync(c);
            }
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = c.poll(POLL);
            } catch (OffsetOutOfRangeException e) {
                outOfRange(c, e.offsetOutOfRangePartitions());
                continue;
            } catch (WakeupException e) {
                return;
            } catch (KafkaException e) {
                if (!host.readerError(e)) return;
                Thread.sleep(200);
                continue;
            }
            if (!records.isEmpty()) lastRecordNanos = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                next.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                byte[] value = r.value();
                if (value == null) {
                    // a tombstone or a record of another producer without a value: nothing to deliver
                    long n = emptyRecords.incrementAndGet();
                    if (n == 1 || n % 1000 == 0) LOG.warn("kafka sync: {} record(s) without a value on topic {} skipped", n, topic);
                    continue;
                }
                delivered.incrementAndGet();
                host.readerDeliver(value);
            }
            linked = connected(c) || System.nanoTime() - lastRecordNanos < TimeUnit.SECONDS.toNanos(1);
        }
    }

    /** Whether the consumer holds a connection to a broker (its {@code connection-count} metric). */
    private boolean connected(KafkaConsumer<byte[], byte[]> c) {
        try {
            if (connectionCount == null) {
                for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
                    MetricName n = e.getKey();
                    if (n.name().equals("connection-count") && n.group().equals("consumer-metrics")) {
                        connectionCount = n;
                        break;
                    }
                }
                if (connectionCount == null) return true; // no such metric in this client: do not guess
            }
            Metric m = c.metrics().get(connectionCount);
            return m == null || ((Number) m.metricValue()).doubleValue() > 0;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** New partitions (the topic was given more) are assigned and read from their beginning. */
    private void refreshPartitions(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> now;
        try {
            now = partitionsOf(c, Duration.ofMillis(500));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            return; // unreachable now; tried again later
        }
        Set<TopicPartition> added = new HashSet<>(now);
        added.removeAll(next.keySet());
        if (added.isEmpty()) return;
        List<TopicPartition> all = new ArrayList<>(next.keySet());
        all.addAll(added);
        c.assign(all);
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) c.seek(e.getKey(), e.getValue());
        c.seekToBeginning(added);
        for (TopicPartition tp : added) next.put(tp, 0L);
        LOG.info("kafka sync: topic {} has {} new partition(s) {}; reading them from the beginning", topic, added.size(), added);
    }

    private void outOfRange(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> offsets) {
        Duration timeout = config.requestTimeout();
        Map<TopicPartition, Long> begin;
        Map<TopicPartition, Long> end;
        try {
            begin = c.beginningOffsets(offsets.keySet(), timeout);
            end = c.endOffsets(offsets.keySet(), timeout);
        } catch (KafkaException e) {
            host.readerError(e);
            return; // the consumer asks again at the next poll and throws again
        }
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            long wanted = e.getValue();
            long first = begin.getOrDefault(tp, wanted);
            long last = end.getOrDefault(tp, wanted);
            if (wanted < first) {
                long missed = first - wanted;
                retentionSkipped.addAndGet(missed);
                gap(SyncGap.Reason.RETENTION_EXCEEDED, missed, "Kafka topic " + topic + " partition " + tp.partition()
                        + " no longer holds offsets " + wanted + " to " + (first - 1) + " (retention); reading on at " + first);
                c.seek(tp, first);
                next.put(tp, first);
            } else if (wanted > last) {
                gap(SyncGap.Reason.BROKER_DATA_LOST, SyncGap.UNKNOWN, "Kafka topic " + topic + " partition " + tp.partition()
                        + " ends at offset " + last + ", before the next offset " + wanted + " this instance expected (the log "
                        + "was truncated or the topic made anew); reading on at " + last);
                c.seek(tp, last);
                next.put(tp, last);
            } else {
                c.seek(tp, wanted); // back in range meanwhile (a leader change): try again
            }
        }
    }

    private void gap(SyncGap.Reason reason, long missed, String detail) {
        LOG.warn("kafka sync: {} ({} missed): {}", reason, missed == SyncGap.UNKNOWN ? "unknown number" : missed, detail);
        host.readerGap(SyncGap.of(reason, missed, detail));
    }

    private Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            if (!e.getValue().equals(committed.get(e.getKey()))) m.put(e.getKey(), new OffsetAndMetadata(e.getValue()));
        }
        return m;
    }

    private void commitAsync(KafkaConsumer<byte[], byte[]> c) {
        Map<TopicPartition, OffsetAndMetadata> m = toCommit();
        if (m.isEmpty()) return;
        Map<TopicPartition, Long> snapshot = new HashMap<>(next);
        c.commitAsync(m, (offsets, e) -> {
            if (e == null) {
                commits.incrementAndGet();
                committed = snapshot;
            } else {
                long n = cursorErrors.incrementAndGet();
                if (n <= 3 || n % 100 == 0) {
                    LOG.warn("kafka sync: committing the read offsets of topic {} failed ({} so far; tried again in {}): {}", topic, n,
                            org.feathers4j.sync.spi.support.OptionReader.format(config.cursorInterval()), KafkaFailures.detail(e));
                }
            }
        });
    }

    private void commitNow(KafkaConsumer<byte[], byte[]> c) {
        if (!opened && committed.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> m = toCommit();
        if (m.isEmpty()) return;
        try {
            try {
                c.commitSync(m, Duration.ofSeconds(2));
            } catch (WakeupException pendingWakeup) {
                c.commitSync(m, Duration.ofSeconds(2)); // the wakeup of stop() was still pending: it is used up now
            }
            commits.incrementAndGet();
            committed = new HashMap<>(next);
        } catch (Throwable e) {
            cursorErrors.incrementAndGet();
            LOG.warn("kafka sync: could not store the read offsets of topic {} at close ({}); a restart with resume=LAST "
                    + "delivers again what was read since the last stored ones", topic, KafkaFailures.detail(e));
        }
    }
}
