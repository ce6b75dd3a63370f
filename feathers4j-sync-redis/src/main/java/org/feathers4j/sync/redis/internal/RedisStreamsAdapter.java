package org.feathers4j.sync.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.SyncAssert;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis adapter in streams mode ({@code mode=streams}): its life cycle and its parts. Events are entries of
 * one stream per key ({@link StreamKeys}); {@link StreamPublisher} adds them (XADD, trimmed to
 * {@code streamMaxLength}), {@link StreamReader} reads them on a connection and thread of its own and resumes
 * after the last entry it read after any failure, {@link StreamDelivery} hands them to sync in order, and
 * {@link StreamCursor} stores the last delivered entry of a fixed instance id for {@code resume=LAST}.
 *
 * <p>Two connections, opened by the reader thread (the first time, with retries after the delays of
 * {@code retryDelayMin}..{@code retryDelayMax}), reconnected by Lettuce afterwards. The state is derived every
 * {@code healthCheckInterval} and at once on Lettuce's connection events: connected while both connections are
 * open and the reader's last command worked. Buffering while disconnected is {@link AbstractSyncAdapter}'s.
 */
public final class RedisStreamsAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsAdapter.class);

    private final RedisSyncConfig config;
    private final String where;
    private final StreamKeys keys;
    private final RedisEndpoint endpoint;
    private final AbstractRedisClient client;
    private final boolean ownsClient;
    private final ClientResources ownResources;
    private final Delay delay;
    private final Tasks tasks;
    private final StreamPublisher publisher;
    private final StreamDelivery delivery;
    private final StreamCursor cursor;
    private final StreamReader reader;
    private final StateListener stateListener = new StateListener();
    private volatile StatefulConnection<byte[], byte[]> pub;
    private volatile StatefulConnection<byte[], byte[]> read;
    // connected as Lettuce's events tell (isOpen() stays true while Lettuce reconnects)
    private volatile boolean pubUp;
    private volatile boolean readUp;
    private volatile boolean released;
    private boolean resending; // scheduler thread only
    private int failedAttempts; // reader thread only
    private int tlsStalls; // reader thread only

    private RedisStreamsAdapter(SyncOptions options, RedisSyncConfig config, RedisEndpoint endpoint, boolean ownsClient,
                                ClientResources ownResources) {
        super(RedisSyncAdapter.TYPE, options);
        this.config = config;
        this.endpoint = endpoint;
        this.client = endpoint.client();
        this.ownsClient = ownsClient;
        this.ownResources = ownResources;
        this.where = options.uri() != null ? SyncOptions.redact(options.uri()) : "given cluster client";
        this.keys = new StreamKeys(options.key());
        this.delay = Delay.fullJitter(config.retryDelayMin(), config.retryDelayMax(), config.retryDelayMin().toMillis(),
                TimeUnit.MILLISECONDS);
        this.tasks = new Tasks(this::unexpectedError);
        this.publisher = new StreamPublisher(this, tasks, keys.stream(), options.bufferSize(), config.streamMaxLength(),
                config.streamMaxAge().toMillis(), endpoint.isCluster());
        this.delivery = new StreamDelivery(this, options.deliveryQueueSize(), options.deliveryQueueBytes(),
                new StreamDelivery.Position(StreamId.ZERO, 0));
        this.cursor = new StreamCursor(this, options.instanceIdFixed() ? keys.cursor(options.instanceId()) : null);
        this.reader = new StreamReader(this, keys.stream(), delivery, cursor, options.resume(),
                config.commandTimeout().toMillis());
    }

    /**
     * A streams-mode adapter that makes its own client from {@code options.uri()} and closes everything it made.
     *
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static RedisStreamsAdapter fromUri(SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("config", config);
        boolean cluster = ClusterClients.isClusterUri(options.uri());
        RedisURI uri = cluster ? null : uri(options, config);
        if (cluster) RedisUris.parseCluster(options.uri()); // a bad URI fails before any thread is made
        ClientResources resources = config.clientResources();
        ClientResources own = null;
        if (resources == null) {
            own = DefaultClientResources.builder().reconnectDelay(Delay.fullJitter(config.retryDelayMin(),
                    config.retryDelayMax(), config.retryDelayMin().toMillis(), TimeUnit.MILLISECONDS)).build();
            resources = own;
        }
        if (cluster) return new RedisStreamsAdapter(options, config, ClusterClients.make(options, config, resources), true, own);
        RedisClient client = RedisClient.create(resources);
        ClientOptions.Builder b = ClientOptions.builder();
        ClusterClients.common(b, config);
        if (config.clientOptions() != null) config.clientOptions().accept(b);
        client.setOptions(b.build());
        return new RedisStreamsAdapter(options, config, new RedisEndpoint.Single(client, uri), true, own);
    }

    /**
     * A streams-mode adapter that opens its two connections from the caller's client and closes them, never the
     * client.
     *
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static RedisStreamsAdapter fromClient(RedisClient client, SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("client", client);
        SyncAssert.notNull("config", config);
        return new RedisStreamsAdapter(options, config, new RedisEndpoint.Single(client, uri(options, config)), false, null);
    }

    /**
     * A streams-mode adapter that opens its two connections from the caller's cluster client and closes them,
     * never the client.
     */
    public static RedisStreamsAdapter fromClusterClient(RedisClusterClient client, SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("client", client);
        SyncAssert.notNull("config", config);
        return new RedisStreamsAdapter(options, config, new RedisEndpoint.Cluster(client, RedisSyncAdapter.isTlsUri(options.uri())),
                false, null);
    }

    private static RedisURI uri(SyncOptions options, RedisSyncConfig config) {
        RedisURI uri = RedisUris.parse(options.uri());
        if (uri.getClientName() == null && config.clientName() != null) uri.setClientName(config.clientName());
        if (!options.uri().contains("timeout=")) uri.setTimeout(config.commandTimeout());
        return uri;
    }

    // ---- life cycle ------------------------------------------------------------------------

    @Override
    protected void doStart() {
        try {
            tasks.start();
            client.addListener(stateListener);
            delivery.start();
            reader.start();
            tasks.every("health check", this::check, config.healthCheckInterval().toMillis());
            tasks.every("stream upkeep", this::upkeep, 1000);
        } catch (Throwable e) {
            fail(Errors.failure("redis sync cannot start for " + where + ": " + SyncFailures.describe(e), e));
        }
    }

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        return publisher.send(pub, message);
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        tasks.runOrHere(() -> release(true).whenComplete((v, e) -> f.complete(null)));
        return f.completeOnTimeout(null, 10, TimeUnit.SECONDS);
    }

    /**
     * Stops reading and delivering, stores the cursor (a clean stop resumes exactly after the last delivered
     * entry), closes what this adapter opened. Idempotent.
     */
    private CompletableFuture<Void> release(boolean storeCursor) {
        if (released) return CompletableFuture.completedFuture(null);
        released = true;
        publisher.stop();
        delivery.shutdown();
        delivery.awaitStopped(2000); // the entry being delivered counts as delivered
        CompletableFuture<Void> stored = storeCursor
                ? cursor.store(pub, delivery.delivered(), true).completeOnTimeout(null, 2, TimeUnit.SECONDS)
                : CompletableFuture.completedFuture(null);
        return stored.thenCompose(v -> closeConnections()).whenComplete((v, e) -> tasks.shutdown());
    }

    private CompletableFuture<Void> closeConnections() {
        client.removeListener(stateListener);
        List<CompletableFuture<?>> closing = new ArrayList<>();
        StatefulConnection<byte[], byte[]> r = read;
        StatefulConnection<byte[], byte[]> p = pub;
        if (r != null) closing.add(r.closeAsync());
        if (p != null) closing.add(p.closeAsync());
        CompletableFuture<Void> all = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).handle((v, e) -> null);
        all = all.thenRun(() -> reader.awaitStopped(2000));
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
        return all;
    }

    // ---- connections -----------------------------------------------------------------------

    /**
     * The reader's connection; the first time (and until both are made) opens the publish connection, then the
     * reader's, blocking, with the retry delays. {@code null} while they cannot be made. Reader thread.
     */
    StatefulConnection<byte[], byte[]> readerConnection() {
        StatefulConnection<byte[], byte[]> r = read;
        if (r != null) return r;
        String which = pub == null ? "publish" : "stream reader";
        try {
            StatefulConnection<byte[], byte[]> c = endpoint.connect(keys.stream()).join();
            if (stopped()) {
                c.closeAsync();
                return null;
            }
            failedAttempts = 0;
            tlsStalls = 0;
            if (pub == null) {
                pub = c;
                pubUp = c.isOpen();
                return null; // the reader's next: on the next turn
            }
            read = c;
            readUp = c.isOpen();
            checkSoon();
            return c;
        } catch (Throwable e) {
            connectFailed(which, e);
            return null;
        }
    }

    private void connectFailed(String which, Throwable error) {
        if (stopped()) return;
        Throwable e = SyncFailures.unwrap(error);
        if (SyncFailures.isUnrecoverable(e)) {
            fail(Errors.failure("redis sync cannot open the " + which + " connection to " + where + ": "
                    + SyncFailures.describe(e) + " (not retried: a class is missing or incompatible)", e));
            return;
        }
        if (Errors.isUnfixable(e)) {
            fail(Errors.failure("redis sync cannot connect to " + where + ": " + SyncFailures.describe(e)
                    + " (not retried: fix the credentials or TLS settings)", e));
            return;
        }
        if (endpoint.isSsl() && Errors.isHandshakeStall(e) && ++tlsStalls >= 3) {
            fail(new SyncException(RedisSyncAdapter.TYPE, Reason.TLS, "redis sync cannot connect to " + where
                    + ": the TLS handshake did not complete in " + tlsStalls + " attempts (" + SyncFailures.describe(e)
                    + "); is the port a TLS port? Not retried further", e));
            return;
        }
        down(Errors.failure("redis sync cannot open the " + which + " connection to " + where + ": "
                + SyncFailures.describe(e), e));
        long wait = delay.createDelay(++failedAttempts).toMillis();
        if (failedAttempts == 1 || failedAttempts % 10 == 0) {
            LOG.warn("redis sync: cannot open the {} connection to {} ({}); attempt {}, retrying in {} ms; events are buffered",
                    which, where, SyncFailures.describe(e), failedAttempts, wait);
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
    }

    /** Derives the state from both connections and the reader. Scheduler thread. */
    private void check() {
        if (stopped()) return;
        StatefulConnection<byte[], byte[]> p = pub;
        StatefulConnection<byte[], byte[]> r = read;
        if (p == null || r == null) return;
        boolean up = pubUp && readUp && reader.healthy();
        if (up) {
            if (resending) return;
            if (publisher.waiting() > 0) {
                // the failed XADDs first, and the buffer only once they went through: publish order in the stream
                resending = true;
                publisher.resend(p).whenComplete((v, e) -> tasks.run(() -> {
                    resending = false;
                    if (publisher.waiting() == 0) check();
                    else tasks.schedule(this::check, 200); // refused again: not at once (each try counts)
                }));
                return;
            }
            if (state() != SyncState.CONNECTED) connected();
        } else if (state() == SyncState.CONNECTED) {
            disconnected(new SyncException(RedisSyncAdapter.TYPE, Reason.UNREACHABLE, "redis connection lost to "
                    + where + " (" + (pubUp ? "" : "publish connection down, ")
                    + (readUp ? "stream reader not reading" : "stream reader connection down") + ")"));
        }
    }

    /** Every second: the cursor (if it moved) and the age trim. Scheduler thread. */
    private void upkeep() {
        if (stopped()) return;
        StatefulConnection<byte[], byte[]> p = pubUp ? pub : null; // not while Lettuce reconnects
        cursor.store(p, delivery.delivered(), false);
        publisher.trimByAge(p);
    }

    // ---- what the parts report -------------------------------------------------------------

    boolean stopped() {
        return released || isClosed();
    }

    void down(SyncException cause) {
        disconnected(cause);
        checkSoon();
    }

    void note(SyncException cause) {
        recordError(cause);
    }

    void fail(SyncException cause) {
        failed(cause);
        tasks.runOrHere(() -> release(false));
    }

    void unexpectedError(String what, Throwable e) {
        SyncException error = e instanceof SyncException s ? s : new SyncException(RedisSyncAdapter.TYPE,
                SyncFailures.isUnrecoverable(e) ? Reason.INCOMPATIBLE_CLASSPATH : Reason.INTERNAL,
                "redis sync: " + what + " threw " + SyncFailures.describe(e), e);
        if (unexpected(what, error)) tasks.runOrHere(() -> release(false));
    }

    /** A stream entry, on the delivery thread. */
    void handle(byte[] message) {
        if (!isClosed()) deliver(message);
    }

    /** A gap, on the delivery thread, in order with the entries. */
    void handleGap(SyncGap gap) {
        if (!isClosed()) deliverGap(gap);
    }

    void checkSoon() {
        tasks.run(this::check);
    }

    String where() {
        return where;
    }

    /** Whether the reader's connection is connected (Lettuce's events), not only open. */
    boolean readerUp() {
        return readUp;
    }

    String streamName() {
        return keys.streamName();
    }

    // ---- what it tells ---------------------------------------------------------------------

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = super.counters();
        c.put("resendWaiting", publisher.waiting());
        c.put("resent", publisher.resent());
        c.put("streamEntriesRead", reader.entriesRead());
        c.put("streamGaps", reader.gaps());
        c.put("streamChecks", reader.checks());
        c.put("streamReadErrors", reader.readErrors());
        c.put("streamMalformed", reader.malformed());
        c.put("streamTrims", publisher.trims());
        c.put("cursorWrites", cursor.writes());
        c.put("deliveryQueue", (long) delivery.size());
        c.put("deliveryQueueBytes", delivery.bytes());
        c.put("deliveryQueuePeak", (long) delivery.peak());
        return c;
    }

    /** The settings in use. */
    public RedisSyncConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "RedisStreamsAdapter{" + where + ", stream=" + keys.streamName() + ", " + state() + "}";
    }

    /** Lettuce's connection events for the adapter's two connections: check at once. */
    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if ((Object) connection == pub) pubUp = true;
            if ((Object) connection == read) readUp = true;
            if (isOurs(connection)) checkSoon();
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            // a cluster's node connections are not the two cluster connections: any of them may carry the read
            if (endpoint.isCluster()) reader.connectionLost();
            if ((Object) connection == pub) pubUp = false;
            if ((Object) connection == read) {
                readUp = false;
                reader.connectionLost();
            }
            if (isOurs(connection)) checkSoon();
        }

        @Override
        public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
            if (!isOurs(connection)) return;
            note(Errors.failure("redis sync: connection error on " + where + ": " + SyncFailures.describe(cause), cause));
            if (SyncFailures.isUnrecoverable(cause)) tasks.run(() -> unexpectedError("connection", cause));
        }

        private boolean isOurs(RedisChannelHandler<?, ?> connection) {
            return connection != null && ((Object) connection == pub || (Object) connection == read);
        }
    }
}
