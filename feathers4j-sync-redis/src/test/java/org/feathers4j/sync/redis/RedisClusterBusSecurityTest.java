package org.feathers4j.sync.redis;

import org.feathers4j.sync.BusSecurityContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The bus attacks (forged seq, restart with a fixed id, forged and wrongly signed messages) on the shared Redis Cluster, sharded pub/sub. */
@Tag("broker")
class RedisClusterBusSecurityTest extends BusSecurityContract {

    @Override
    protected SyncOptions options(String key) {
        return SyncOptions.uri(RedisTestSupport.sharedCluster()).key(key);
    }
}
