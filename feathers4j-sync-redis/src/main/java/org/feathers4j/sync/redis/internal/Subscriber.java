package org.feathers4j.sync.redis.internal;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.feathers4j.sync.spi.support.SyncFailures;

/**
 * The subscription: SUBSCRIBE on the pub/sub connection, the listener that follows it, and the hand-off of
 * received messages to the delivery thread, which passes them to sync in order, so that listeners never run on
 * (or block) Lettuce's I/O threads. On the adapter's own channels (see {@link OwnChannels}) the messages of one
 * socket read are handed off together when the read completes; otherwise one by one.
 */
final class Subscriber extends RedisPubSubAdapter<byte[], byte[]> {

    private final RedisSyncAdapter adapter;
    private final Tasks tasks;
    private final byte[] channel;
    /** Messages of the current read, waiting for its end (when {@link #handOffPerRead}). */
    private final ConcurrentLinkedQueue<byte[]> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean deliveryScheduled = new AtomicBoolean();
    private final AtomicLong subscribes = new AtomicLong();
    private volatile boolean handOffPerRead;
    private volatile boolean subscribed;
    private volatile boolean inFlight;
    private volatile ThreadPoolExecutor delivery;

    Subscriber(RedisSyncAdapter adapter, Tasks tasks, byte[] channel) {
        this.adapter = adapter;
        this.tasks = tasks;
        this.channel = channel;
    }

    /** Hands off per socket read; only for channels that call {@link #readComplete()}. */
    void handOffPerRead() {
        handOffPerRead = true;
    }

    /** Starts the delivery thread. */
    void start() {
        delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.factory(RedisSyncAdapter.TYPE, "delivery"));
    }

    /** Whether Redis confirmed the subscription on the current connection. */
    boolean isSubscribed() {
        return subscribed;
    }

    /** Marks the subscription lost (its connection dropped). */
    void lost() {
        subscribed = false;
    }

    /** Sends SUBSCRIBE unless one is in flight. Scheduler thread. */
    void subscribe(StatefulRedisPubSubConnection<byte[], byte[]> s) {
        if (s == null || inFlight || adapter.stopped()) return;
        inFlight = true;
        subscribes.incrementAndGet();
        try {
            s.async().subscribe(channel).whenComplete((v, error) -> {
                inFlight = false;
                if (error != null) tasks.run(() -> subscribeFailed(SyncFailures.unwrap(error)));
            });
        } catch (Throwable e) {
            inFlight = false;
            adapter.unexpectedError("subscribe", e);
        }
    }

    private void subscribeFailed(Throwable e) {
        if (SyncFailures.isUnrecoverable(e)) {
            adapter.unexpectedError("subscribe", e);
        } else if (Errors.isUnfixable(e)) {
            adapter.fail(Errors.failure("redis sync cannot subscribe to '" + adapter.key() + "' on " + adapter.where()
                    + ": " + SyncFailures.describe(e) + " (not retried: fix the credentials or ACL)", e));
        } else {
            adapter.note(Errors.failure("redis sync cannot subscribe to '" + adapter.key() + "' on " + adapter.where()
                    + ": " + SyncFailures.describe(e), e));
            adapter.checkSoon();
        }
    }

    @Override
    public void message(byte[] ch, byte[] message) {
        if (!Arrays.equals(ch, channel) || adapter.stopped()) return;
        if (handOffPerRead) {
            arrived.add(message); // handed over in readComplete(), at the end of this read
            return;
        }
        try {
            delivery.execute(() -> adapter.handle(message));
        } catch (RuntimeException e) {
            // rejected: the adapter is closing
        }
    }

    @Override
    public void subscribed(byte[] ch, long count) {
        if (!Arrays.equals(ch, channel)) return;
        subscribed = true;
        adapter.checkSoon();
    }

    @Override
    public void unsubscribed(byte[] ch, long count) {
        if (!Arrays.equals(ch, channel)) return;
        subscribed = false;
        adapter.checkSoon();
    }

    /** I/O thread, at the end of every read of one of the adapter's own channels: hands what arrived to the delivery thread. */
    void readComplete() {
        if (arrived.isEmpty() || !deliveryScheduled.compareAndSet(false, true)) return;
        try {
            delivery.execute(this::deliverArrived);
        } catch (RuntimeException e) {
            deliveryScheduled.set(false); // rejected: the adapter is closing
        }
    }

    /** Delivery thread: delivers everything that arrived, in order. */
    private void deliverArrived() {
        deliveryScheduled.set(false); // first: what arrives from now on schedules another run, or is polled below
        byte[] m;
        while ((m = arrived.poll()) != null) adapter.handle(m);
    }

    /**
     * Lets go of a connection the adapter was given: removes the listener and unsubscribes (best effort, at most
     * 2 seconds); the connection stays open.
     */
    CompletableFuture<?> detach(StatefulRedisPubSubConnection<byte[], byte[]> s) {
        s.removeListener(this);
        if (!s.isOpen()) return CompletableFuture.completedFuture(null);
        try {
            return s.async().unsubscribe(channel).toCompletableFuture().completeOnTimeout(null, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null); // best effort
        }
    }

    /** Stops the delivery thread once what it holds is delivered. */
    void shutdown() {
        ThreadPoolExecutor d = delivery;
        if (d != null) d.shutdown();
    }

    /** SUBSCRIBE commands sent so far. */
    long subscribes() {
        return subscribes.get();
    }

    /** Messages received and not yet handed to sync. */
    long queued() {
        ThreadPoolExecutor d = delivery;
        return (d == null ? 0L : d.getQueue().size()) + arrived.size();
    }
}
