package org.feathers4j.sync.redis;

import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** The adapter contract on the shared Redis Cluster, streams mode. */
@Tag("broker")
class RedisClusterStreamsContractTest extends SyncAdapterContract {

    private static final java.util.List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected SyncOptions options(String key) {
        keys.add(key);
        return SyncOptions.uri(RedisTestSupport.sharedCluster() + "?mode=streams").key(key);
    }

    @AfterAll
    static void deleteStreams() { // after the apps closed (they write their cursors on close)
        RedisClusterTestSupport.deleteStreamKeys(keys);
    }
}
