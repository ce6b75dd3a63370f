package org.feathers4j.sync.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Set;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.internal.RedisStreamsAdapter;
import org.feathers4j.sync.redis.internal.RedisSyncAdapter;
import org.feathers4j.sync.spi.support.SyncAssert;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Redis sync: from a URI ({@code of}), or from your own Lettuce client or connections ({@code with}).
 * {@code Sync.of("redis://localhost:6379")} does the same as {@link #of(String)}.
 *
 * <pre>{@code
 * app.configure(RedisSync.of(SyncOptions.uri("redis://localhost:6379"),
 *         RedisSyncConfig.builder().connectTimeout(Duration.ofSeconds(2)).build()));
 *
 * RedisClient client = RedisClient.create();                 // yours: you configure and shut it down
 * app.configure(RedisSync.with(client, SyncOptions.uri("redis://localhost:6379")));
 *
 * app.configure(RedisSync.of("redis-cluster://10.0.0.1:7000,10.0.0.2:7000"));   // Redis Cluster, sharded pub/sub
 * }</pre>
 *
 * <p>Ownership: the adapter closes what it opened (with a client given, its two connections) and never what it
 * was given (the client, the connections, shared {@code ClientResources}).
 */
public final class RedisSync {

    /**
     * The URI schemes served: {@code redis}, {@code rediss} (TLS), {@code redis-sentinel} and
     * {@code redis+sentinel}, and their TLS forms {@code rediss-sentinel} and {@code rediss+sentinel}; a Redis
     * Cluster: {@code redis-cluster://host1:7000,host2:7001} and {@code rediss-cluster://} (TLS).
     */
    public static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel",
            "redis+sentinel", "rediss+sentinel", "redis-cluster", "rediss-cluster");

    /** The URI schemes of a Redis Cluster, a subset of {@link #SCHEMES}: a {@code RedisClient} cannot serve them. */
    public static final Set<String> CLUSTER_SCHEMES = Set.of("redis-cluster", "rediss-cluster");

    private RedisSync() {
    }

    /**
     * Sync through the Redis at {@code uri}, with the default settings.
     *
     * @param uri a Redis URI, e.g. {@code redis://localhost:6379}
     * @return the plugin to configure the app with
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static Plugin of(String uri) {
        return of(SyncOptions.uri(uri));
    }

    /**
     * Sync through the Redis at {@code options.uri()}, with the settings {@link RedisSyncConfig#from(SyncOptions)}
     * reads from the adapter options.
     *
     * @param options the sync options
     * @return the plugin to configure the app with
     * @throws IllegalArgumentException if the URI or an adapter option is invalid
     */
    public static Plugin of(SyncOptions options) {
        return of(options, RedisSyncConfig.from(options));
    }

    /**
     * Sync through the Redis at {@code options.uri()}, with these settings; the adapter makes and owns its
     * client.
     *
     * @param options the sync options
     * @param config  the Redis settings
     * @return the plugin to configure the app with
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static Plugin of(SyncOptions options, RedisSyncConfig config) {
        return Sync.with(adapter(options, config), options);
    }

    /**
     * Sync through connections to {@code options.uri()} opened from your client, with the settings
     * {@link RedisSyncConfig#from(SyncOptions)} reads from the adapter options.
     *
     * @param client  your client; it stays yours
     * @param options the sync options, with the URI of the server
     * @return the plugin to configure the app with
     * @throws IllegalArgumentException if the URI is not a Redis URI
     * @see #with(RedisClient, SyncOptions, RedisSyncConfig)
     */
    public static Plugin with(RedisClient client, SyncOptions options) {
        return with(client, options, RedisSyncConfig.from(options));
    }

    /**
     * Sync through connections to {@code options.uri()} opened from your client. The adapter opens two
     * connections (publish and subscribe) with the client's options and resources and closes them on close; the
     * client stays yours. Keep auto-reconnect on (Lettuce's default) for the adapter to recover from outages.
     * Of the settings, {@code clientOptions} and {@code clientResources} do not apply (the client has its own).
     *
     * @param client  your client; it stays yours
     * @param options the sync options, with the URI of the server
     * @param config  the Redis settings
     * @return the plugin to configure the app with
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static Plugin with(RedisClient client, SyncOptions options, RedisSyncConfig config) {
        return Sync.with(adapter(client, options, config), options);
    }

    /**
     * Sync through a Redis Cluster with your cluster client, with the settings {@link RedisSyncConfig#from(SyncOptions)}
     * reads from the adapter options.
     *
     * @param client  your cluster client; it stays yours
     * @param options the sync options; the URI is optional (its query may set {@code mode} and {@code sharded})
     * @return the plugin to configure the app with
     * @see #with(RedisClusterClient, SyncOptions, RedisSyncConfig)
     */
    public static Plugin with(RedisClusterClient client, SyncOptions options) {
        return with(client, options, RedisSyncConfig.from(options));
    }

    /**
     * Sync through a Redis Cluster with your cluster client. The adapter opens its two connections (publish and
     * subscribe, or publish and stream reader) from the client and closes them on close; the client stays yours.
     * Keep auto-reconnect on and enable topology refresh (adaptive triggers and periodic,
     * {@code ClusterTopologyRefreshOptions}) for the adapter to follow failovers and slot moves. Of the settings,
     * {@code clientOptions} and {@code clientResources} do not apply (the client has its own).
     *
     * @param client  your cluster client; it stays yours
     * @param options the sync options; the URI is optional (its query may set {@code mode} and {@code sharded})
     * @param config  the Redis settings
     * @return the plugin to configure the app with
     */
    public static Plugin with(RedisClusterClient client, SyncOptions options, RedisSyncConfig config) {
        return Sync.with(adapter(client, options, config), options);
    }

    /**
     * Sync through two connections you opened with a byte-array codec ({@code ByteArrayCodec.INSTANCE}), with
     * the settings {@link RedisSyncConfig#from(SyncOptions)} reads from the adapter options.
     *
     * @param publish   your connection to publish on
     * @param subscribe your pub/sub connection to subscribe on
     * @param options   the sync options ({@code uri} is not needed)
     * @return the plugin to configure the app with
     * @throws IllegalArgumentException if both are the same connection
     * @see #with(StatefulRedisConnection, StatefulRedisPubSubConnection, SyncOptions, RedisSyncConfig)
     */
    public static Plugin with(StatefulRedisConnection<byte[], byte[]> publish,
                              StatefulRedisPubSubConnection<byte[], byte[]> subscribe, SyncOptions options) {
        return with(publish, subscribe, options, RedisSyncConfig.from(options));
    }

    /**
     * Sync through two connections you opened with a byte-array codec ({@code ByteArrayCodec.INSTANCE}): one to
     * publish, one pub/sub connection to subscribe to the key. The adapter adds a listener and subscribes; on
     * close it unsubscribes and removes the listener, and never closes the connections. Outage recovery relies on
     * the connections' auto-reconnect. Of the settings, only {@code healthCheckInterval} and
     * {@code resubscribeWait} apply.
     *
     * @param publish   your connection to publish on
     * @param subscribe your pub/sub connection to subscribe on
     * @param options   the sync options ({@code uri} is not needed)
     * @param config    the Redis settings
     * @return the plugin to configure the app with
     * @throws IllegalArgumentException if both are the same connection
     */
    public static Plugin with(StatefulRedisConnection<byte[], byte[]> publish,
                              StatefulRedisPubSubConnection<byte[], byte[]> subscribe, SyncOptions options,
                              RedisSyncConfig config) {
        return Sync.with(adapter(publish, subscribe, options, config), options);
    }

    /**
     * An adapter for the Redis at {@code options.uri()} ({@code redis://}, {@code rediss://},
     * {@code redis-sentinel://}, {@code redis+sentinel://}, {@code redis-cluster://}), not yet started; for
     * {@code Sync.with(adapter, options)} and tests.
     *
     * @param options the sync options; the adapter keeps a copy
     * @param config  the Redis settings
     * @return the adapter
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static SyncAdapter adapter(SyncOptions options, RedisSyncConfig config) {
        if (streams(options, config)) return RedisStreamsAdapter.fromUri(options.copy(), config);
        return RedisSyncAdapter.fromUri(options.copy(), config);
    }

    /**
     * The adapter behind {@link #with(RedisClient, SyncOptions, RedisSyncConfig)}, not yet started.
     *
     * @param client  your client; it stays yours
     * @param options the sync options, with the URI of the server; the adapter keeps a copy
     * @param config  the Redis settings
     * @return the adapter
     * @throws IllegalArgumentException if the URI is not a Redis URI
     */
    public static SyncAdapter adapter(RedisClient client, SyncOptions options, RedisSyncConfig config) {
        if (streams(options, config)) return RedisStreamsAdapter.fromClient(client, options.copy(), config);
        return RedisSyncAdapter.fromClient(client, options.copy(), config);
    }

    /**
     * The adapter behind {@link #with(RedisClusterClient, SyncOptions, RedisSyncConfig)}, not yet started.
     *
     * @param client  your cluster client; it stays yours
     * @param options the sync options; the adapter keeps a copy
     * @param config  the Redis settings
     * @return the adapter
     */
    public static SyncAdapter adapter(RedisClusterClient client, SyncOptions options, RedisSyncConfig config) {
        if (streams(options, config)) return RedisStreamsAdapter.fromClusterClient(client, options.copy(), config);
        return RedisSyncAdapter.fromClusterClient(client, options.copy(), config);
    }

    /**
     * The adapter behind {@link #with(StatefulRedisConnection, StatefulRedisPubSubConnection, SyncOptions, RedisSyncConfig)},
     * not yet started.
     *
     * @param publish   your connection to publish on
     * @param subscribe your pub/sub connection to subscribe on
     * @param options   the sync options; the adapter keeps a copy
     * @param config    the Redis settings
     * @return the adapter
     * @throws IllegalArgumentException if both are the same connection
     */
    public static SyncAdapter adapter(StatefulRedisConnection<byte[], byte[]> publish,
                                      StatefulRedisPubSubConnection<byte[], byte[]> subscribe, SyncOptions options,
                                      RedisSyncConfig config) {
        if (streams(options, config)) {
            throw new IllegalArgumentException("redis sync mode=streams opens its own connections (a pub/sub "
                    + "connection cannot read a stream): use RedisSync.of(options) or RedisSync.with(client, options)");
        }
        return RedisSyncAdapter.fromConnections(publish, subscribe, options.copy(), config);
    }

    /**
     * Whether the settings select streams mode; refuses {@code resume=LAST} in pub/sub mode, which cannot resume.
     */
    private static boolean streams(SyncOptions options, RedisSyncConfig config) {
        SyncAssert.notNull("config", config);
        if (config.mode() == RedisSyncConfig.Mode.STREAMS) return true;
        if (options.resume() == SyncOptions.Resume.LAST) {
            throw new IllegalArgumentException("redis sync: resume=LAST needs a mode that keeps messages: pub/sub "
                    + "mode (the default) delivers only what is published while subscribed; use mode=streams "
                    + "(redis://host:6379?mode=streams) or resume=NEW");
        }
        return false;
    }
}
