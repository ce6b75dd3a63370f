package org.feathers4j.sync.redis.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.DeliveryQueue;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription: SUBSCRIBE on the pub/sub connection, the listener that follows it, and the hand-off of
 * received messages to the delivery thread, which passes them to sync in order, so that listeners never run on
 * (or block) Lettuce's I/O threads; with direct delivery ({@code RedisSyncConfig.directDelivery}) there is no
 * delivery thread and sync gets each message on the I/O thread that read it. On the adapter's own channels (see
 * {@link OwnChannels}) the delivery thread is woken once per socket read; otherwise per message. The hand-off is a {@link DeliveryQueue} bounded by
 * {@link SyncOptions#deliveryQueueSize()} and {@link SyncOptions#deliveryQueueBytes()}: Redis pushes pub/sub
 * messages as fast as they are published, and a flood must not grow the heap without limit.
 *
 * <p>On a Redis Cluster, sharded ({@code SSUBSCRIBE}): the subscription is made on the node connection of the
 * channel's slot master, and it counts as lost when that connection drops, when Redis ends it ({@code sunsubscribe}:
 * the slot moved away), or when the topology names another master for the slot (failover); the health check then
 * subscribes on the slot's master again. Classic {@code SUBSCRIBE} on a cluster sits on the pub/sub connection's
 * default node: every node hears every classic PUBLISH.
 */
final class Subscriber extends RedisPubSubAdapter<byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
    /** Direct delivery: a delivery that holds the I/O thread longer than this is counted and logged. */
    static final long SLOW_DELIVERY_MILLIS = 100;
    private static final long SLOW_WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RedisSyncAdapter adapter;
    private final Tasks tasks;
    private final byte[] channel;
    private final int queueSize;
    private final long queueBytes;
    private final boolean sharded;
    private final int slot;
    private final ClusterListener clusterListener = new ClusterListener();
    private volatile StatefulRedisClusterPubSubConnection<byte[], byte[]> cluster; // null on one Redis
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> node; // sharded: the slot master's connection
    private volatile String subscribedOn; // sharded: the node id that confirmed the subscription
    private final AtomicLong subscribes = new AtomicLong();
    private volatile boolean handOffPerRead;
    private volatile boolean subscribed;
    private volatile boolean inFlight;
    private volatile DeliveryQueue delivery;
    private final boolean direct;
    private final AtomicLong slowDirect = new AtomicLong();
    private volatile long lastSlowWarn;

    Subscriber(RedisSyncAdapter adapter, Tasks tasks, byte[] channel, SyncOptions options, boolean sharded, boolean direct) {
        this.sharded = sharded;
        this.direct = direct;
        this.slot = SlotHash.getSlot(channel);
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

    /** Starts the delivery thread; none with direct delivery. */
    void start() {
        if (!direct) delivery = new DeliveryQueue(RedisSyncAdapter.TYPE, queueSize, queueBytes, adapter::handle);
    }

    /**
     * Direct delivery: hands the message to sync on this I/O thread (what a listener throws stops in the adapter's
     * {@code deliver}, logged, and never reaches Lettuce's read loop); a delivery over {@link #SLOW_DELIVERY_MILLIS}
     * is counted and logged (every 10 s at most), since it held up the thread.
     */
    private void deliverHere(byte[] message) {
        long start = System.nanoTime();
        adapter.handle(message);
        long took = System.nanoTime() - start;
        if (took > TimeUnit.MILLISECONDS.toNanos(SLOW_DELIVERY_MILLIS)) {
            long n = slowDirect.incrementAndGet();
            long now = System.nanoTime();
            if (n == 1 || now - lastSlowWarn >= SLOW_WARN_EVERY_NANOS) {
                lastSlowWarn = now;
                LOG.warn("redis sync: with directDelivery on, delivering one event held Lettuce's I/O thread for {} ms "
                        + "(no reading of the subscription meanwhile); {} such delivery(ies) so far (slowDirectDeliveries). "
                        + "Make the listeners return at once, or turn directDelivery off",
                        TimeUnit.NANOSECONDS.toMillis(took), n);
            }
        }
    }

    /** Direct delivery: deliveries that held the I/O thread over {@link #SLOW_DELIVERY_MILLIS}. */
    long slowDirectDeliveries() {
        return slowDirect.get();
    }

    /** The channel. */
    byte[] channel() {
        return channel;
    }

    /** Adds the listener (on a cluster connection, the one that also hears the nodes' messages). */
    void listenTo(StatefulRedisPubSubConnection<byte[], byte[]> s) {
        if (s instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> c) {
            cluster = c;
            c.addListener(clusterListener);
        } else {
            s.addListener(this);
        }
    }

    /**
     * Whether Redis confirmed the subscription on the current connection; sharded, also whether that node is still
     * the slot's master as the topology says.
     */
    boolean isSubscribed() {
        if (!subscribed) return false;
        StatefulRedisClusterPubSubConnection<byte[], byte[]> c = cluster;
        if (!sharded || c == null) return true;
        StatefulRedisPubSubConnection<byte[], byte[]> n = node;
        RedisClusterNode master = c.getPartitions().getMasterBySlot(slot);
        String on = subscribedOn;
        if (n == null || !n.isOpen() || (master != null && on != null && !master.getNodeId().equals(on))) {
            subscribed = false;
            LOG.info("redis sync: the sharded subscription to '{}' (slot {}) is lost ({}); subscribing on the slot's master",
                    adapter.key(), slot, n == null || !n.isOpen() ? "its node connection is down"
                            : "the slot's master is now " + master.getUri());
            return false;
        }
        return true;
    }

    /** Whether the connection is the one the sharded subscription sits on (for Lettuce's connection events). */
    boolean isNodeConnection(RedisChannelHandler<?, ?> connection) {
        return connection != null && (Object) connection == node;
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
            if (sharded && s instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> c) {
                shardSubscribe(c);
                return;
            }
            s.async().subscribe(channel).whenComplete((v, error) -> {
                inFlight = false;
                if (error != null) tasks.run(() -> subscribeFailed(SyncFailures.unwrap(error)));
            });
        } catch (Throwable e) {
            inFlight = false;
            adapter.unexpectedError("subscribe", e);
        }
    }

    /**
     * SSUBSCRIBE on the node connection of the slot's master as the topology names it now (a MOVED reply to it
     * would not be followed: a subscription is not a command Lettuce redirects).
     */
    private void shardSubscribe(StatefulRedisClusterPubSubConnection<byte[], byte[]> c) {
        RedisClusterNode master = c.getPartitions().getMasterBySlot(slot);
        if (master == null) {
            inFlight = false;
            tasks.run(() -> subscribeFailed(Errors.failure("redis sync: the cluster topology names no master for slot "
                    + slot + " of '" + adapter.key() + "'", null)));
            return;
        }
        c.getConnectionAsync(master.getNodeId()).thenCompose(n -> {
            node = n;
            return n.async().ssubscribe(channel).toCompletableFuture();
        }).whenComplete((v, error) -> {
            inFlight = false;
            if (error != null) tasks.run(() -> subscribeFailed(SyncFailures.unwrap(error)));
        });
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
            if (cluster != null) adapter.retrySubscribeOnCluster(); // the topology may be stale: refresh, then retry
            else adapter.checkSoon();
        }
    }

    @Override
    public void message(byte[] ch, byte[] message) {
        if (!Arrays.equals(ch, channel) || adapter.stopped()) return;
        if (direct) {
            deliverHere(message);
            return;
        }
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

    /** The cluster connection's listener: the nodes' (sharded) messages and confirmations, with the node. */
    private final class ClusterListener extends RedisClusterPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(RedisClusterNode n, byte[] ch, byte[] message) {
            Subscriber.this.message(ch, message);
        }

        @Override
        public void smessage(RedisClusterNode n, byte[] ch, byte[] message) {
            Subscriber.this.message(ch, message);
        }

        @Override
        public void subscribed(RedisClusterNode n, byte[] ch, long count) {
            Subscriber.this.subscribed(ch, count);
        }

        @Override
        public void ssubscribed(RedisClusterNode n, byte[] ch, long count) {
            if (!Arrays.equals(ch, channel)) return;
            subscribedOn = n == null ? null : n.getNodeId();
            Subscriber.this.subscribed(ch, count);
        }

        @Override
        public void unsubscribed(RedisClusterNode n, byte[] ch, long count) {
            Subscriber.this.unsubscribed(ch, count);
        }

        @Override
        public void sunsubscribed(RedisClusterNode n, byte[] ch, long count) {
            // Redis ends a sharded subscription when the slot leaves the node (resharding): subscribe where it went
            if (Arrays.equals(ch, channel)) LOG.info("redis sync: Redis ended the sharded subscription to '{}' on {} (slot moved?)",
                    adapter.key(), n == null ? "?" : n.getUri());
            Subscriber.this.unsubscribed(ch, count);
        }
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
        if (s instanceof StatefulRedisClusterPubSubConnection<byte[], byte[]> c) c.removeListener(clusterListener);
        else s.removeListener(this);
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
