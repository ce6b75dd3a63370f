package org.feathers4j.sync.nats;

import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The adapter contract against the shared NATS server. */
@Tag("broker")
class NatsContractTest extends SyncAdapterContract {

    @Override
    protected SyncOptions options(String key) {
        return SyncOptions.uri(NatsTestSupport.natsUri()).key(key);
    }

    /** NATS core publishing is fire-and-forget: nothing is in flight for batching to wait behind. */
    @Override
    protected boolean publishIsAcknowledged() {
        return false;
    }
}
