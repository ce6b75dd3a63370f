package org.feathers4j.sync.mongodb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter's connection-string handling; no server needed. */
class MongoSyncAdapterTest {

    @Test
    void driverOptionsJoinTheConnectionString() {
        assertThat(MongoSyncAdapter.withDriverOptions("mongodb://h", Map.of("authSource", "admin")))
                .isEqualTo("mongodb://h/?authSource=admin");
        assertThat(MongoSyncAdapter.withDriverOptions("mongodb://h/db?tls=false", Map.of("authSource", "admin")))
                .isEqualTo("mongodb://h/db?tls=false&authSource=admin");
    }
}
