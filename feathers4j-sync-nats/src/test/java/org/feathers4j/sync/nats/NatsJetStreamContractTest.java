package org.feathers4j.sync.nats;

import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The adapter contract against the shared NATS server in JetStream mode (the test's stream deleted after). */
@Tag("broker")
class NatsJetStreamContractTest extends SyncAdapterContract {

    private final String bucket = "f4j-test-cursors-" + java.util.UUID.randomUUID();

    @Override
    protected SyncOptions options(String key) {
        return JetStreamTestSupport.options(key).option("cursorBucket", bucket);
    }

    @Override
    protected void cleanUp() {
        JetStreamTestSupport.deleteStream(JetStreamTestSupport.jsUri(), key);
        JetStreamTestSupport.deleteBucket(JetStreamTestSupport.jsUri(), bucket);
    }
}
