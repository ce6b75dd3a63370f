package org.feathers4j.sync.redis.internal;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The two connections: PUBLISH on one, SUBSCRIBE on a second (pub/sub) one, both with the byte-array codec.
 *
 * <p>Lettuce fails an initial connect at once, so the first connections are retried here, on the scheduler
 * thread, after the delays of the same Lettuce {@link Delay} the adapter gives Lettuce for its reconnects;
 * once connected, Lettuce reconnects and resubscribes by itself, and this class only listens to its connection
 * events. Errors retrying cannot fix (credentials, TLS, a broken class path) fail the adapter.
 */
final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);
    /** Consecutive stalled handshakes on a TLS URI, before the first connection, that count as misconfiguration. */
    private static final int TLS_STALLS_BEFORE_FAILING = 3;

    private final RedisSyncAdapter adapter;
    private final Tasks tasks;
    private final Subscriber subscriber;
    private final Delay delay;
    private final RedisEndpoint endpoint; // null when given connections
    private final AbstractRedisClient client; // null when given connections
    private final boolean ownsClient;
    private final ClientResources ownResources; // null unless the adapter made them
    private final PromptTimer ownTimer; // null unless the adapter made the resources
    private final boolean ownsConnections;
    private final StateListener stateListener = new StateListener();
    private final AtomicLong attempts = new AtomicLong();
    private volatile StatefulConnection<byte[], byte[]> pub;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private Disposable events;
    private int failedAttempts; // scheduler thread only
    private int tlsStalls; // scheduler thread only
    private volatile long lastRefresh;

    Connector(RedisSyncAdapter adapter, Tasks tasks, Subscriber subscriber, Delay delay, RedisSyncAdapter.Source source) {
        this.adapter = adapter;
        this.tasks = tasks;
        this.subscriber = subscriber;
        this.delay = delay;
        this.endpoint = source.endpoint();
        this.client = endpoint == null ? null : endpoint.client();
        this.ownsClient = source.ownsClient();
        this.ownResources = source.ownResources();
        this.ownTimer = source.ownTimer();
        this.pub = source.publish();
        this.sub = source.subscribe();
        this.ownsConnections = source.publish() == null;
    }

    /** The publish connection, or {@code null} before the first one is made. */
    StatefulConnection<byte[], byte[]> publish() {
        return pub;
    }

    /** The pub/sub connection, or {@code null} before the first one is made. */
    StatefulRedisPubSubConnection<byte[], byte[]> subscribe() {
        return sub;
    }

    /** Listens to Lettuce's connection events and makes the first connections (or takes the given ones). */
    void start() {
        if (client != null) {
            client.addListener(stateListener);
            if (ownResources != null) {
                events = ownResources.eventBus().get()
                        .filter(ReconnectFailedEvent.class::isInstance)
                        .cast(ReconnectFailedEvent.class)
                        .subscribe(this::onReconnectFailed, e -> tasks.run(() -> adapter.unexpectedError("Lettuce event bus", e)));
            }
        }
        if (ownsConnections) {
            tasks.run(this::connectStep);
        } else {
            subscriber.listenTo(sub);
            adapter.checkSoon();
        }
    }

    /** One step of the first connection: the publish connection, then the pub/sub one. Scheduler thread. */
    private void connectStep() {
        if (adapter.stopped()) return;
        attempts.incrementAndGet();
        String which = pub == null ? "publish" : "subscribe";
        try {
            openNext();
        } catch (Throwable e) {
            // thrown before Lettuce could fail its future, e.g. NoClassDefFoundError from its transport
            // detection: a failed attempt like any other (connectFailed fails at once on a LinkageError)
            connectFailed(which, e);
        }
    }

    private void openNext() {
        if (pub == null) {
            open("publish", endpoint.connect(subscriber.channel()), c -> {
                pub = c;
                connectStep();
            });
        } else if (sub == null) {
            open("subscribe", endpoint.connectPubSub(), c -> {
                subscriber.listenTo(c);
                sub = c;
                failedAttempts = 0;
                adapter.checkNow();
            });
        }
    }

    /** Takes the connection on the scheduler thread, or retries; closes it if the adapter stopped meanwhile. */
    private <C extends StatefulConnection<byte[], byte[]>> void open(String which, CompletionStage<C> connecting,
                                                                   Consumer<C> use) {
        connecting.whenComplete((c, e) -> tasks.run(() -> {
            if (e != null) connectFailed(which, e);
            else if (adapter.stopped()) c.closeAsync();
            else use.accept(c);
        }));
    }

    private void connectFailed(String which, Throwable error) {
        if (adapter.stopped()) return;
        Throwable e = SyncFailures.unwrap(error);
        String where = adapter.where();
        if (SyncFailures.isUnrecoverable(e)) {
            adapter.fail(Errors.failure("redis sync cannot open the " + which + " connection to " + where + ": "
                    + SyncFailures.describe(e) + " (not retried: a class is missing or incompatible; are Netty 4.1 "
                    + "and 4.2 jars mixed on the class path?)", e));
            return;
        }
        if (Errors.isUnfixable(e)) {
            adapter.fail(Errors.failure("redis sync cannot connect to " + where + ": " + SyncFailures.describe(e)
                    + " (not retried: fix the credentials or TLS settings)", e));
            return;
        }
        if (endpoint.isSsl() && Errors.isHandshakeStall(e)) {
            if (++tlsStalls >= TLS_STALLS_BEFORE_FAILING) {
                adapter.fail(new SyncException(RedisSyncAdapter.TYPE,
                        SyncException.Reason.TLS, "redis sync cannot connect to " + where
                        + ": the TLS handshake did not complete in " + tlsStalls + " attempts (" + SyncFailures.describe(e)
                        + "); is the port a TLS port (Redis tls-port)? Not retried further: fix the URI or the TLS settings", e));
                return;
            }
        } else {
            tlsStalls = 0;
        }
        adapter.down(Errors.failure("redis sync cannot open the " + which + " connection to " + where + ": "
                + SyncFailures.describe(e), e));
        long wait = delay.createDelay(++failedAttempts).toMillis();
        if (failedAttempts == 1 || failedAttempts % 10 == 0) {
            LOG.warn("redis sync: cannot open the {} connection to {} ({}); attempt {}, retrying in {} ms; events are buffered",
                    which, where, SyncFailures.describe(e), failedAttempts, wait);
        }
        tasks.schedule(this::connectStep, wait);
    }

    private void onReconnectFailed(ReconnectFailedEvent event) {
        if (adapter.stopped()) return;
        Throwable c = event.getCause();
        if (SyncFailures.isUnrecoverable(c)) {
            tasks.run(() -> adapter.unexpectedError("reconnect", c));
            return;
        }
        if (adapter.state() == SyncState.CONNECTED) return;
        adapter.note(Errors.failure("redis sync: reconnect attempt " + event.getAttempt() + " to " + adapter.where()
                + " failed: " + SyncFailures.describe(c), c));
        if (event.getAttempt() == 1 || event.getAttempt() % 10 == 0) {
            LOG.warn("redis sync: reconnect attempt {} to {} failed: {}", event.getAttempt(), adapter.where(), SyncFailures.describe(c));
        }
    }

    /** Lettuce's connection events, for the adapter's two connections: check at once. */
    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (isOurs(connection)) adapter.checkSoon();
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (!isOurs(connection)) return;
            if (connection == sub || subscriber.isNodeConnection(connection)) subscriber.lost();
            adapter.checkSoon();
        }

        @Override
        public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
            if (!isOurs(connection)) return;
            adapter.note(Errors.failure("redis sync: connection error on " + adapter.where() + ": "
                    + SyncFailures.describe(cause), cause));
            if (SyncFailures.isUnrecoverable(cause)) tasks.run(() -> adapter.unexpectedError("connection", cause));
        }

        private boolean isOurs(RedisChannelHandler<?, ?> connection) {
            return connection != null && ((Object) connection == pub || (Object) connection == sub
                    || subscriber.isNodeConnection(connection));
        }
    }

    /**
     * Asks a cluster client to read the topology again now, at most once a second: the subscription found the
     * slot's master gone or moved before Lettuce's own triggers did. Not for failed commands: a forced refresh makes
     * Lettuce refuse the next commands for a moment. No-op on one Redis.
     */
    void refreshTopology() {
        if (!(client instanceof RedisClusterClient c) || adapter.stopped()) return;
        long now = System.nanoTime();
        if (now - lastRefresh < TimeUnit.SECONDS.toNanos(1)) return;
        lastRefresh = now;
        try {
            c.refreshPartitionsAsync().whenComplete((v, e) -> adapter.checkSoon());
        } catch (RuntimeException e) {
            adapter.note(Errors.failure("redis sync: cluster topology refresh failed: " + SyncFailures.describe(e), e));
        }
    }

    /** Connection attempts made for the first connections. */
    long attempts() {
        return attempts.get();
    }

    /**
     * Closes what the adapter opened: its connections, then the client and resources it made; from connections
     * it was given it only unsubscribes. Never shuts down a client or resources it was given.
     */
    CompletableFuture<Void> close() {
        if (events != null) events.dispose();
        if (client != null) client.removeListener(stateListener);
        StatefulRedisPubSubConnection<byte[], byte[]> s = sub;
        StatefulConnection<byte[], byte[]> p = pub;
        List<CompletableFuture<?>> closing = new ArrayList<>();
        if (ownsConnections) {
            if (s != null) closing.add(s.closeAsync());
            if (p != null) closing.add(p.closeAsync());
        } else if (s != null) {
            closing.add(subscriber.detach(s));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).handle((v, e) -> null);
        if (ownsClient) {
            all = all.thenCompose(v -> client.shutdownAsync(0, 2, TimeUnit.SECONDS)).handle((v, e) -> null);
            if (ownResources != null) {
                all = all.thenCompose(v -> {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    ownResources.shutdown(0, 2, TimeUnit.SECONDS).addListener(x -> done.complete(null));
                    return done;
                });
                // given to the resources as a shared timer, so Lettuce leaves it running
                if (ownTimer != null) all = all.whenComplete((v, e) -> ownTimer.stop());
            }
        }
        return all;
    }
}
