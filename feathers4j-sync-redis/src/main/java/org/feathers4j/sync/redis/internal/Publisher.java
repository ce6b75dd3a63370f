package org.feathers4j.sync.redis.internal;

import io.lettuce.core.api.StatefulConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUBLISH (SPUBLISH in sharded mode, routed to the slot's master) on the publish connection, and the retries of the ones that failed with the connection (timeout,
 * "connection closed"): they wait here, in the order they were first sent, and are sent again before the buffer is flushed once the
 * connection is back, at most {@value #MAX_SEND_ATTEMPTS} times each. A message may thus reach Redis twice;
 * receivers drop the copy by (origin, seq).
 */
final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    static final int MAX_SEND_ATTEMPTS = 10;

    private final RedisSyncAdapter adapter;
    private final Tasks tasks;
    private final byte[] channel;
    private final int bufferSize;
    private final boolean sharded;
    private final boolean cluster;
    // cluster only: the commands in flight, by first-send order
    private final java.util.concurrent.ConcurrentSkipListMap<Long, java.util.concurrent.Future<?>> inFlight =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    // by first-send order, not by when they failed: commands rejected at once (not connected) fail before the ones
    // that were in flight when the link dropped, yet were sent after them; sent again out of order, the receivers
    // would see a seq gap (reported as missed) that closes later
    private final TreeMap<Long, Outgoing> retries = new TreeMap<>(); // guarded by itself
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong sends = new AtomicLong();

    private record Outgoing(long order, byte[] message, CompletableFuture<Void> done, int attempt) {
        Outgoing next() {
            return new Outgoing(order, message, done, attempt + 1);
        }
    }

    Publisher(RedisSyncAdapter adapter, Tasks tasks, byte[] channel, int bufferSize, boolean sharded, boolean cluster) {
        this.sharded = sharded;
        this.cluster = cluster;
        this.adapter = adapter;
        this.tasks = tasks;
        this.channel = channel;
        this.bufferSize = bufferSize;
    }

    /** Publishes one message; the future completes when Redis took it, possibly after retries. */
    CompletableFuture<Void> send(StatefulConnection<byte[], byte[]> connection, byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(connection, new Outgoing(sends.incrementAndGet(), message, done, 1));
        return done;
    }

    /** One PUBLISH; the returned future completes once it succeeded or its failure was handed on (see resend). */
    private CompletableFuture<Void> attempt(StatefulConnection<byte[], byte[]> c, Outgoing o) {
        CompletableFuture<Void> tried = new CompletableFuture<>();
        if (c == null) {
            onError(o, new SyncException(RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis sync: not connected"));
            tried.complete(null);
            return tried;
        }
        try {
            var commands = Commands.of(c);
            var f = sharded ? commands.spublish(channel, o.message()) : commands.publish(channel, o.message());
            if (cluster) inFlight.put(o.order(), f);
            f.whenComplete((n, e) -> {
                if (cluster) inFlight.remove(o.order(), f);
                if (e == null) o.done().complete(null);
                else if (e instanceof java.util.concurrent.CancellationException) onError(o, new SyncException(
                        RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis sync: PUBLISH given up: its node connection failed"));
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
     * Handles a failed PUBLISH on the scheduler thread: never on Lettuce's I/O thread, which may hold Lettuce's
     * endpoint lock while a publisher holds the buffer's lock and waits for it.
     */
    private void onError(Outgoing o, Throwable e) {
        if (!tasks.run(() -> failed(o, e))) o.done().completeExceptionally(Errors.failure("redis sync: PUBLISH failed: " + SyncFailures.describe(e), e));
    }

    private void failed(Outgoing o, Throwable e) {
        SyncException error = e instanceof SyncException s ? s
                : Errors.failure("redis sync: PUBLISH failed: " + SyncFailures.describe(e), e);
        if (SyncFailures.isUnrecoverable(e)) {
            o.done().completeExceptionally(error);
            adapter.unexpectedError("publish", e);
            return;
        }
        if (adapter.stopped() || !Errors.isConnectionProblem(e) || o.attempt() >= MAX_SEND_ATTEMPTS) {
            o.done().completeExceptionally(error);
            return;
        }
        if (cluster) {
            // on a cluster a command in flight to a master that died waits for the whole command timeout (Lettuce
            // keeps it for a reconnect that never comes); re-sent after the newer ones, it would arrive out of
            // order. Give them all up now: they are re-sent first, in order (a copy that did arrive is dropped
            // by the receivers' duplicate check)
            for (var f : inFlight.values()) f.cancel(false);
        }
        List<Outgoing> overflow = new ArrayList<>();
        synchronized (retries) {
            retries.put(o.order(), Errors.isRefusedUnsent(e) ? o : o.next()); // never sent: not an attempt
            int max = Math.max(1, bufferSize);
            while (retries.size() > max) overflow.add(retries.pollFirstEntry().getValue());
        }
        for (Outgoing x : overflow) {
            x.done().completeExceptionally(new SyncException(RedisSyncAdapter.TYPE, Reason.OVERFLOW,
                    "redis sync: a message whose PUBLISH failed was dropped because more than bufferSize ("
                            + bufferSize + ") failed messages were waiting", e));
        }
        adapter.down(error);
    }

    /**
     * Sends the messages whose PUBLISH failed, in order, before the buffer is flushed. The future completes when
     * each of them went through or failed again (and waits here again, after the scheduler thread took its
     * failure): on a cluster the adapter flushes its buffer only then (see {@link #resendsFirst()}). Scheduler thread.
     */
    CompletableFuture<Void> resend(StatefulConnection<byte[], byte[]> connection) {
        List<Outgoing> again;
        synchronized (retries) {
            if (retries.isEmpty()) return CompletableFuture.completedFuture(null);
            again = new ArrayList<>(retries.values());
            retries.clear();
        }
        resent.addAndGet(again.size());
        LOG.info("redis sync: sending {} message(s) again whose PUBLISH failed when the connection dropped", again.size());
        List<CompletableFuture<Void>> tried = new ArrayList<>(again.size());
        for (Outgoing o : again) tried.add(attempt(connection, o));
        return CompletableFuture.allOf(tried.toArray(CompletableFuture[]::new));
    }

    /**
     * Whether the buffer must wait until the re-sent messages went through: on a cluster, where a re-send may be
     * refused again (a node connection still down, a topology not yet refreshed) and would then go after newer
     * messages. One Redis sends them all on one connection, in order.
     */
    boolean resendsFirst() {
        return cluster;
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

    /** Messages waiting to be sent again. */
    long waiting() {
        synchronized (retries) {
            return retries.size();
        }
    }

    /** PUBLISH commands sent again so far. */
    long resent() {
        return resent.get();
    }
}
