package org.feathers4j.sync.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.sync.BusSecurityContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** Attacks on the bus, on the shared Kafka node (the topics deleted after the class). */
@Tag("broker")
class KafkaBusSecurityTest extends BusSecurityContract {

    private static final List<String> KEYS = new CopyOnWriteArrayList<>();

    @Override
    protected SyncOptions options(String key) {
        if (!KEYS.contains(key)) KEYS.add(key);
        return KafkaTestSupport.options(key);
    }

    @AfterAll
    static void deleteTopics() {
        KafkaTestSupport.deleteTopics(KafkaTestSupport.kafkaUri(), KEYS.stream().map(KafkaTestSupport::topic).toList());
    }
}
