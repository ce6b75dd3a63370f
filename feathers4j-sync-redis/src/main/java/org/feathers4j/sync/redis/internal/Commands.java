package org.feathers4j.sync.redis.internal;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The commands the adapter's parts send, on a connection to one Redis or to a Redis Cluster alike: both kinds of
 * connection answer the same {@link RedisClusterAsyncCommands} (the cluster one routes keyed commands to the
 * slot's master), so the publishers, the health check and the stream reader are written once.
 */
final class Commands {

    private Commands() {
    }

    /** The asynchronous commands of a connection to one Redis or to a cluster. */
    static RedisClusterAsyncCommands<byte[], byte[]> of(StatefulConnection<byte[], byte[]> c) {
        if (c instanceof StatefulRedisConnection<byte[], byte[]> r) return r.async();
        if (c instanceof StatefulRedisClusterConnection<byte[], byte[]> r) return r.async();
        throw new IllegalArgumentException("not a Redis connection: " + c.getClass().getName());
    }

    /** Whether the connection is one to a Redis Cluster. */
    static boolean isCluster(StatefulConnection<byte[], byte[]> c) {
        return c instanceof StatefulRedisClusterConnection;
    }

    /**
     * The subscribers of a channel ({@code PUBSUB NUMSUB}), or {@code null} on a cluster: there a node counts only
     * its own subscribers (and does not redirect {@code PUBSUB SHARDNUMSUB}), and asking the slot's master through
     * a node connection of the publish connection made Lettuce refuse that connection's next commands for a moment
     * (measured with Lettuce 7.7), so the cluster modes do not wait for peers after an outage.
     */
    static CompletableFuture<Map<byte[], Long>> subscribers(StatefulConnection<byte[], byte[]> c, byte[] channel) {
        if (isCluster(c)) return null;
        return of(c).pubsubNumsub(channel).toCompletableFuture();
    }
}
