package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Test;

/** Options, URIs and provider selection; no server needed. */
class MongoSyncConfigTest {

    @Test
    void defaults() {
        MongoSyncConfig c = MongoSyncConfig.from(SyncOptions.uri("mongodb://localhost/sync"));
        assertThat(c.collection()).isEqualTo("events");
        assertThat(c.counterCollection()).isEqualTo("events.seq");
        assertThat(c.size()).isEqualTo(5L * 1024 * 1024);
        assertThat(c.max()).isNull();
        assertThat(c.retryInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.recreate()).isTrue();
        assertThat(c.mechanism()).isEqualTo(MongoSyncConfig.Mechanism.TAILABLE);
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void optionsAreRead() {
        MongoSyncConfig c = MongoSyncConfig.from(SyncOptions.uri("mongodb://localhost/sync")
                .option("collection", "sync").option("size", "1048576").option("max", 1000)
                .option("retryInterval", Duration.ofSeconds(1)).option("recreate", "false")
                .option("mechanism", "change_stream").option("driver", Map.of("authSource", "admin")));
        assertThat(c.collection()).isEqualTo("sync");
        assertThat(c.size()).isEqualTo(1_048_576);
        assertThat(c.max()).isEqualTo(1000);
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.recreate()).isFalse();
        assertThat(c.mechanism()).isEqualTo(MongoSyncConfig.Mechanism.CHANGE_STREAM);
        assertThat(c.driver()).containsEntry("authSource", "admin");
    }

    @Test
    void badOptionsNameTheOption() {
        SyncOptions base = SyncOptions.uri("mongodb://localhost/sync");
        assertThatThrownBy(() -> MongoSyncConfig.from(base.copy().option("mechanism", "carrier-pigeon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mechanism'");
        assertThatThrownBy(() -> MongoSyncConfig.from(base.copy().option("size", -1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'size'");
        assertThatThrownBy(() -> MongoSyncConfig.from(base.copy().option("retryInterval", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'retryInterval'");
        assertThatThrownBy(() -> MongoSyncConfig.from(base.copy().option("recreate", "maybe")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'recreate'");
        assertThatThrownBy(() -> MongoSyncConfig.from(base.copy().option("driver", "authSource=admin")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'driver'");
    }

    @Test
    void bothSchemesPickThisAdapter() {
        assertThat(Sync.provider(SyncOptions.uri("mongodb://localhost:27017/sync"))).isInstanceOf(MongoSyncAdapterProvider.class);
        assertThat(Sync.provider(SyncOptions.uri("mongodb+srv://cluster0.example.net/sync"))).isInstanceOf(MongoSyncAdapterProvider.class);
        assertThat(Sync.provider(SyncOptions.uri("mongodb://h1:27017,h2:27017/sync?replicaSet=rs0")))
                .isInstanceOf(MongoSyncAdapterProvider.class);
    }

    @Test
    void driverOptionsJoinTheConnectionString() {
        assertThat(MongoSyncAdapter.withDriverOptions("mongodb://h", Map.of("authSource", "admin")))
                .isEqualTo("mongodb://h/?authSource=admin");
        assertThat(MongoSyncAdapter.withDriverOptions("mongodb://h/db?tls=false", Map.of("authSource", "admin")))
                .isEqualTo("mongodb://h/db?tls=false&authSource=admin");
    }

    @Test
    void aMalformedUriIsAClearErrorWithoutThePassword() {
        assertThatThrownBy(() -> new MongoSyncAdapter(SyncOptions.uri("mongodb://user:hunter2@host:notaport/db")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a valid connection string")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> MongoSync.of(new SyncOptions()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'uri' (or 'db')");
    }

    @Test
    void dbIsAnAliasOfUri() {
        Application app = new Application();
        app.configure(MongoSync.of(new SyncOptions().option("db", "mongodb://127.0.0.1:1/sync?serverSelectionTimeoutMS=200")));
        try {
            assertThat(app.sync().type()).isEqualTo("mongodb");
            assertThat(app.sync().state()).isIn(SyncState.CONNECTING, SyncState.DISCONNECTED);
        } finally {
            app.sync().close().join();
        }
    }
}
