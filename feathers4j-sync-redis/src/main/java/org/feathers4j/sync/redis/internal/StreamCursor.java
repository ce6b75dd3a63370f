package org.feathers4j.sync.redis.internal;

import io.lettuce.core.api.StatefulConnection;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.spi.support.SyncFailures;

/**
 * The stored position of a fixed {@code instanceId} in the stream, for {@code resume=LAST}: the key
 * {@code {K}:cursor:<instanceId>} holds {@code "<entry id> <position>"} of the last entry delivered to the
 * application (the position counts the entries ever added up to it, for the gap estimate). Written when it
 * changed, every second, and on close; so after a crash the entries since the last write are delivered again
 * (receivers that keep their duplicate window across the restart drop them; a restarted one does not).
 */
final class StreamCursor {

    private final RedisStreamsAdapter adapter;
    private final byte[] key; // null: the instance id is not fixed, no cursor
    private final AtomicLong writes = new AtomicLong();
    private volatile StreamDelivery.Position written;
    private volatile boolean inFlight;

    StreamCursor(RedisStreamsAdapter adapter, byte[] key) {
        this.adapter = adapter;
        this.key = key;
    }

    boolean enabled() {
        return key != null;
    }

    /**
     * Reads the stored position; {@code null} if there is none (first start of this instance id).
     *
     * @throws Exception what the read threw, or a malformed value
     */
    StreamDelivery.Position load(StatefulConnection<byte[], byte[]> c, long timeoutMillis) throws Exception {
        byte[] v = Commands.of(c).get(key).get(timeoutMillis, TimeUnit.MILLISECONDS);
        if (v == null) return null;
        String s = new String(v, StandardCharsets.UTF_8).trim();
        int sp = s.indexOf(' ');
        try {
            String id = sp < 0 ? s : s.substring(0, sp);
            StreamId.compare(id, StreamId.ZERO); // validates
            StreamDelivery.Position p = new StreamDelivery.Position(id, sp < 0 ? -1 : Long.parseLong(s.substring(sp + 1)));
            written = p;
            return p;
        } catch (RuntimeException e) {
            throw new IllegalStateException("the cursor " + new String(key, StandardCharsets.UTF_8) + " holds '" + s
                    + "', not '<entry id> <position>'", e);
        }
    }

    /**
     * Writes the position if it changed since the last write; returns when Redis took it (or failed). Unless
     * {@code force} (on close), skipped while a write is in flight.
     */
    CompletableFuture<Void> store(StatefulConnection<byte[], byte[]> c, StreamDelivery.Position p, boolean force) {
        if (key == null || p == null || c == null || !c.isOpen() || p.equals(written) || (inFlight && !force)) {
            return CompletableFuture.completedFuture(null);
        }
        inFlight = true;
        try {
            byte[] value = (p.id() + " " + p.position()).getBytes(StandardCharsets.UTF_8);
            return Commands.of(c).set(key, value).toCompletableFuture().handle((ok, e) -> {
                inFlight = false;
                if (e == null) {
                    written = p;
                    writes.incrementAndGet();
                } else {
                    adapter.note(Errors.failure("redis sync: cannot store the stream cursor: " + SyncFailures.describe(e), e));
                }
                return null;
            });
        } catch (Throwable e) {
            inFlight = false;
            adapter.unexpectedError("cursor write", e);
            return CompletableFuture.completedFuture(null);
        }
    }

    long writes() {
        return writes.get();
    }
}
