package org.feathers4j.sync.redis.internal;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives the adapter's state from both connections and the subscription confirmation, at once on Lettuce's
 * connection events and on the subscription's confirmation, and every {@code healthCheckInterval} as a fallback;
 * subscribes again if a resubscription got lost. After an outage it holds the buffer until as many subscribers are
 * on the channel as before it ({@code PUBSUB NUMSUB}, asked every {@value #PEER_POLL_MILLIS} ms meanwhile), at
 * most {@code resubscribeWait}: a message published before a peer resubscribed would be lost for that peer.
 * Scheduler thread only, except the NUMSUB reply.
 */
final class HealthCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HealthCheck.class);
    /** While waiting for the peers after an outage, how often {@code PUBSUB NUMSUB} is asked again. */
    static final long PEER_POLL_MILLIS = 20;
    /** On a cluster, how soon messages whose re-send was refused again are sent again. */
    static final long RESEND_AGAIN_MILLIS = 100;

    private final RedisSyncAdapter adapter;
    private final Tasks tasks;
    private final Connector connector;
    private final Subscriber subscriber;
    private final Publisher publisher;
    private final byte[] channel;
    private final long resubscribeWaitMillis;
    private volatile long expectedSubscribers;
    private volatile boolean numsubInFlight;
    private long peerWaitStart; // scheduler thread only
    private boolean resending; // scheduler thread only

    HealthCheck(RedisSyncAdapter adapter, Tasks tasks, Connector connector, Subscriber subscriber, Publisher publisher,
                byte[] channel, long resubscribeWaitMillis) {
        this.adapter = adapter;
        this.tasks = tasks;
        this.connector = connector;
        this.subscriber = subscriber;
        this.publisher = publisher;
        this.channel = channel;
        this.resubscribeWaitMillis = resubscribeWaitMillis;
    }

    /** Checks the connections and the subscription and reports the state. Scheduler thread. */
    void check() {
        if (adapter.stopped()) return;
        StatefulConnection<byte[], byte[]> p = connector.publish();
        StatefulRedisPubSubConnection<byte[], byte[]> s = connector.subscribe();
        if (p == null || s == null) return; // the first connection is still being made
        boolean subOpen = s.isOpen();
        boolean pubOpen = p.isOpen();
        if (!subOpen) subscriber.lost();
        if (subOpen && !subscriber.isSubscribed()) subscriber.subscribe(s);
        boolean subscribed = subscriber.isSubscribed();
        if (pubOpen && subOpen && subscribed) {
            if (adapter.state() == SyncState.CONNECTED) {
                publisher.resend(p);
                pollSubscribers(null); // every tick: a peer that joined just before an outage is waited for too
            } else {
                awaitPeersThenConnect();
            }
        } else if (adapter.state() == SyncState.CONNECTED) {
            adapter.down(new SyncException(RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis connection lost to "
                    + adapter.where() + " (" + (pubOpen ? "" : "publish connection down, ")
                    + (subOpen ? (subscribed ? "" : "not subscribed") : "subscribe connection down") + ")"));
        }
    }

    private boolean isUp() {
        StatefulConnection<byte[], byte[]> p = connector.publish();
        StatefulRedisPubSubConnection<byte[], byte[]> s = connector.subscribe();
        return p != null && s != null && p.isOpen() && s.isOpen() && subscriber.isSubscribed() && !adapter.stopped();
    }

    private void awaitPeersThenConnect() {
        long expected = expectedSubscribers;
        if (resubscribeWaitMillis <= 0 || expected <= 1) {
            goConnected();
            return;
        }
        long now = System.nanoTime();
        if (peerWaitStart == 0) peerWaitStart = now;
        long waited = TimeUnit.NANOSECONDS.toMillis(now - peerWaitStart);
        if (waited >= resubscribeWaitMillis) {
            LOG.info("redis sync: {} subscriber(s) were on '{}' before the outage, not all are back after {} ms; sending anyway",
                    expected, adapter.key(), waited);
            goConnected();
            return;
        }
        pollSubscribers(count -> {
            if (adapter.state() == SyncState.CONNECTED || !isUp()) return;
            if (count >= expected) {
                LOG.info("redis sync: all {} subscriber(s) of '{}' are back after {} ms", count, adapter.key(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - peerWaitStart));
                goConnected();
            } else {
                // peers reconnect within milliseconds of Redis being back: ask again soon, not at the next tick
                tasks.schedule(this::check, PEER_POLL_MILLIS);
            }
        });
    }

    private void goConnected() {
        peerWaitStart = 0;
        if (publisher.resendsFirst() && publisher.waiting() > 0) {
            if (resending) return;
            resending = true;
            publisher.resend(connector.publish()).whenComplete((v, e) -> tasks.run(() -> {
                resending = false;
                if (publisher.waiting() == 0) check();
                else tasks.schedule(this::check, RESEND_AGAIN_MILLIS); // refused again: not in a tight loop
            }));
            return;
        }
        publisher.resend(connector.publish());
        adapter.up();
    }

    /** Asks Redis how many subscribers the channel has; remembers it while connected, or hands it on. */
    private void pollSubscribers(LongConsumer then) {
        StatefulConnection<byte[], byte[]> p = connector.publish();
        if (p == null || numsubInFlight) return;
        numsubInFlight = true;
        try {
            var counted = Commands.subscribers(p, channel);
            if (counted == null) { // a cluster: no node counts them all; not waited for
                numsubInFlight = false;
                if (then != null) then.accept(Long.MAX_VALUE);
                return;
            }
            counted.whenComplete((m, e) -> {
                numsubInFlight = false;
                if (e != null && SyncFailures.isUnrecoverable(e)) tasks.run(() -> adapter.unexpectedError("PUBSUB NUMSUB", e));
                if (e != null || m == null) return;
                long count = 0;
                for (Long v : m.values()) count += v == null ? 0 : v;
                long c = count;
                tasks.run(() -> {
                    if (then != null) then.accept(c);
                    else if (adapter.state() == SyncState.CONNECTED) expectedSubscribers = c;
                });
            });
        } catch (Throwable e) {
            numsubInFlight = false;
            adapter.unexpectedError("PUBSUB NUMSUB", e);
        }
    }

    /** The channel's subscribers at the last {@code PUBSUB NUMSUB} while connected. */
    long channelSubscribers() {
        return expectedSubscribers;
    }
}
