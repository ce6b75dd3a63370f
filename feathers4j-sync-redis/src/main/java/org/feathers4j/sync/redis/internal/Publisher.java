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

    Publisher(RedisSyncAdapter adapter, Tasks tasks, byte[] channel, int bufferSize, boolean sharded) {
        this.sharded = sharded;
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

    private void attempt(StatefulConnection<byte[], byte[]> c, Outgoing o) {
        if (c == null) {
            onError(o, new SyncException(RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis sync: not connected"));
            return;
        }
        try {
            var commands = Commands.of(c);
            (sharded ? commands.spublish(channel, o.message()) : commands.publish(channel, o.message())).whenComplete((n, e) -> {
                if (e == null) o.done().complete(null);
                else onError(o, SyncFailures.unwrap(e));
            });
        } catch (Throwable e) {
            onError(o, e);
        }
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

    /** Sends the messages whose PUBLISH failed, in order, before the buffer is flushed. Scheduler thread. */
    void resend(StatefulConnection<byte[], byte[]> connection) {
        List<Outgoing> again;
        synchronized (retries) {
            if (retries.isEmpty()) return;
            again = new ArrayList<>(retries.values());
            retries.clear();
        }
        resent.addAndGet(again.size());
        LOG.info("redis sync: sending {} message(s) again whose PUBLISH failed when the connection dropped", again.size());
        for (Outgoing o : again) attempt(connection, o);
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
