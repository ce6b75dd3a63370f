package org.feathers4j.sync.redis;

import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The adapter contract against the shared Redis with {@code directDelivery} on (listeners on Lettuce's I/O thread). */
@Tag("broker")
class RedisDirectDeliveryContractTest extends SyncAdapterContract {

    @Override
    protected SyncOptions options(String key) {
        return SyncOptions.uri(RedisTestSupport.sharedRedis()).key(key).option("directDelivery", true);
    }
}
