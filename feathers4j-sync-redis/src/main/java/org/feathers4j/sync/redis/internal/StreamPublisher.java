package org.feathers4j.sync.redis.internal;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams mode's sending side: {@code XADD <stream> MAXLEN ~ <streamMaxLength> * m <message>} on the publish
 * connection, and, with {@code streamMaxAge}, an {@code XTRIM MINID ~} every second (one XADD can trim by length
 * or by id, not both). An XADD that failed with the connection waits here, in order, and is sent again before the
 * adapter's buffer is flushed once the connection is back, at most {@value #MAX_SEND_ATTEMPTS} times; an entry
 * may thus be added twice (Redis took it but the reply was lost), and receivers drop the copy by (origin, seq).
 */
final class StreamPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPublisher.class);
    static final int MAX_SEND_ATTEMPTS = 10;

    private final RedisStreamsAdapter adapter;
    private final Tasks tasks;
    private final byte[] stream;
    private final int bufferSize;
    private final XAddArgs addArgs;
    private final long maxAgeMillis;
    private final ArrayDeque<Outgoing> retries = new ArrayDeque<>(); // guarded by itself
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong trims = new AtomicLong();
    private volatile boolean trimInFlight;

    private record Outgoing(byte[] message, CompletableFuture<Void> done, int attempt) {
        Outgoing next() {
            return new Outgoing(message, done, attempt + 1);
        }
    }

    StreamPublisher(RedisStreamsAdapter adapter, Tasks tasks, byte[] stream, int bufferSize, long maxLength, long maxAgeMillis) {
        this.adapter = adapter;
        this.tasks = tasks;
        this.stream = stream;
        this.bufferSize = bufferSize;
        this.addArgs = new XAddArgs().maxlen(maxLength).approximateTrimming();
        this.maxAgeMillis = maxAgeMillis;
    }

    /** Adds one message to the stream; the future completes when Redis took it, possibly after retries. */
    CompletableFuture<Void> send(StatefulRedisConnection<byte[], byte[]> connection, byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(connection, new Outgoing(message, done, 1));
        return done;
    }

    private void attempt(StatefulRedisConnection<byte[], byte[]> c, Outgoing o) {
        if (c == null) {
            onError(o, new SyncException(RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis sync: not connected"));
            return;
        }
        try {
            c.async().xadd(stream, addArgs, Map.of(StreamKeys.FIELD, o.message())).whenComplete((id, e) -> {
                if (e == null) o.done().complete(null);
                else onError(o, SyncFailures.unwrap(e));
            });
        } catch (Throwable e) {
            onError(o, e);
        }
    }

    /** Handles a failed XADD on the scheduler thread, never on Lettuce's I/O thread (see {@code Publisher}). */
    private void onError(Outgoing o, Throwable e) {
        if (!tasks.run(() -> failed(o, e))) o.done().completeExceptionally(Errors.failure("redis sync: XADD failed: " + SyncFailures.describe(e), e));
    }

    private void failed(Outgoing o, Throwable e) {
        SyncException error = e instanceof SyncException s ? s
                : Errors.failure("redis sync: XADD to '" + adapter.streamName() + "' failed: " + SyncFailures.describe(e), e);
        if (SyncFailures.isUnrecoverable(e)) {
            o.done().completeExceptionally(error);
            adapter.unexpectedError("publish", e);
            return;
        }
        if (Errors.isUnfixable(e) || Errors.isWrongType(e)) {
            o.done().completeExceptionally(error);
            adapter.fail(Errors.failure(error.getMessage() + " (not retried: fix the ACL or the key)", e));
            return;
        }
        if (adapter.stopped() || !Errors.isConnectionProblem(e) || o.attempt() >= MAX_SEND_ATTEMPTS) {
            o.done().completeExceptionally(error);
            return;
        }
        List<Outgoing> overflow = new ArrayList<>();
        synchronized (retries) {
            retries.add(o.next());
            int max = Math.max(1, bufferSize);
            while (retries.size() > max) overflow.add(retries.poll());
        }
        for (Outgoing x : overflow) {
            x.done().completeExceptionally(new SyncException(RedisSyncAdapter.TYPE, Reason.OVERFLOW,
                    "redis sync: a message whose XADD failed was dropped because more than bufferSize ("
                            + bufferSize + ") failed messages were waiting", e));
        }
        adapter.down(error);
    }

    /** Sends the messages whose XADD failed, in order, before the buffer is flushed. Scheduler thread. */
    void resend(StatefulRedisConnection<byte[], byte[]> connection) {
        List<Outgoing> again;
        synchronized (retries) {
            if (retries.isEmpty()) return;
            again = new ArrayList<>(retries);
            retries.clear();
        }
        resent.addAndGet(again.size());
        LOG.info("redis sync: sending {} message(s) again whose XADD failed when the connection dropped", again.size());
        for (Outgoing o : again) attempt(connection, o);
    }

    /** Trims entries older than {@code streamMaxAge} (approximately, by id); no-op without it. Scheduler thread. */
    void trimByAge(StatefulRedisConnection<byte[], byte[]> c) {
        if (maxAgeMillis <= 0 || c == null || !c.isOpen() || trimInFlight) return;
        long oldest = System.currentTimeMillis() - maxAgeMillis; // ids are the server's clock: skew shifts the age
        if (oldest <= 0) return;
        trimInFlight = true;
        try {
            c.async().xtrim(stream, XTrimArgs.Builder.minId(oldest + "-0").approximateTrimming()).whenComplete((n, e) -> {
                trimInFlight = false;
                if (e == null) trims.incrementAndGet();
                else if (!Errors.isConnectionProblem(e)) adapter.note(Errors.failure("redis sync: XTRIM of '"
                        + adapter.streamName() + "' failed: " + SyncFailures.describe(e), e));
            });
        } catch (Throwable e) {
            trimInFlight = false;
            adapter.unexpectedError("XTRIM", e);
        }
    }

    /** Fails the messages waiting to be sent again: the adapter stopped. */
    void stop() {
        List<Outgoing> pending;
        synchronized (retries) {
            pending = new ArrayList<>(retries);
            retries.clear();
        }
        for (Outgoing o : pending) {
            o.done().completeExceptionally(new SyncException(RedisSyncAdapter.TYPE, Reason.CLOSED, "redis sync adapter stopped"));
        }
    }

    long waiting() {
        synchronized (retries) {
            return retries.size();
        }
    }

    long resent() {
        return resent.get();
    }

    long trims() {
        return trims.get();
    }
}
