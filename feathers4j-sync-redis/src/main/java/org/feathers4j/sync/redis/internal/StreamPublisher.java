package org.feathers4j.sync.redis.internal;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * adapter's buffer is flushed once the connection is back (and went through: see {@link #resend}), at most
 * {@value #MAX_SEND_ATTEMPTS} times; an entry
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
    /** Messages to send again, by publish order: a late failure (a timeout) goes before later ones. Guarded by itself. */
    private final TreeMap<Long, Outgoing> retries = new TreeMap<>();
    private final AtomicLong order = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong trims = new AtomicLong();
    private volatile boolean trimInFlight;
    private boolean resending; // guarded by retries

    private record Outgoing(long order, byte[] message, CompletableFuture<Void> done, int attempt) {
        Outgoing next() {
            return new Outgoing(order, message, done, attempt + 1);
        }
    }

    private final boolean cluster;
    // cluster only: the XADDs in flight, by first-send order
    private final java.util.concurrent.ConcurrentSkipListMap<Long, java.util.concurrent.Future<?>> inFlight =
            new java.util.concurrent.ConcurrentSkipListMap<>();

    StreamPublisher(RedisStreamsAdapter adapter, Tasks tasks, byte[] stream, int bufferSize, long maxLength, long maxAgeMillis,
                    boolean cluster) {
        this.cluster = cluster;
        this.adapter = adapter;
        this.tasks = tasks;
        this.stream = stream;
        this.bufferSize = bufferSize;
        this.addArgs = new XAddArgs().maxlen(maxLength).approximateTrimming();
        this.maxAgeMillis = maxAgeMillis;
    }

    /**
     * Adds one message to the stream; the future completes when Redis took it, possibly after retries. While
     * failed messages wait to be sent again, a new one waits behind them instead of overtaking them.
     */
    CompletableFuture<Void> send(StatefulConnection<byte[], byte[]> connection, byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Outgoing o = new Outgoing(order.incrementAndGet(), message, done, 1);
        synchronized (retries) {
            if (!retries.isEmpty() || resending) {
                hold(o);
                return done;
            }
        }
        attempt(connection, o);
        return done;
    }

    /** One XADD; the returned future completes once it succeeded, or once its failure was handled (held or failed). */
    private CompletableFuture<Void> attempt(StatefulConnection<byte[], byte[]> c, Outgoing o) {
        CompletableFuture<Void> tried = new CompletableFuture<>();
        if (c == null) {
            onError(o, new SyncException(RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis sync: not connected"));
            tried.complete(null);
            return tried;
        }
        try {
            var f = Commands.of(c).xadd(stream, addArgs, Map.of(StreamKeys.FIELD, o.message()));
            if (cluster) inFlight.put(o.order(), f);
            f.whenComplete((id, e) -> {
                if (cluster) inFlight.remove(o.order(), f);
                if (e == null) o.done().complete(null);
                else if (e instanceof java.util.concurrent.CancellationException) onError(o, new SyncException(
                        RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis sync: XADD given up: its node connection failed"));
                else onError(o, SyncFailures.unwrap(e));
                tried.complete(null);
            });
        } catch (Throwable e) {
            onError(o, e);
            tried.complete(null);
        }
        return tried;
    }

    /**
     * A failed XADD. One to retry is queued here at once, in the calling thread: Lettuce rejects a command while
     * disconnected within the call, so the next {@link #send} already sees it waiting and queues behind it. The
     * rest (state, failing) runs on the scheduler thread, never on Lettuce's I/O thread (see {@code Publisher}).
     */
    private void onError(Outgoing o, Throwable e) {
        SyncException error = e instanceof SyncException s ? s
                : Errors.failure("redis sync: XADD to '" + adapter.streamName() + "' failed: " + SyncFailures.describe(e), e);
        boolean retry = !adapter.stopped() && !SyncFailures.isUnrecoverable(e) && !Errors.isUnfixable(e)
                && !Errors.isWrongType(e) && Errors.isConnectionProblem(e) && o.attempt() < MAX_SEND_ATTEMPTS;
        if (retry) {
            synchronized (retries) {
                hold(Errors.isRefusedUnsent(e) ? o : o.next()); // never sent: not an attempt
            }
            // on a cluster an XADD in flight to a master that died or lost the slot can wait for the whole command
            // timeout; added after newer ones it would break the stream's order. Give them all up now: they are
            // sent again first, in order (one that did arrive is then in the stream twice; receivers drop the copy)
            if (cluster) for (var f : inFlight.values()) f.cancel(false);
            tasks.run(() -> adapter.down(error));
            return;
        }
        o.done().completeExceptionally(error);
        tasks.run(() -> {
            if (SyncFailures.isUnrecoverable(e)) adapter.unexpectedError("publish", e);
            else if (Errors.isUnfixable(e) || Errors.isWrongType(e)) {
                adapter.fail(Errors.failure(error.getMessage() + " (not retried: fix the ACL or the key)", e));
            }
        });
    }

    /** Queues a message to send later, in order; beyond {@code bufferSize} the oldest is dropped. Under the lock. */
    private void hold(Outgoing o) {
        retries.put(o.order(), o);
        int max = Math.max(1, bufferSize);
        while (retries.size() > max) {
            retries.pollFirstEntry().getValue().done().completeExceptionally(new SyncException(RedisSyncAdapter.TYPE, Reason.OVERFLOW,
                    "redis sync: a message waiting to be sent again was dropped because more than bufferSize ("
                            + bufferSize + ") were waiting"));
        }
    }

    /**
     * Sends the messages whose XADD failed, in order. The future completes when each of them went through or
     * failed again (then it waits here again, and {@link #waiting()} says so): the adapter flushes its buffer
     * only after that, so that a later message never overtakes an earlier one in the stream. Scheduler thread.
     */
    CompletableFuture<Void> resend(StatefulConnection<byte[], byte[]> connection) {
        List<Outgoing> again;
        synchronized (retries) {
            if (retries.isEmpty()) return CompletableFuture.completedFuture(null);
            again = new ArrayList<>(retries.values());
            retries.clear();
            resending = true; // meanwhile new messages wait behind these
        }
        resent.addAndGet(again.size());
        LOG.info("redis sync: sending {} message(s) again whose XADD failed or waited behind one that did", again.size());
        List<CompletableFuture<Void>> tried = new ArrayList<>();
        try {
            for (int i = 0; i < again.size(); i++) {
                synchronized (retries) {
                    if (!retries.isEmpty()) {
                        // one was refused again (disconnected): the rest waits with it, in order
                        for (Outgoing o : again.subList(i, again.size())) hold(o);
                        break;
                    }
                }
                tried.add(attempt(connection, again.get(i)));
            }
        } finally {
            synchronized (retries) {
                resending = false;
            }
        }
        return CompletableFuture.allOf(tried.toArray(CompletableFuture[]::new));
    }

    /** Trims entries older than {@code streamMaxAge} (approximately, by id); no-op without it. Scheduler thread. */
    void trimByAge(StatefulConnection<byte[], byte[]> c) {
        if (maxAgeMillis <= 0 || c == null || !c.isOpen() || trimInFlight) return;
        long oldest = System.currentTimeMillis() - maxAgeMillis; // ids are the server's clock: skew shifts the age
        if (oldest <= 0) return;
        trimInFlight = true;
        try {
            Commands.of(c).xtrim(stream, XTrimArgs.Builder.minId(oldest + "-0").approximateTrimming()).whenComplete((n, e) -> {
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
            pending = new ArrayList<>(retries.values());
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
