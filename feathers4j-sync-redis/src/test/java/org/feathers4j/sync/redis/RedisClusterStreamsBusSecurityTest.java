package org.feathers4j.sync.redis;

import org.feathers4j.sync.BusSecurityContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** The bus attacks in streams mode, on the shared Redis Cluster. */
@Tag("broker")
class RedisClusterStreamsBusSecurityTest extends BusSecurityContract {

    private static final java.util.List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected SyncOptions options(String key) {
        keys.add(key);
        return SyncOptions.uri(RedisTestSupport.sharedCluster()).key(key).option("mode", "streams");
    }

    @AfterAll
    static void deleteStreams() { // after the apps closed (they write their cursors on close)
        RedisClusterTestSupport.deleteStreamKeys(keys);
    }
}
