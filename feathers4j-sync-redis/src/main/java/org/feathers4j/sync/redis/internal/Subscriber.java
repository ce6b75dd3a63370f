package org.feathers4j.sync.redis.internal;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.DeliveryQueue;
import org.feathers4j.sync.spi.support.SyncFailures;

/**
 * The subscription: SUBSCRIBE on the pub/sub connection, the listener that follows it, and the hand-off of
 * received messages to the delivery thread, which passes them to sync in order, so that listeners never run on
 * (or block) Lettuce's I/O threads. On the adapter's own channels (see {@link OwnChannels}) the delivery thread is
 * woken once per socket read; otherwise per message. The hand-off is a {@link DeliveryQueue} bounded by
 * {@link SyncOptions#deliveryQueueSize()} and {@link SyncOptions#deliveryQueueBytes()}: Redis pushes pub/sub
 * messages as fast as they are published, and a flood must not grow the heap without limit.
 */
final class Subscriber extends RedisPubSubAdapter<byte[], byte[]> {

    private final RedisSyncAdapter adapter;
    private final Tasks tasks;
    private final byte[] channel;
    private final int queueSize;
    private final long queueBytes;
    private final AtomicLong subscribes = new AtomicLong();
    private volatile boolean handOffPerRead;
    private volatile boolean subscribed;
    private volatile boolean inFlight;
    private volatile DeliveryQueue delivery;

    Subscriber(RedisSyncAdapter adapter, Tasks tasks, byte[] channel, SyncOptions options) {
        this.adapter = adapter;
        this.tasks = tasks;
        this.channel = channel;
        this.queueSize = options.deliveryQueueSize();
        this.queueBytes = options.deliveryQueueBytes();
    }

    /** Hands off per socket read; only for channels that call {@link #readComplete()}. */
    void handOffPerRead() {
        handOffPerRead = true;
    }

    /** Starts the delivery thread. */
    void start() {
        delivery = new DeliveryQueue(RedisSyncAdapter.TYPE, queueSize, queueBytes, adapter::handle);
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
        // per read: the delivery thread is woken in readComplete(), once for all this read brought
        DeliveryQueue d = delivery;
        if (d != null) d.offer(message, !handOffPerRead); // full: dropped, counted and logged by the queue
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

    /** I/O thread, at the end of every read of one of the adapter's own channels: wakes the delivery thread. */
    void readComplete() {
        DeliveryQueue d = delivery;
        if (d != null) d.wake();
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
        DeliveryQueue d = delivery;
        if (d != null) d.shutdown();
    }

    /** SUBSCRIBE commands sent so far. */
    long subscribes() {
        return subscribes.get();
    }

    /** Messages received and not yet handed to sync. */
    long queued() {
        DeliveryQueue d = delivery;
        return d == null ? 0L : d.size();
    }

    /** Bytes of the messages received and not yet handed to sync. */
    long queuedBytes() {
        DeliveryQueue d = delivery;
        return d == null ? 0L : d.bytes();
    }

    /** The most messages queued at once so far. */
    long queuePeak() {
        DeliveryQueue d = delivery;
        return d == null ? 0L : d.peak();
    }

    /** Messages dropped because the delivery queue was full. */
    long queueDropped() {
        DeliveryQueue d = delivery;
        return d == null ? 0L : d.dropped();
    }
}
