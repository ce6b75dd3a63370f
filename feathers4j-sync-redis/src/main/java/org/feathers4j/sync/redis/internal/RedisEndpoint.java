package org.feathers4j.sync.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
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

    /** Opens a command connection. */
    CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connect();

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
        public CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connect() {
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
        public CompletableFuture<? extends StatefulConnection<byte[], byte[]>> connect() {
            return topology().thenCompose(v -> client.connectAsync(ByteArrayCodec.INSTANCE));
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
