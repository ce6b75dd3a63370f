package org.feathers4j.sync.nats.internal;

import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.nats.NatsSyncConfig;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JetStream mode: reads the key's stream in stream order on a thread of its own and delivers each
 * message there (never on a client thread).
 *
 * <p>It keeps the next stream sequence it wants. Each time it (re)opens (start, a reconnection, an
 * error of the consumer, a stream that changed under it) it looks at the stream first and opens a
 * jnats ordered consumer from that sequence; the ordered consumer itself starts again from the
 * last sequence it handed over when it sees a hole in its delivery or misses heartbeats. A message
 * below the wanted sequence (an overlap of two consumers) is skipped, so nothing is delivered twice;
 * a message above it in a stream that holds only this key means the server removed what came
 * between before it was read, reported as a gap.
 *
 * <p>Flow control: the ordered consumer pulls at most {@code consumerBatch} messages ahead and
 * pulls more only as this thread takes them, so a slow application holds the stream back on the
 * server instead of filling memory.
 *
 * <p>Gaps, delivered in order with the messages: the wanted sequence below the stream's first one
 * ({@link SyncGap.Reason#RETENTION_EXCEEDED}, the exact count); the stream missing, made anew or
 * its sequence gone backwards ({@link SyncGap.Reason#BROKER_DATA_LOST}, reading goes on from the
 * new stream's start).
 */
final class OrderedReader {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedReader.class);
    /** How often the stream is looked at while reading (for one deleted or made anew). */
    private static final long STREAM_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Duration POLL = Duration.ofMillis(200);

    private final JetStreamSyncAdapter host;
    private final StreamSetup setup;
    private final CursorStore cursors; // null without a fixed instance id
    private final boolean resumeLast;
    private final NatsSyncConfig config;
    private final Thread thread;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong reopened = new AtomicLong();
    private final AtomicLong cursorErrors = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean resetRequested;
    private volatile long lastDelivered;
    private volatile OrderedConsumerContext consumer;
    // reader thread only
    private long next;
    private String streamCreated;
    private long cursorWritten = -1;
    private long cursorWrittenAt;

    OrderedReader(JetStreamSyncAdapter host, StreamSetup setup, CursorStore cursors, boolean resumeLast, NatsSyncConfig config) {
        this.host = Objects.requireNonNull(host);
        this.setup = Objects.requireNonNull(setup);
        this.cursors = cursors;
        this.resumeLast = resumeLast;
        this.config = config;
        this.thread = DaemonThreads.factory(NatsFailures.TYPE, "jetstream-reader").newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /** Makes the reader look at the stream and open a new consumer (after a reconnection). */
    void reopen() {
        resetRequested = true;
    }

    /** Stops reading (the position is stored first, when it can be); waits up to {@code wait}. */
    void stop(Duration wait) {
        running = false;
        if (Thread.currentThread() == thread) return;
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long delivered() {
        return delivered.get();
    }

    long skipped() {
        return skipped.get();
    }

    long reopened() {
        return reopened.get();
    }

    long cursorErrors() {
        return cursorErrors.get();
    }

    /** The server's name of the current consumer (it changes when the consumer is remade), or {@code null}. */
    String consumerName() {
        OrderedConsumerContext occ = consumer;
        return occ == null ? null : occ.getConsumerName();
    }

    /** The last stream sequence delivered, {@code 0} before the first. */
    long lastDelivered() {
        return lastDelivered;
    }

    private void run() {
        long backoff = 100;
        boolean first = true;
        while (running) {
            Connection c = host.liveConnection();
            if (c == null) {
                pause(50);
                continue;
            }
            IterableConsumer it = null;
            try {
                StreamInfo info = setup.ensure(c.jetStreamManagement());
                position(c, info);
                resetRequested = false;
                OrderedConsumerContext occ = c.getStreamContext(setup.name()).createOrderedConsumer(
                        new OrderedConsumerConfiguration()
                                .filterSubject(setup.subject())
                                .deliverPolicy(DeliverPolicy.ByStartSequence)
                                .startSequence(next));
                it = occ.iterate(ConsumeOptions.builder().batchSize(config.consumerBatch()).build());
                consumer = occ;
                if (!first) reopened.incrementAndGet();
                first = false;
                LOG.debug("nats sync: reading stream {} from sequence {}", setup.name(), next);
                host.readerOpened();
                backoff = 100;
                read(c, it);
            } catch (SyncException e) {
                if (e.reason() == Reason.CONFIGURATION) {
                    host.readerFailed(e);
                    running = false;
                } else {
                    host.readerError(e);
                    pause(backoff);
                    backoff = Math.min(backoff * 2, Math.max(100, config.reconnectWait().toMillis()));
                }
            } catch (InterruptedException e) {
                if (!running) break;
                Thread.interrupted();
            } catch (Throwable e) {
                if (!running) break;
                host.readerError(e);
                pause(backoff);
                backoff = Math.min(backoff * 2, Math.max(100, config.reconnectWait().toMillis()));
            } finally {
                if (it != null) closeQuietly(it);
            }
        }
        Connection c = host.connectionForClose();
        if (c != null) writeCursor(c, true);
    }

    private void read(Connection c, IterableConsumer it) throws Exception {
        long lastCheck = System.nanoTime();
        while (running && !resetRequested) {
            Message m = it.nextMessage(POLL);
            if (m != null && m.isJetStream()) handle(m);
            long now = System.nanoTime();
            if (now - lastCheck >= STREAM_CHECK_NANOS) {
                lastCheck = now;
                if (!sameStream(c)) return;
            }
            writeCursor(c, false);
        }
    }

    private void handle(Message m) {
        long seq = m.metaData().streamSequence();
        if (seq < next) {
            skipped.incrementAndGet(); // already delivered: two consumers overlapped
            return;
        }
        if (seq > next && setup.exclusive()) {
            host.readerGap(SyncGap.of(SyncGap.Reason.RETENTION_EXCEEDED, seq - next, "JetStream stream " + setup.name()
                    + " no longer holds sequences " + next + ".." + (seq - 1) + ": removed (limits or a deletion) before this "
                    + "instance read them"));
        }
        next = seq + 1;
        lastDelivered = seq;
        delivered.incrementAndGet();
        byte[] data = m.getData();
        host.readerDeliver(data == null ? new byte[0] : data);
    }

    /** Where to read from, with the gaps that tells of. */
    private void position(Connection c, StreamInfo info) throws Exception {
        StreamState st = info.getStreamState();
        String created = info.getCreateTime() == null ? "" : info.getCreateTime().toInstant().toString();
        long firstSeq = Math.max(1, st.getFirstSequence());
        long lastSeq = st.getLastSequence();
        if (streamCreated == null) {
            streamCreated = created;
            CursorStore.Cursor cur = resumeLast && cursors != null ? cursors.read(c) : null;
            if (cur == null) {
                if (resumeLast) LOG.info("nats sync: no stored position for this instance in stream {}; starting with new messages",
                        setup.name());
                next = lastSeq + 1; // taken before the consumer exists: nothing published meanwhile is missed
            } else if (!cur.streamCreated().equals(created) || lastSeq < cur.lastSeq()) {
                gap(SyncGap.Reason.BROKER_DATA_LOST, SyncGap.UNKNOWN, "JetStream stream " + setup.name()
                        + " was made anew since this instance stopped (at sequence " + cur.lastSeq() + "); reading it from its start");
                next = firstSeq;
            } else {
                next = cur.lastSeq() + 1;
                LOG.info("nats sync: resuming stream {} after sequence {} (resume=LAST; {} message(s) since)", setup.name(),
                        cur.lastSeq(), Math.max(0, lastSeq - cur.lastSeq()));
            }
        } else if (!created.equals(streamCreated) || lastSeq < next - 1) {
            gap(SyncGap.Reason.BROKER_DATA_LOST, SyncGap.UNKNOWN, "JetStream stream " + setup.name()
                    + (created.equals(streamCreated) ? " went back to sequence " + lastSeq + " (wanted " + next + ")"
                    : " was deleted and made anew") + "; its messages are lost, reading the new stream from its start");
            streamCreated = created;
            next = firstSeq;
        }
        if (next < firstSeq) {
            long missed = firstSeq - next;
            gap(SyncGap.Reason.RETENTION_EXCEEDED, setup.exclusive() ? missed : SyncGap.UNKNOWN, "JetStream stream "
                    + setup.name() + " starts at sequence " + firstSeq + ", this instance wanted " + next + ": " + missed
                    + " message(s) removed by its limits before this instance read them"
                    + (setup.exclusive() ? "" : " (the stream holds other subjects too: fewer were sync messages)"));
            next = firstSeq;
        }
    }

    /** Whether the stream is still the one being read; if not the caller opens again (which reports the gap). */
    private boolean sameStream(Connection c) {
        try {
            StreamInfo info = setup.find(c.jetStreamManagement());
            if (info == null) {
                LOG.warn("nats sync: JetStream stream {} is gone; making it again", setup.name());
                return false;
            }
            String created = info.getCreateTime() == null ? "" : info.getCreateTime().toInstant().toString();
            return created.equals(streamCreated) && info.getStreamState().getLastSequence() >= next - 1;
        } catch (Exception e) {
            return true; // cannot tell now (e.g. disconnected): the consumer's own errors will tell
        }
    }

    private void gap(SyncGap.Reason reason, long missed, String detail) {
        LOG.warn("nats sync: {} ({} missed): {}", reason, missed == SyncGap.UNKNOWN ? "unknown number" : missed, detail);
        host.readerGap(SyncGap.of(reason, missed, detail));
    }

    private void writeCursor(Connection c, boolean force) {
        if (cursors == null || streamCreated == null) return;
        long seq = next - 1;
        if (seq < 0 || seq == cursorWritten) return;
        long now = System.nanoTime();
        if (!force && now - cursorWrittenAt < config.cursorInterval().toNanos()) return;
        cursorWrittenAt = now;
        try {
            cursors.write(c, new CursorStore.Cursor(seq, streamCreated));
            cursorWritten = seq;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            long n = cursorErrors.incrementAndGet();
            if (n == 1 || n % 100 == 0) LOG.warn("nats sync: could not store the position in bucket {} ({} so far): {}",
                    config.cursorBucket(), n, NatsFailures.clean(e.getMessage()));
            cursors.reset();
        }
    }

    private static void closeQuietly(IterableConsumer it) {
        try {
            it.stop();
            it.close();
        } catch (Exception e) {
            LOG.debug("nats sync: closing a JetStream consumer failed", e);
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
