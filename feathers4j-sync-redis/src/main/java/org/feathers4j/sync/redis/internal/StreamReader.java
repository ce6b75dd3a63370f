package org.feathers4j.sync.redis.internal;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams mode's receiving side, on a thread of its own with a connection of its own: reads the stream from the
 * last entry it read ({@code XREAD BLOCK 500 COUNT n}), hands the entries to {@link StreamDelivery}, and after any
 * failure or reconnect goes on from the same entry, so nothing is lost or read twice while the stream keeps it.
 *
 * <p>Where it cannot go on, it says so with a {@link SyncGap} queued where the gap is. A "checked read" (a
 * script: {@code XINFO STREAM} and {@code XRANGE} after the last id, atomically) is used at start with
 * {@code resume=LAST}, after every failure, while catching up (the last read was full) and every two seconds; it
 * compares the stream with the reader's position (last id, and how many entries had been added up to it):
 * <ul>
 *   <li>entries after the last id were trimmed (more entries deleted, i.e. entries-added minus length, than the
 *       position): {@code RETENTION_EXCEEDED}, missed = entries deleted minus the position;</li>
 *   <li>the stream is gone, its last id or its entries-added counter went backwards, or the entries the reader
 *       read are gone although nothing past them was trimmed (a new stream with the same name, e.g. Redis
 *       restarted without persistence): {@code BROKER_DATA_LOST}, count unknown, and it reads the new stream from
 *       its start.</li>
 * </ul>
 * Backpressure: it reads no more than the delivery queue has room for, and waits while it is full; the stream
 * holds the rest.
 */
final class StreamReader {

    private static final Logger LOG = LoggerFactory.getLogger(StreamReader.class);
    /** How long one XREAD blocks on the server: bounds how long close waits for the reader. */
    static final long BLOCK_MILLIS = 500;
    /** The most entries one read asks for. */
    static final int READ_COUNT = 1000;
    /** How often a caught-up reader checks the stream for trimming past it or a recreation. */
    static final long CHECK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long POLL_MILLIS = 50;

    /**
     * KEYS[1] the stream; ARGV[1] the exclusive start ({@code (<id>}), ARGV[2] the count (0: no entries). Returns
     * {0} if there is no such key, else {1, last-generated-id, entries-added, max-deleted-entry-id, length,
     * first entry id or '', entries}.
     */
    static final String CHECK_SCRIPT = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
            local info = redis.call('XINFO', 'STREAM', KEYS[1])
            local f = {}
            for i = 1, #info, 2 do f[info[i]] = info[i + 1] end
            local first = ''
            if f['first-entry'] then first = f['first-entry'][1] end
            local entries = {}
            if tonumber(ARGV[2]) > 0 then entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2]) end
            return {1, f['last-generated-id'], f['entries-added'], f['max-deleted-entry-id'], f['length'], first, entries}
            """;

    private final RedisStreamsAdapter adapter;
    private final byte[] stream;
    private final StreamDelivery delivery;
    private final StreamCursor cursor;
    private final SyncOptions.Resume resume;
    private final long timeoutMillis;
    private final Thread thread;
    private final AtomicLong entriesRead = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong checks = new AtomicLong();
    private final AtomicLong readErrors = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong connectionLosses = new AtomicLong();
    private volatile boolean healthy;
    private volatile boolean positioned;
    // reader thread only
    private String lastId = StreamId.ZERO;
    private long position; // entries added to the stream up to lastId; -1: not known (an old cursor)
    private boolean suspect;
    private long lastCheck;
    private int failures;

    StreamReader(RedisStreamsAdapter adapter, byte[] stream, StreamDelivery delivery, StreamCursor cursor,
                 SyncOptions.Resume resume, long timeoutMillis) {
        this.adapter = adapter;
        this.stream = stream;
        this.delivery = delivery;
        this.cursor = cursor;
        this.resume = resume;
        this.timeoutMillis = timeoutMillis;
        this.thread = DaemonThreads.factory(RedisSyncAdapter.TYPE, "stream-reader").newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /**
     * The reader connection dropped (Lettuce's event). An XREAD in flight may be sent again by Lettuce after the
     * reconnect, possibly to a restarted, empty Redis: its reply is not trusted, the next read is a checked one.
     */
    void connectionLost() {
        connectionLosses.incrementAndGet();
    }

    /** Whether the last command on the reader connection worked and the start position is known. */
    boolean healthy() {
        return healthy && positioned;
    }

    private void run() {
        while (!adapter.stopped()) {
            StatefulConnection<byte[], byte[]> c = adapter.readerConnection();
            if (c == null || !c.isOpen() || !adapter.readerUp()) {
                unhealthy();
                if (!pause(POLL_MILLIS)) return;
                continue;
            }
            try {
                if (!positioned) {
                    position(c);
                } else {
                    int room = delivery.room();
                    if (room <= 0) {
                        delivery.awaitRoom(200);
                        continue;
                    }
                    int count = Math.min(READ_COUNT, room);
                    if (suspect || System.nanoTime() - lastCheck > CHECK_EVERY_NANOS) checkedRead(c, count);
                    else blockingRead(c, count);
                }
                failures = 0;
                if (!healthy) {
                    healthy = true;
                    adapter.checkSoon();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                if (adapter.stopped()) return;
                failed(e);
                if (!pause(failures > 3 ? 500 : POLL_MILLIS)) return;
            }
        }
    }

    private void unhealthy() {
        if (healthy) {
            healthy = false;
            adapter.checkSoon();
        }
    }

    private void failed(Throwable error) {
        Throwable e = SyncFailures.unwrap(error);
        suspect = true;
        failures++;
        readErrors.incrementAndGet();
        unhealthy();
        if (SyncFailures.isUnrecoverable(e)) {
            adapter.unexpectedError("stream read", e);
        } else if (Errors.isUnfixable(e) || Errors.isWrongType(e)) {
            adapter.fail(Errors.failure("redis sync cannot read the stream '" + adapter.streamName() + "' on "
                    + adapter.where() + ": " + SyncFailures.describe(e) + " (not retried: fix the ACL or the key)", e));
        } else {
            adapter.down(Errors.failure("redis sync: reading the stream '" + adapter.streamName() + "' failed: "
                    + SyncFailures.describe(e) + "; resuming after " + lastId, e));
            if (failures == 1 || failures % 100 == 0) {
                LOG.warn("redis sync: reading the stream '{}' failed ({}), {} time(s) in a row; retrying from entry {}",
                        adapter.streamName(), SyncFailures.describe(e), failures, lastId);
            }
        }
    }

    /** Where to start: the stream's current end (NEW), or the stored cursor (LAST; the end if there is none). */
    private void position(StatefulConnection<byte[], byte[]> c) throws Exception {
        StreamDelivery.Position stored = resume == SyncOptions.Resume.LAST && cursor.enabled()
                ? cursor.load(c, timeoutMillis) : null;
        if (stored != null) {
            lastId = stored.id();
            position = stored.position();
            suspect = true;
            LOG.info("redis sync: resuming '{}' after entry {} (resume=LAST)", adapter.streamName(), lastId);
        } else {
            // the end as of now, taken explicitly: a later XREAD with $ would miss what is added in between
            List<Object> r = check(c, 0);
            if (((Number) r.get(0)).longValue() == 0) {
                lastId = StreamId.ZERO;
                position = 0;
            } else {
                lastId = text(r.get(1));
                position = ((Number) r.get(2)).longValue();
            }
            if (resume == SyncOptions.Resume.LAST) {
                LOG.info("redis sync: no cursor stored for this instance id yet; starting '{}' at its end ({})",
                        adapter.streamName(), lastId);
            }
            lastCheck = System.nanoTime();
        }
        delivery.positionAt(new StreamDelivery.Position(lastId, position));
        positioned = true;
    }

    private List<Object> check(StatefulConnection<byte[], byte[]> c, int count) throws Exception {
        checks.incrementAndGet();
        RedisFuture<List<Object>> f = Commands.of(c).eval(CHECK_SCRIPT, ScriptOutputType.MULTI, new byte[][] {stream},
                ("(" + lastId).getBytes(StandardCharsets.US_ASCII), String.valueOf(count).getBytes(StandardCharsets.US_ASCII));
        return await(f, timeoutMillis);
    }

    private void checkedRead(StatefulConnection<byte[], byte[]> c, int count) throws Exception {
        List<Object> r = check(c, count);
        lastCheck = System.nanoTime();
        suspect = false;
        boolean had = !StreamId.isZero(lastId) || position > 0;
        if (((Number) r.get(0)).longValue() == 0) {
            if (had) lost("the stream is gone (Redis restarted without persistence, or the key was deleted)");
            return;
        }
        String lastGenerated = text(r.get(1));
        long added = ((Number) r.get(2)).longValue();
        long length = ((Number) r.get(4)).longValue();
        String first = text(r.get(5));
        long deleted = added - length;
        if (had) {
            if (StreamId.compare(lastGenerated, lastId) < 0 || (position >= 0 && added < position)) {
                lost("the stream went backwards (last id " + lastGenerated + " < " + lastId + ", or entries added "
                        + added + " < " + position + "): it was recreated");
                return;
            }
            // trimming deletes the oldest entries: "deleted" (entries added minus length) counts them; Redis 7.0
            // leaves max-deleted-entry-id at 0-0 on trimming (only XDEL sets it), so the counts decide
            boolean trimmedPastUs = position >= 0 ? deleted > position
                    : deleted > 0 && !first.isEmpty() && StreamId.compare(first, lastId) > 0;
            if (trimmedPastUs) {
                long missed = position >= 0 ? deleted - position : SyncGap.UNKNOWN;
                gap(SyncGap.of(SyncGap.Reason.RETENTION_EXCEEDED, missed, "the stream '" + adapter.streamName()
                        + "' no longer holds the entries after " + lastId + " (" + deleted + " trimmed, first kept "
                        + first + "; streamMaxLength/streamMaxAge too small for this pause)"), lastId, deleted);
                position = deleted; // the entries read below start at the first kept one
            } else if (position > deleted && (length == 0 || first.isEmpty() || StreamId.compare(first, lastId) > 0)) {
                lost("the entries up to " + lastId + " are gone although none past them were trimmed: the stream was recreated");
                return;
            }
        }
        @SuppressWarnings("unchecked")
        List<Object> entries = (List<Object>) r.get(6);
        for (Object o : entries) {
            List<?> e = (List<?>) o;
            List<?> fields = (List<?>) e.get(1);
            byte[] message = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                if (Arrays.equals((byte[]) fields.get(i), StreamKeys.FIELD)) message = (byte[]) fields.get(i + 1);
            }
            take(text(e.get(0)), message);
        }
        suspect = entries.size() >= count; // catching up: check again on the next read
    }

    private void blockingRead(StatefulConnection<byte[], byte[]> c, int count) throws Exception {
        long losses = connectionLosses.get();
        RedisFuture<List<StreamMessage<byte[], byte[]>>> f = Commands.of(c).xread(
                XReadArgs.Builder.block(BLOCK_MILLIS).count(count), XReadArgs.StreamOffset.from(stream, lastId));
        List<StreamMessage<byte[], byte[]>> messages = await(f, BLOCK_MILLIS + timeoutMillis);
        if (connectionLosses.get() != losses) {
            suspect = true; // read again from the same entry, checked against the stream Redis has now
            return;
        }
        if (messages == null) return;
        for (StreamMessage<byte[], byte[]> m : messages) {
            byte[] message = null;
            for (Map.Entry<byte[], byte[]> e : m.getBody().entrySet()) {
                if (Arrays.equals(e.getKey(), StreamKeys.FIELD)) message = e.getValue();
            }
            take(m.getId(), message);
        }
        if (messages.size() >= count) suspect = true;
    }

    private void take(String id, byte[] message) {
        lastId = id;
        if (position >= 0) position++;
        entriesRead.incrementAndGet();
        if (message == null) {
            long n = malformed.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("redis sync: entry {} of '{}' has no field 'm'; skipped ({} so far): only the sync adapter should add to this stream",
                        id, adapter.streamName(), n);
            }
            return;
        }
        delivery.add(new StreamDelivery.Item(message, null, id, position));
    }

    /** The stream lost data: report it where it is, and read the new stream from its start. */
    private void lost(String detail) {
        String d = "the stream '" + adapter.streamName() + "' lost entries: " + detail
                + "; what it held and this instance had not read is gone; reading the new stream from its start";
        gap(SyncGap.of(SyncGap.Reason.BROKER_DATA_LOST, SyncGap.UNKNOWN, d), StreamId.ZERO, 0);
        lastId = StreamId.ZERO;
        position = 0;
        suspect = true;
    }

    private void gap(SyncGap g, String id, long pos) {
        gaps.incrementAndGet();
        LOG.warn("redis sync: {} ({}, missed {})", g.detail(), g.reason(), g.missed() < 0 ? "unknown" : g.missed());
        delivery.add(new StreamDelivery.Item(null, g, id, pos));
    }

    /**
     * The reply within {@code millis}; given up early when a connection is lost meanwhile (on a cluster a dead
     * master's node connection never comes back, and the read sent to it would wait for the whole timeout).
     */
    private <T> T await(RedisFuture<T> f, long millis) throws Exception {
        long losses = connectionLosses.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    return f.get(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (connectionLosses.get() != losses) {
                        f.cancel(false);
                        throw new org.feathers4j.sync.SyncException(RedisSyncAdapter.TYPE,
                                org.feathers4j.sync.SyncException.Reason.UNREACHABLE, "redis sync: a connection was lost during the read", e);
                    }
                    if (deadline - System.nanoTime() <= 0) throw e;
                }
            }
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new org.feathers4j.sync.SyncException(RedisSyncAdapter.TYPE, org.feathers4j.sync.SyncException.Reason.UNREACHABLE,
                    "redis sync: no reply from Redis in " + millis + " ms", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Waits up to {@code millis} for the reader thread to end (it ends within one blocking read of the stop). */
    void awaitStopped(long millis) {
        if (Thread.currentThread() == thread || !thread.isAlive()) return;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String text(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.UTF_8);
        return String.valueOf(o);
    }

    long entriesRead() {
        return entriesRead.get();
    }

    long gaps() {
        return gaps.get();
    }

    long checks() {
        return checks.get();
    }

    long readErrors() {
        return readErrors.get();
    }

    long malformed() {
        return malformed.get();
    }
}
