package org.feathers4j.sync.nats;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.sync.BusSecurityContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** Attacks on the bus, on the shared NATS server in JetStream mode (the streams deleted after the class). */
@Tag("broker")
class NatsJetStreamBusSecurityTest extends BusSecurityContract {

    private static final List<String> KEYS = new CopyOnWriteArrayList<>();
    private static final String BUCKET = "f4j-test-cursors-" + java.util.UUID.randomUUID();

    @Override
    protected SyncOptions options(String key) {
        if (!KEYS.contains(key)) KEYS.add(key);
        return JetStreamTestSupport.options(key).option("cursorBucket", BUCKET);
    }

    @AfterAll
    static void deleteStreams() {
        // after the apps of every test are closed (the contract closes them after each test)
        for (String key : KEYS) JetStreamTestSupport.deleteStream(JetStreamTestSupport.jsUri(), key);
        JetStreamTestSupport.deleteBucket(JetStreamTestSupport.jsUri(), BUCKET);
    }
}
