package org.feathers4j.sync.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.SyncAssert;
import org.feathers4j.sync.spi.support.SyncFailures;

/**
 * The Redis adapter's life cycle: it makes its parts, starts them, reports their findings to
 * {@link AbstractSyncAdapter}, and stops them. The parts: {@link Connector} (the two connections, first
 * connection retries, Lettuce's connection events), {@link HealthCheck} (the state, resubscription, waiting for
 * peers after an outage), {@link Publisher} (PUBLISH and its retries) and {@link Subscriber} (SUBSCRIBE and the
 * hand-off of received messages to the delivery thread).
 *
 * <p>Buffering: only {@link AbstractSyncAdapter}'s bounded buffer holds messages published while disconnected;
 * Lettuce is told to reject commands while disconnected (when the adapter makes the client).
 */
public final class RedisSyncAdapter extends AbstractSyncAdapter {

    static final String TYPE = "redis";

    private final RedisSyncConfig config;
    private final String where;
    private final Tasks tasks;
    private final Subscriber subscriber;
    private final Publisher publisher;
    private final Connector connector;
    private final HealthCheck health;
    private volatile boolean released;

    /** Where the connections come from and what the adapter owns. */
    record Source(RedisEndpoint endpoint, boolean ownsClient, ClientResources ownResources, PromptTimer ownTimer,
                  OwnChannels channels, StatefulRedisConnection<byte[], byte[]> publish,
                  StatefulRedisPubSubConnection<byte[], byte[]> subscribe) {
    }

    private RedisSyncAdapter(SyncOptions options, RedisSyncConfig config, Source source) {
        super(TYPE, options);
        this.config = config;
        byte[] channel = options.key().getBytes(StandardCharsets.UTF_8);
        this.where = options.uri() != null ? SyncOptions.redact(options.uri())
                : source.endpoint() != null ? "given cluster client" : "given connections";
        // sharded pub/sub is a cluster feature; one Redis keeps classic pub/sub (what feathers-sync speaks)
        boolean sharded = config.sharded() && source.endpoint() != null && source.endpoint().isCluster();
        this.tasks = new Tasks(this::unexpectedError);
        this.subscriber = new Subscriber(this, tasks, channel, options, sharded, config.directDelivery());
        this.publisher = new Publisher(this, tasks, channel, options.bufferSize(), sharded,
                source.endpoint() != null && source.endpoint().isCluster());
        this.connector = new Connector(this, tasks, subscriber, delay(config), source);
        this.health = new HealthCheck(this, tasks, connector, subscriber, publisher, channel, config.resubscribeWait().toMillis());
        if (source.channels() != null) source.channels().readsTo(subscriber);
    }

    /**
     * The delays between connection attempts, for the first connection and Lettuce's reconnects alike: none before
     * the first retry, then {@code retryDelayMin} doubling up to {@code retryDelayMax}, with jitter.
     */
    private static Delay delay(RedisSyncConfig config) {
        return new RetryDelay(config.retryDelayMin(), config.retryDelayMax());
    }

    /**
     * An adapter that makes its own client from {@code options.uri()} and closes everything it made.
     *
     * @param options the sync options, a copy the adapter keeps
     * @param config  the Redis settings
     * @return the adapter, not yet started
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static RedisSyncAdapter fromUri(SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("config", config);
        boolean cluster = ClusterClients.isClusterUri(options.uri());
        RedisURI uri = cluster ? null : uri(options, config);
        if (cluster) RedisUris.parseCluster(options.uri()); // a bad URI fails before any thread is made
        ClientResources resources = config.clientResources();
        ClientResources own = null;
        PromptTimer timer = null;
        OwnChannels channels = null;
        if (resources == null) {
            channels = new OwnChannels();
            timer = new PromptTimer();
            own = DefaultClientResources.builder().reconnectDelay(delay(config)).nettyCustomizer(channels).timer(timer).build();
            timer.runPromptOn(own.eventExecutorGroup()); // the reconnect due at once runs at once (see PromptTimer)
            resources = own;
        }
        if (cluster) {
            RedisEndpoint endpoint = ClusterClients.make(options, config, resources);
            return new RedisSyncAdapter(options, config, new Source(endpoint, true, own, timer, channels, null, null));
        }
        RedisClient client = RedisClient.create(resources);
        ClientOptions.Builder b = ClientOptions.builder();
        ClusterClients.common(b, config);
        if (config.clientOptions() != null) config.clientOptions().accept(b);
        client.setOptions(b.build());
        return new RedisSyncAdapter(options, config, new Source(new RedisEndpoint.Single(client, uri), true, own, timer,
                channels, null, null));
    }

    /**
     * An adapter that opens its two connections to {@code options.uri()} from the caller's client and closes
     * them, but never the client.
     *
     * @param client  the caller's client
     * @param options the sync options, a copy the adapter keeps
     * @param config  the Redis settings
     * @return the adapter, not yet started
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static RedisSyncAdapter fromClient(RedisClient client, SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("client", client);
        SyncAssert.notNull("config", config);
        return new RedisSyncAdapter(options, config, new Source(new RedisEndpoint.Single(client, uri(options, config)), false,
                null, null, null, null, null));
    }

    /**
     * An adapter that opens its two connections from the caller's Redis Cluster client and closes them, but never
     * the client. Pub/sub mode follows topology changes only as far as the client's topology refresh options let it
     * see them: enable adaptive and periodic refresh ({@code ClusterTopologyRefreshOptions}).
     *
     * @param client  the caller's cluster client
     * @param options the sync options, a copy the adapter keeps; the URI is optional (its query may set the mode)
     * @param config  the Redis settings
     * @return the adapter, not yet started
     */
    public static RedisSyncAdapter fromClusterClient(RedisClusterClient client, SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("client", client);
        SyncAssert.notNull("config", config);
        return new RedisSyncAdapter(options, config, new Source(new RedisEndpoint.Cluster(client, isTlsUri(options.uri())),
                false, null, null, null, null, null));
    }

    /** Whether a URI given beside a client names TLS ({@code rediss…}). */
    static boolean isTlsUri(String uri) {
        return uri != null && uri.trim().toLowerCase(java.util.Locale.ROOT).startsWith("rediss");
    }

    /**
     * An adapter on the caller's two connections; it never closes them, it only unsubscribes on close.
     *
     * @param publish   the connection to publish on
     * @param subscribe the pub/sub connection to subscribe on, not {@code publish}
     * @param options   the sync options, a copy the adapter keeps
     * @param config    the Redis settings
     * @return the adapter, not yet started
     * @throws IllegalArgumentException if a connection is missing, or both are the same
     */
    public static RedisSyncAdapter fromConnections(StatefulRedisConnection<byte[], byte[]> publish,
                                                   StatefulRedisPubSubConnection<byte[], byte[]> subscribe,
                                                   SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("publish connection", publish);
        SyncAssert.notNull("subscribe connection", subscribe);
        SyncAssert.notNull("config", config);
        SyncAssert.isTrue((Object) publish != subscribe, () -> "the publish and the subscribe connection must be two "
                + "connections: a subscribed connection cannot PUBLISH");
        return new RedisSyncAdapter(options, config, new Source(null, false, null, null, null, publish, subscribe));
    }

    private static RedisURI uri(SyncOptions options, RedisSyncConfig config) {
        RedisURI uri = RedisUris.parse(options.uri());
        if (uri.getClientName() == null && config.clientName() != null) uri.setClientName(config.clientName());
        if (!options.uri().contains("timeout=")) uri.setTimeout(config.commandTimeout()); // a ?timeout= in the URI wins
        return uri;
    }

    // ---- life cycle ------------------------------------------------------------------------

    @Override
    protected void doStart() {
        try {
            tasks.start();
            subscriber.start();
            connector.start();
            tasks.every("health check", health::check, config.healthCheckInterval().toMillis());
        } catch (Throwable e) {
            // e.g. Lettuce's transport detection hitting a broken class path; release the threads made so far
            fail(Errors.failure("redis sync cannot start for " + where + ": " + SyncFailures.describe(e), e));
        }
    }

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        return publisher.send(connector.publish(), message);
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        tasks.runOrHere(() -> release().whenComplete((v, e) -> f.complete(null)));
        return f.completeOnTimeout(null, 10, TimeUnit.SECONDS);
    }

    /** Stops retrying and closes what this adapter opened. Idempotent. */
    private CompletableFuture<Void> release() {
        if (released) return CompletableFuture.completedFuture(null);
        released = true;
        publisher.stop();
        return connector.close().whenComplete((v, e) -> {
            tasks.shutdown();
            subscriber.shutdown();
        });
    }

    // ---- what the parts report -------------------------------------------------------------

    /** Whether the adapter was closed or failed: the parts stop what they do. */
    boolean stopped() {
        return released || isClosed();
    }

    /** Both connections are up and subscribed (and the peers are back). */
    void up() {
        connected();
    }

    /** A connection was lost or could not be made; retrying. */
    void down(SyncException cause) {
        disconnected(cause);
    }

    /** A subscription on a cluster failed: read the topology again, and retry shortly (not in a tight loop). */
    void retrySubscribeOnCluster() {
        connector.refreshTopology();
        tasks.schedule(health::check, 100);
    }

    /** An error that changes nothing: the last error. */
    void note(SyncException cause) {
        recordError(cause);
    }

    /** An error retrying cannot fix: fails the adapter and lets go of everything. */
    void fail(SyncException cause) {
        failed(cause);
        release();
    }

    /**
     * A throwable that escaped a task or callback of this adapter: logged, recorded, and the adapter fails (and
     * lets go of its connections) if retrying cannot fix it. Scheduler thread, or a thread that holds no
     * Lettuce lock.
     */
    void unexpectedError(String what, Throwable e) {
        SyncException error = e instanceof SyncException s ? s : new SyncException(TYPE,
                SyncFailures.isUnrecoverable(e) ? Reason.INCOMPATIBLE_CLASSPATH : Reason.INTERNAL,
                "redis sync: " + what + " threw " + SyncFailures.describe(e), e);
        if (unexpected(what, error)) release();
    }

    /** A received message, on the delivery thread (or, with direct delivery, Lettuce's I/O thread). */
    void handle(byte[] message) {
        if (!isClosed()) deliver(message);
    }

    /** A health check on the scheduler thread, soon. */
    void checkSoon() {
        tasks.run(health::check);
    }

    /** A health check now. Scheduler thread. */
    void checkNow() {
        health.check();
    }

    /** The server, for messages (password redacted). */
    String where() {
        return where;
    }

    /** The channel. */
    String key() {
        return options.key();
    }

    // ---- what it tells ---------------------------------------------------------------------

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = super.counters();
        c.put("resendWaiting", publisher.waiting());
        c.put("resent", publisher.resent());
        c.put("subscribes", subscriber.subscribes());
        c.put("connectAttempts", connector.attempts());
        c.put("channelSubscribers", health.channelSubscribers());
        c.put("deliveryQueue", subscriber.queued());
        c.put("deliveryQueueBytes", subscriber.queuedBytes());
        c.put("deliveryQueuePeak", subscriber.queuePeak());
        c.put("deliveryDropped", subscriber.queueDropped());
        c.put("slowDirectDeliveries", subscriber.slowDirectDeliveries());
        return c;
    }

    /**
     * The settings in use.
     *
     * @return the config the adapter was made with
     */
    public RedisSyncConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "RedisSyncAdapter{" + where + ", key=" + options.key() + ", " + state() + "}";
    }
}
