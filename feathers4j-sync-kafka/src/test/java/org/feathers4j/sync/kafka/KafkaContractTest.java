package org.feathers4j.sync.kafka;

import java.util.List;
import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The adapter contract against the shared Kafka node (the test's topic deleted after). */
@Tag("broker")
class KafkaContractTest extends SyncAdapterContract {

    @Override
    protected SyncOptions options(String key) {
        return KafkaTestSupport.options(key);
    }

    @Override
    protected void cleanUp() {
        KafkaTestSupport.deleteTopics(KafkaTestSupport.kafkaUri(), List.of(KafkaTestSupport.topic(key)));
    }
}
