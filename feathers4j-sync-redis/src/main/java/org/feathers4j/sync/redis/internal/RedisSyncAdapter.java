package org.feathers4j.sync.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.SyncState;
import org.feathers4j.sync.redis.RedisSyncConfig;
import org.feathers4j.sync.redis.RedisSyncException;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The Redis adapter: PUBLISH on one connection, SUBSCRIBE on a second (pub/sub) connection, both Lettuce with
 * the byte-array codec.
 *
 * <p>Recovery: the first connections are retried by this adapter on its own scheduler with exponential backoff
 * (Lettuce fails an initial connect at once); once connected, Lettuce reconnects and resubscribes by itself. A
 * health check (every {@code healthCheckInterval}, and at once on Lettuce's connection events) derives the state
 * from both connections and the subscription confirmation, and subscribes again if a resubscription got lost.
 *
 * <p>Buffering: only {@link AbstractSyncAdapter}'s bounded buffer holds messages published while disconnected.
 * Lettuce is told to reject commands while disconnected, so it holds nothing new. PUBLISH commands that were on
 * the wire when the connection dropped are either re-sent by Lettuce after reconnecting (its at-least-once mode)
 * or, if they fail (timeout, rejected), re-sent by this adapter before the buffer is flushed. Either way a
 * message may reach Redis twice; receivers drop the copy by (origin, seq).
 */
public final class RedisSyncAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSyncAdapter.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int MAX_SEND_ATTEMPTS = 10;
    /** Consecutive stalled handshakes on a TLS URI, before the first connection, that count as misconfiguration. */
    private static final int TLS_STALLS_BEFORE_FAILING = 3;

    private final RedisSyncConfig config;
    private final RedisURI redisUri; // null when given connections
    private final String where;
    private final byte[] channel;
    private final boolean ownsClient;
    private final boolean ownsConnections;
    /** Messages of the current read, waiting for its end (when {@link #handOffPerRead}). */
    private final ConcurrentLinkedQueue<byte[]> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean deliveryScheduled = new AtomicBoolean();
    /** Whether our own channels call {@link #readComplete()}; otherwise one hand-off per message. */
    private volatile boolean handOffPerRead;
    private final ClientResources ownResources;
    private final RedisClient client;
    private final Listener listener = new Listener();
    private final StateListener stateListener = new StateListener();
    private final Object retryLock = new Object();
    private final ArrayDeque<Outgoing> retries = new ArrayDeque<>();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong subscribes = new AtomicLong();
    private final AtomicLong connectAttempts = new AtomicLong();

    private volatile StatefulRedisConnection<byte[], byte[]> pub;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> sub;
    private volatile boolean subscribed;
    private volatile boolean subscribeInFlight;
    private volatile boolean pubSuspect;
    private volatile boolean released;
    private ScheduledExecutorService scheduler;
    private ThreadPoolExecutor delivery;
    private Disposable eventSubscription;
    private int failedAttempts; // scheduler thread only
    private int tlsStalls; // scheduler thread only
    private long peerWaitStart; // scheduler thread only
    private int ticks; // scheduler thread only
    private volatile long expectedSubscribers;
    private volatile boolean numsubInFlight;

    private record Outgoing(byte[] message, CompletableFuture<Void> done, int attempt) {
        Outgoing next() {
            return new Outgoing(message, done, attempt + 1);
        }
    }

    private RedisSyncAdapter(SyncOptions options, RedisSyncConfig config, RedisClient client, boolean ownsClient,
                             ClientResources ownResources, RedisURI redisUri,
                             StatefulRedisConnection<byte[], byte[]> pub,
                             StatefulRedisPubSubConnection<byte[], byte[]> sub) {
        super("redis", options);
        this.config = config;
        this.client = client;
        this.ownsClient = ownsClient;
        this.ownResources = ownResources;
        this.redisUri = redisUri;
        this.pub = pub;
        this.sub = sub;
        this.ownsConnections = pub == null;
        this.channel = options.key().getBytes(StandardCharsets.UTF_8);
        this.where = options.uri() != null ? SyncOptions.redact(options.uri())
                : redisUri != null ? redisUri.getHost() + ":" + redisUri.getPort() : "given connections";
    }

    /** An adapter that makes its own client from {@code options.uri()} and closes everything it made. */
    public static RedisSyncAdapter fromUri(SyncOptions options) {
        RedisSyncConfig config = RedisSyncConfig.from(options);
        RedisURI uri = RedisUris.parse(options.uri());
        if (uri.getClientName() == null && config.clientName() != null) uri.setClientName(config.clientName());
        if (!options.uri().contains("timeout=")) uri.setTimeout(config.commandTimeout()); // a ?timeout= in the URI wins
        ClientResources resources = config.clientResources();
        ClientResources own = null;
        OwnChannels customizer = new OwnChannels();
        if (resources == null) {
            own = DefaultClientResources.builder()
                    .reconnectDelay(Delay.exponential(config.retryDelayMin(), config.retryDelayMax(), 2, TimeUnit.MILLISECONDS))
                    .nettyCustomizer(customizer)
                    .build();
            resources = own;
        }
        RedisClient client = RedisClient.create(resources);
        ClientOptions.Builder b = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).build());
        if (config.clientOptions() != null) config.clientOptions().accept(b);
        client.setOptions(b.build());
        RedisSyncAdapter adapter = new RedisSyncAdapter(options, config, client, true, own, uri, null, null);
        if (own != null) {
            customizer.adapter = adapter;
            adapter.handOffPerRead = true;
        }
        return adapter;
    }

    /**
     * What the adapter adds to the channels of the client resources it makes itself (not to a client
     * or resources it is given). Each saves a system call or a thread wake-up per message under load:
     * <ul>
     *   <li>flush consolidation: a PUBLISH is a write task on the connection's event loop and would be
     *       flushed alone; the flush waits until the tasks already queued have run, so a burst leaves
     *       in few writes while a lone PUBLISH is still flushed at once;</li>
     *   <li>one hand-off per read: the messages decoded from one read go to the delivery thread
     *       together, when the read completes, instead of one hand-off each.</li>
     * </ul>
     */
    private static final class OwnChannels implements NettyCustomizer {
        volatile RedisSyncAdapter adapter;

        @Override
        public void afterChannelInitialized(Channel channel) {
            channel.pipeline().addFirst(new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelReadComplete(ChannelHandlerContext ctx) {
                    RedisSyncAdapter a = adapter;
                    if (a != null) a.readComplete();
                    ctx.fireChannelReadComplete();
                }
            });
        }
    }

    /** An adapter that opens its two connections from the caller's client, closes them, but not the client. */
    public static RedisSyncAdapter fromClient(RedisClient client, RedisURI uri, SyncOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(uri, "uri");
        return new RedisSyncAdapter(options, RedisSyncConfig.from(options), client, false, null, uri, null, null);
    }

    /** An adapter on the caller's two connections; it never closes them, it only unsubscribes on close. */
    public static RedisSyncAdapter fromConnections(StatefulRedisConnection<byte[], byte[]> publish,
                                                   StatefulRedisPubSubConnection<byte[], byte[]> subscribe,
                                                   SyncOptions options) {
        Objects.requireNonNull(publish, "publish connection");
        Objects.requireNonNull(subscribe, "subscribe connection");
        if ((Object) publish == subscribe) {
            throw new IllegalArgumentException("the publish and the subscribe connection must be two connections: "
                    + "a subscribed connection cannot PUBLISH");
        }
        return new RedisSyncAdapter(options, RedisSyncConfig.from(options), null, false, null, null, publish, subscribe);
    }

    // ---- start and (re)connection ---------------------------------------------------------

    @Override
    protected void doStart() {
        try {
            startThreadsAndConnect();
        } catch (Throwable e) {
            // e.g. Lettuce's transport detection hitting a broken class path; release the threads made so far
            fail(new RedisSyncException("redis sync cannot start for " + where + ": " + SyncFailures.describe(e), e));
        }
    }

    private void startThreadsAndConnect() {
        int n = INSTANCES.incrementAndGet();
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("feathers4j-redis-sync-" + n));
        s.setRemoveOnCancelPolicy(true);
        scheduler = s;
        delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                daemon("feathers4j-redis-sync-delivery-" + n));
        if (client != null) {
            client.addListener(stateListener);
            if (ownResources != null) {
                eventSubscription = ownResources.eventBus().get()
                        .filter(ReconnectFailedEvent.class::isInstance)
                        .cast(ReconnectFailedEvent.class)
                        .subscribe(this::onReconnectFailed,
                                e -> runOnScheduler(() -> unexpectedError("Lettuce event bus", e)));
            }
        }
        long every = config.healthCheckInterval().toMillis();
        s.scheduleWithFixedDelay(this::healthCheckSafely, every, every, TimeUnit.MILLISECONDS);
        if (ownsConnections) {
            runOnScheduler(this::connectStep);
        } else {
            sub.addListener(listener);
            runOnScheduler(this::healthCheck);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** One step of the first connection: publish connection, then the pub/sub one, then subscribe. Scheduler thread. */
    private void connectStep() {
        if (released) return;
        connectAttempts.incrementAndGet();
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
            client.connectAsync(ByteArrayCodec.INSTANCE, redisUri).whenComplete((c, e) -> runOnScheduler(() -> {
                if (e != null) {
                    connectFailed("publish", e);
                } else if (released) {
                    c.closeAsync();
                } else {
                    pub = c;
                    connectStep();
                }
            }));
        } else if (sub == null) {
            client.connectPubSubAsync(ByteArrayCodec.INSTANCE, redisUri).whenComplete((c, e) -> runOnScheduler(() -> {
                if (e != null) {
                    connectFailed("subscribe", e);
                } else if (released) {
                    c.closeAsync();
                } else {
                    c.addListener(listener);
                    sub = c;
                    failedAttempts = 0;
                    healthCheck();
                }
            }));
        }
    }

    private void connectFailed(String which, Throwable error) {
        if (released) return;
        Throwable e = Errors.unwrap(error);
        if (SyncFailures.isUnrecoverable(e)) {
            fail(new RedisSyncException("redis sync cannot open the " + which + " connection to " + where + ": "
                    + SyncFailures.describe(e) + " (not retried: a class is missing or incompatible; are Netty 4.1 "
                    + "and 4.2 jars mixed on the class path?)", e));
            return;
        }
        if (Errors.isUnfixable(e)) {
            fail(new RedisSyncException("redis sync cannot connect to " + where + ": " + describe(e)
                    + " (not retried: fix the credentials or TLS settings)", e));
            return;
        }
        if (redisUri.isSsl() && Errors.isHandshakeStall(e)) {
            if (++tlsStalls >= TLS_STALLS_BEFORE_FAILING) {
                fail(new RedisSyncException("redis sync cannot connect to " + where + ": the TLS handshake did not complete in "
                        + tlsStalls + " attempts (" + describe(e) + "); is the port a TLS port (Redis tls-port)? "
                        + "Not retried further: fix the URI or the TLS settings", e));
                return;
            }
        } else {
            tlsStalls = 0;
        }
        disconnected(e);
        long delay = backoff(failedAttempts++);
        if (failedAttempts == 1 || failedAttempts % 10 == 0) {
            LOG.warn("redis sync: cannot open the {} connection to {} ({}); attempt {}, retrying in {} ms; events are buffered",
                    which, where, describe(e), failedAttempts, delay);
        }
        schedule(this::connectStep, delay);
    }

    private long backoff(int attempt) {
        long min = config.retryDelayMin().toMillis();
        long max = Math.max(min, config.retryDelayMax().toMillis());
        long d = attempt >= 30 ? max : Math.min(max, min << Math.min(attempt, 30));
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    private void subscribe() {
        StatefulRedisPubSubConnection<byte[], byte[]> s = sub;
        if (s == null || subscribeInFlight || released) return;
        subscribeInFlight = true;
        subscribes.incrementAndGet();
        try {
            s.async().subscribe(channel).whenComplete((v, error) -> {
                subscribeInFlight = false;
                if (error == null) return;
                Throwable e = Errors.unwrap(error);
                if (SyncFailures.isUnrecoverable(e)) {
                    runOnScheduler(() -> unexpectedError("subscribe", e));
                } else if (Errors.isUnfixable(e)) {
                    runOnScheduler(() -> fail(new RedisSyncException("redis sync cannot subscribe to '" + options.key()
                            + "' on " + where + ": " + describe(e) + " (not retried: fix the credentials or ACL)", e)));
                } else {
                    recordError(e);
                    runOnScheduler(this::healthCheck);
                }
            });
        } catch (Throwable e) {
            subscribeInFlight = false;
            unexpectedError("subscribe", e);
        }
    }

    private void healthCheckSafely() {
        try {
            healthCheck();
        } catch (Throwable e) {
            unexpectedError("health check", e); // a periodic task that throws is never run again
        }
    }

    /** Derives the state from the connections and the subscription. Scheduler thread. */
    private void healthCheck() {
        if (released || isClosed()) return;
        StatefulRedisConnection<byte[], byte[]> p = pub;
        StatefulRedisPubSubConnection<byte[], byte[]> s = sub;
        if (p == null || s == null) return; // the first connection is still being made
        boolean subOpen = s.isOpen();
        boolean pubOpen = p.isOpen();
        if (!subOpen) subscribed = false;
        if (subOpen && !subscribed) subscribe();
        if (pubOpen && subOpen && subscribed) {
            pubSuspect = false;
            if (state() == SyncState.CONNECTED) {
                resendRetries();
                if (++ticks % 4 == 0) pollSubscribers(null);
            } else {
                awaitPeersThenConnect();
            }
        } else {
            if (state() == SyncState.CONNECTED) {
                disconnected(new RedisException("redis connection lost to " + where + " ("
                        + (pubOpen ? "" : "publish connection down, ")
                        + (subOpen ? (subscribed ? "" : "not subscribed") : "subscribe connection down") + ")"));
            }
        }
    }

    private boolean isUp() {
        StatefulRedisConnection<byte[], byte[]> p = pub;
        StatefulRedisPubSubConnection<byte[], byte[]> s = sub;
        return p != null && s != null && p.isOpen() && s.isOpen() && subscribed && !released;
    }

    /**
     * After an outage, holds the buffer until as many subscribers are on the channel as before it (the other
     * instances have resubscribed), or {@code resubscribeWait} has passed: a message published before a peer
     * resubscribed would be lost for that peer. Scheduler thread.
     */
    private void awaitPeersThenConnect() {
        long wait = config.resubscribeWait().toMillis();
        long expected = expectedSubscribers;
        if (wait <= 0 || expected <= 1) {
            goConnected();
            return;
        }
        long now = System.nanoTime();
        if (peerWaitStart == 0) peerWaitStart = now;
        long waited = TimeUnit.NANOSECONDS.toMillis(now - peerWaitStart);
        if (waited >= wait) {
            LOG.info("redis sync: {} subscriber(s) were on '{}' before the outage, not all are back after {} ms; sending anyway",
                    expected, options.key(), waited);
            goConnected();
            return;
        }
        pollSubscribers(count -> {
            if (count >= expected && isUp() && state() != SyncState.CONNECTED) {
                LOG.info("redis sync: all {} subscriber(s) of '{}' are back after {} ms", count, options.key(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - peerWaitStart));
                goConnected();
            }
        });
    }

    private void goConnected() {
        peerWaitStart = 0;
        resendRetries();
        connected();
    }

    /** Asks Redis how many subscribers the channel has; remembers it while connected, or hands it on. */
    private void pollSubscribers(java.util.function.LongConsumer then) {
        StatefulRedisConnection<byte[], byte[]> p = pub;
        if (p == null || numsubInFlight) return;
        numsubInFlight = true;
        try {
            p.async().pubsubNumsub(channel).whenComplete((m, e) -> {
                numsubInFlight = false;
                if (e != null && SyncFailures.isUnrecoverable(e)) runOnScheduler(() -> unexpectedError("PUBSUB NUMSUB", e));
                if (e != null || m == null) return;
                long count = 0;
                for (Long v : m.values()) count += v == null ? 0 : v;
                long c = count;
                runOnScheduler(() -> {
                    if (then != null) then.accept(c);
                    else if (state() == SyncState.CONNECTED) expectedSubscribers = c;
                });
            });
        } catch (Throwable e) {
            numsubInFlight = false;
            unexpectedError("PUBSUB NUMSUB", e);
        }
    }

    private void fail(RedisSyncException e) {
        failed(e);
        release();
    }

    /**
     * A throwable that escaped a task or callback of this adapter: logged, recorded, and the adapter
     * fails (and lets go of its connections) if retrying cannot fix it. Scheduler thread, or a thread
     * that holds no Lettuce lock.
     */
    private void unexpectedError(String what, Throwable e) {
        if (unexpected(what, e)) release();
    }

    private void onReconnectFailed(ReconnectFailedEvent event) {
        if (released) return;
        Throwable c = event.getCause();
        if (SyncFailures.isUnrecoverable(c)) {
            runOnScheduler(() -> unexpectedError("reconnect", c));
            return;
        }
        if (state() == SyncState.CONNECTED) return;
        recordError(c);
        if (event.getAttempt() == 1 || event.getAttempt() % 10 == 0) {
            LOG.warn("redis sync: reconnect attempt {} to {} failed: {}", event.getAttempt(), where, describe(c));
        }
    }

    // ---- publishing ----------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(new Outgoing(message, done, 1));
        return done;
    }

    private void attempt(Outgoing o) {
        StatefulRedisConnection<byte[], byte[]> c = pub;
        if (c == null) {
            onSendError(o, new RedisException("Currently not connected"));
            return;
        }
        try {
            c.async().publish(channel, o.message()).whenComplete((n, e) -> {
                if (e == null) o.done().complete(null);
                else onSendError(o, Errors.unwrap(e));
            });
        } catch (Throwable e) {
            onSendError(o, e);
        }
    }

    /**
     * Handles a failed PUBLISH on the scheduler thread: never on Lettuce's I/O thread, which may hold Lettuce's
     * endpoint lock while a publisher holds the buffer's lock and waits for it.
     */
    private void onSendError(Outgoing o, Throwable e) {
        ScheduledExecutorService s = scheduler;
        try {
            s.execute(() -> sendFailed(o, e));
        } catch (RuntimeException rejected) {
            o.done().completeExceptionally(e);
        }
    }

    private void sendFailed(Outgoing o, Throwable e) {
        if (SyncFailures.isUnrecoverable(e)) {
            o.done().completeExceptionally(e);
            unexpectedError("publish", e);
            return;
        }
        if (isClosed() || released || !Errors.isConnectionProblem(e) || o.attempt() >= MAX_SEND_ATTEMPTS) {
            o.done().completeExceptionally(e);
            return;
        }
        List<Outgoing> overflow = new ArrayList<>();
        synchronized (retryLock) {
            retries.add(o.next());
            int max = Math.max(1, options.bufferSize());
            while (retries.size() > max) overflow.add(retries.poll());
        }
        for (Outgoing x : overflow) {
            x.done().completeExceptionally(new RedisSyncException("redis sync: a message whose PUBLISH failed was dropped "
                    + "because more than bufferSize (" + options.bufferSize() + ") failed messages were waiting", e));
        }
        pubSuspect = true;
        disconnected(e);
    }

    /** Sends the messages whose PUBLISH failed, in order, before the buffer is flushed. Scheduler thread. */
    private void resendRetries() {
        List<Outgoing> again;
        synchronized (retryLock) {
            if (retries.isEmpty()) return;
            again = new ArrayList<>(retries);
            retries.clear();
        }
        resent.addAndGet(again.size());
        LOG.info("redis sync: sending {} message(s) again whose PUBLISH failed when the connection dropped", again.size());
        for (Outgoing o : again) attempt(o);
    }

    // ---- receiving -----------------------------------------------------------------------

    /** I/O thread, at the end of every read of one of our own channels: hands what arrived to the delivery thread. */
    private void readComplete() {
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
        while ((m = arrived.poll()) != null) {
            if (!isClosed()) deliver(m);
        }
    }

    private final class Listener extends RedisPubSubAdapter<byte[], byte[]> {
        @Override
        public void message(byte[] ch, byte[] message) {
            if (!Arrays.equals(ch, channel) || isClosed()) return;
            if (handOffPerRead) {
                arrived.add(message); // handed over in readComplete(), at the end of this read
                return;
            }
            try {
                delivery.execute(() -> deliver(message));
            } catch (RuntimeException e) {
                // rejected: the adapter is closing
            }
        }

        @Override
        public void subscribed(byte[] ch, long count) {
            if (!Arrays.equals(ch, channel)) return;
            subscribed = true;
            runOnScheduler(RedisSyncAdapter.this::healthCheck);
        }

        @Override
        public void unsubscribed(byte[] ch, long count) {
            if (!Arrays.equals(ch, channel)) return;
            subscribed = false;
            runOnScheduler(RedisSyncAdapter.this::healthCheck);
        }
    }

    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (isOurs(connection)) runOnScheduler(RedisSyncAdapter.this::healthCheck);
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (!isOurs(connection)) return;
            if (connection == sub) subscribed = false;
            runOnScheduler(RedisSyncAdapter.this::healthCheck);
        }

        @Override
        public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
            if (!isOurs(connection)) return;
            recordError(cause);
            if (SyncFailures.isUnrecoverable(cause)) runOnScheduler(() -> unexpectedError("connection", cause));
        }

        private boolean isOurs(RedisChannelHandler<?, ?> connection) {
            return connection != null && ((Object) connection == pub || (Object) connection == sub);
        }
    }

    // ---- plumbing ------------------------------------------------------------------------

    private void runOnScheduler(Runnable r) {
        schedule(r, 0);
    }

    private void schedule(Runnable r, long delayMillis) {
        ScheduledExecutorService s = scheduler;
        if (s == null || s.isShutdown()) return;
        Runnable guarded = () -> {
            try {
                r.run();
            } catch (Throwable e) {
                unexpectedError("internal task", e); // an executor would keep it in a Future nobody reads
            }
        };
        try {
            if (delayMillis <= 0) s.execute(guarded);
            else s.schedule(guarded, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // rejected: shutting down
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) m += ": " + root.getMessage();
        return m;
    }

    /** Stops retrying and closes what this adapter opened. Idempotent. */
    private CompletableFuture<Void> release() {
        if (released) return CompletableFuture.completedFuture(null);
        released = true;
        List<Outgoing> pending;
        synchronized (retryLock) {
            pending = new ArrayList<>(retries);
            retries.clear();
        }
        for (Outgoing o : pending) o.done().completeExceptionally(new RedisSyncException("redis sync adapter stopped", null));
        if (eventSubscription != null) eventSubscription.dispose();
        if (client != null) client.removeListener(stateListener);
        StatefulRedisPubSubConnection<byte[], byte[]> s = sub;
        StatefulRedisConnection<byte[], byte[]> p = pub;
        List<CompletableFuture<?>> closing = new ArrayList<>();
        if (ownsConnections) {
            if (s != null) closing.add(s.closeAsync());
            if (p != null) closing.add(p.closeAsync());
        } else if (s != null) {
            s.removeListener(listener);
            if (s.isOpen()) {
                try {
                    closing.add(s.async().unsubscribe(channel).toCompletableFuture()
                            .completeOnTimeout(null, 2, TimeUnit.SECONDS));
                } catch (RuntimeException e) {
                    // best effort
                }
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .handle((v, e) -> null);
        if (ownsClient) {
            all = all.thenCompose(v -> client.shutdownAsync(0, 2, TimeUnit.SECONDS)).handle((v, e) -> null);
            if (ownResources != null) {
                all = all.thenCompose(v -> {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    ownResources.shutdown(0, 2, TimeUnit.SECONDS).addListener(x -> done.complete(null));
                    return done;
                });
            }
        }
        ScheduledExecutorService sch = scheduler;
        ThreadPoolExecutor del = delivery;
        return all.whenComplete((v, e) -> {
            if (sch != null) sch.shutdown();
            if (del != null) del.shutdown();
        });
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        ScheduledExecutorService s = scheduler;
        Runnable r = () -> release().whenComplete((v, e) -> f.complete(null));
        if (s == null || s.isShutdown()) {
            r.run();
        } else {
            try {
                s.execute(r);
            } catch (RuntimeException e) {
                r.run();
            }
        }
        return f.completeOnTimeout(null, 10, TimeUnit.SECONDS);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = super.counters();
        synchronized (retryLock) {
            c.put("resendWaiting", (long) retries.size());
        }
        c.put("resent", resent.get());
        c.put("subscribes", subscribes.get());
        c.put("connectAttempts", connectAttempts.get());
        c.put("channelSubscribers", expectedSubscribers);
        ThreadPoolExecutor d = delivery;
        c.put("deliveryQueue", (d == null ? 0L : (long) d.getQueue().size()) + arrived.size());
        return c;
    }

    /** The configuration in use. */
    public RedisSyncConfig config() {
        return config.copy();
    }

    @Override
    public String toString() {
        return "RedisSyncAdapter{" + where + ", key=" + options.key() + ", " + state() + "}";
    }
}
