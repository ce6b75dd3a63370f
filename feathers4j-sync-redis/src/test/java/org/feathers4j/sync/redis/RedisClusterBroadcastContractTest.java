package org.feathers4j.sync.redis;

import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The adapter contract on the shared Redis Cluster, classic, broadcast pub/sub (sharded=false). */
@Tag("broker")
class RedisClusterBroadcastContractTest extends SyncAdapterContract {

    @Override
    protected SyncOptions options(String key) {
        return SyncOptions.uri(RedisTestSupport.sharedCluster() + "?sharded=false").key(key);
    }
}
