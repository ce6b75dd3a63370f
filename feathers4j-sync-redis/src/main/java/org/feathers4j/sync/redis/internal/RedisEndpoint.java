package org.feathers4j.sync.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;

/**
 * Where the adapter opens its connections: one Redis (or the master a Sentinel names) with a {@link RedisClient}
 * and a URI, or a Redis Cluster with a {@link RedisClusterClient} (which knows its seed nodes). Both connections
 * use the byte-array codec.
 */
sealed interface RedisEndpoint {

    /** The client, for its connection events and its shutdown. */
    AbstractRedisClient client();

    /**
     * Opens a command connection; on a cluster, also the node connection to the master of {@code key}'s slot
     * (see {@link Cluster}).
     */
    CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connect(byte[] key);

    /** Opens a pub/sub connection. */
    CompletableFuture<? extends StatefulRedisPubSubConnection<byte[], byte[]>> connectPubSub();

    /** Whether the connections use TLS. */
    boolean isSsl();

    /** Whether it is a Redis Cluster. */
    default boolean isCluster() {
        return this instanceof Cluster;
    }

    /** One Redis, or a Sentinel-managed master. */
    record Single(RedisClient client, RedisURI uri) implements RedisEndpoint {
        @Override
        public CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connect(byte[] key) {
            return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        }

        @Override
        public CompletableFuture<? extends StatefulRedisPubSubConnection<byte[], byte[]>> connectPubSub() {
            return client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
        }

        @Override
        public boolean isSsl() {
            return uri.isSsl();
        }
    }

    /**
     * A Redis Cluster; {@code ssl} as the URI (or the given client's first seed) says. The topology is read once,
     * before the first connection (Lettuce's asynchronous connect does not load it: "Partitions not initialized");
     * later refreshes are Lettuce's own (adaptive and periodic): a forced refresh makes Lettuce refuse the next
     * commands of the open connections for a moment (measured with Lettuce 7.7).
     */
    final class Cluster implements RedisEndpoint {
        /** Warm-up: attempts, and the pause between two (up to about 2 s in all). */
        static final int WARM_ATTEMPTS = 200;
        static final long WARM_PAUSE_MILLIS = 10;

        private final RedisClusterClient client;
        private final boolean ssl;
        private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<Void>> topology = new java.util.concurrent.atomic.AtomicReference<>();

        Cluster(RedisClusterClient client, boolean ssl) {
            this.client = client;
            this.ssl = ssl;
        }

        @Override
        public RedisClusterClient client() {
            return client;
        }

        private CompletableFuture<Void> topology() {
            CompletableFuture<Void> t = topology.get();
            if (t == null || t.isCompletedExceptionally()) {
                CompletableFuture<Void> next = client.refreshPartitionsAsync().toCompletableFuture();
                topology.set(next);
                return next;
            }
            return t;
        }

        @Override
        public CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connect(byte[] key) {
            return topology().thenCompose(v -> client.connectAsync(ByteArrayCodec.INSTANCE))
                    .thenCompose(c -> warm(c, key, WARM_ATTEMPTS).thenApply(x -> c));
        }

        /**
         * Sends {@code EXISTS key} until it works: Lettuce opens the node connection of a slot on the first command
         * routed there, and refuses the commands sent while it connects (the adapter makes it refuse commands while
         * disconnected), so the first publishes after a start would be refused and sent again out of order.
         * Gives up quietly after the attempts: the publisher's retries cover the rest.
         */
        private static CompletableFuture<Void> warm(StatefulRedisClusterConnection<byte[], byte[]> c, byte[] key, int left) {
            return c.async().exists(key).toCompletableFuture().handle((n, e) -> e == null || left <= 1
                    ? CompletableFuture.<Void>completedFuture(null)
                    : CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(WARM_PAUSE_MILLIS,
                            java.util.concurrent.TimeUnit.MILLISECONDS)).thenCompose(x -> warm(c, key, left - 1)))
                    .thenCompose(f -> f);
        }

        @Override
        public CompletableFuture<? extends StatefulRedisPubSubConnection<byte[], byte[]>> connectPubSub() {
            return topology().thenCompose(v -> client.connectPubSubAsync(ByteArrayCodec.INSTANCE));
        }

        @Override
        public boolean isSsl() {
            return ssl;
        }
    }
}
