package org.feathers4j.sync.redis;

import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The adapter contract on the shared Redis Cluster, sharded pub/sub. */
@Tag("broker")
class RedisClusterContractTest extends SyncAdapterContract {

    @Override
    protected SyncOptions options(String key) {
        return SyncOptions.uri(RedisTestSupport.sharedCluster() ).key(key);
    }
}
