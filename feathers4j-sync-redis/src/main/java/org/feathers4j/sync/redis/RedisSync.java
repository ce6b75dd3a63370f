package org.feathers4j.sync.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.internal.RedisSyncAdapter;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Redis sync built by hand: from a URI, from your own Lettuce {@link RedisClient}, or from two connections you
 * already have. With a URI, {@code Sync.of("redis://localhost:6379")} does the same as {@link #of(SyncOptions)}.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create();                 // yours: you configure and shut it down
 * app.configure(RedisSync.with(client, RedisURI.create("redis://localhost:6379"), new SyncOptions()));
 * app.sync().ready().join();
 * }</pre>
 *
 * <p>Ownership: the adapter closes what it opened (with a client given, its two connections) and never what it
 * was given (the client, the connections, shared {@code ClientResources}).
 */
public final class RedisSync {

    private RedisSync() {
    }

    /** Sync through the Redis at {@code options.uri()}; the adapter makes and owns its client. */
    public static Plugin of(SyncOptions options) {
        return Sync.with(adapter(options), options);
    }

    /**
     * An adapter for the Redis at {@code options.uri()} ({@code redis://}, {@code rediss://},
     * {@code redis-sentinel://}, {@code redis+sentinel://}), not yet started.
     *
     * @throws IllegalArgumentException if the URI or an adapter option is invalid
     */
    public static SyncAdapter adapter(SyncOptions options) {
        return RedisSyncAdapter.fromUri(options.copy());
    }

    /**
     * Sync through connections opened from your client. The adapter opens two connections (publish and
     * subscribe) to {@code uri} with the client's options and resources and closes them on close; the client stays
     * yours. Keep auto-reconnect on (Lettuce's default) for the adapter to recover from outages.
     */
    public static Plugin with(RedisClient client, RedisURI uri, SyncOptions options) {
        return Sync.with(adapter(client, uri, options), options);
    }

    /** The adapter behind {@link #with(RedisClient, RedisURI, SyncOptions)}, not yet started. */
    public static SyncAdapter adapter(RedisClient client, RedisURI uri, SyncOptions options) {
        return RedisSyncAdapter.fromClient(client, uri, options.copy());
    }

    /**
     * Sync through two connections you opened with a byte-array codec ({@code ByteArrayCodec.INSTANCE}): one to
     * publish, one pub/sub connection to subscribe to the key. The adapter adds a listener and subscribes; on
     * close it unsubscribes and removes the listener, and never closes the connections. Outage recovery relies on
     * the connections' auto-reconnect.
     *
     * @throws IllegalArgumentException if both are the same connection
     */
    public static Plugin with(StatefulRedisConnection<byte[], byte[]> publish,
                              StatefulRedisPubSubConnection<byte[], byte[]> subscribe, SyncOptions options) {
        return Sync.with(adapter(publish, subscribe, options), options);
    }

    /** The adapter behind {@link #with(StatefulRedisConnection, StatefulRedisPubSubConnection, SyncOptions)}. */
    public static SyncAdapter adapter(StatefulRedisConnection<byte[], byte[]> publish,
                                      StatefulRedisPubSubConnection<byte[], byte[]> subscribe, SyncOptions options) {
        return RedisSyncAdapter.fromConnections(publish, subscribe, options.copy());
    }
}
