package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.OptionTableCheck;
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
                .option("mechanism", "change_stream").option("driver", Map.of("authSource", "admin"))
                .option("positionInterval", "250ms"));
        assertThat(c.positionInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.positionCollection()).isEqualTo("sync.positions");
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
    void durationsTakeTheSyncOptionGrammar() {
        for (Object v : new Object[] {"1500", 1500, "1.5s", "1500ms", "PT1.5S", Duration.ofMillis(1500)}) {
            assertThat(MongoSyncConfig.from(new SyncOptions().option("retryInterval", v)).retryInterval())
                    .as("retryInterval %s", v).isEqualTo(Duration.ofMillis(1500));
        }
        assertThat(MongoSyncConfig.from(new SyncOptions().option("ttl", "2h").option("gapTimeout", "PT5S")))
                .extracting(MongoSyncConfig::ttl, MongoSyncConfig::gapTimeout)
                .containsExactly(Duration.ofHours(2), Duration.ofSeconds(5));
    }

    @Test
    void createBuilderAndFromAgree() {
        assertThat(MongoSyncConfig.create()).isEqualTo(MongoSyncConfig.from(new SyncOptions()))
                .isEqualTo(MongoSyncConfig.builder().build());
        MongoSyncConfig built = MongoSyncConfig.builder().collection("sync").database("db").size(1_048_576).max(1000L)
                .retryInterval(Duration.ofSeconds(1)).recreate(false).mechanism(MongoSyncConfig.Mechanism.CHANGE_STREAM)
                .ttl(Duration.ofMinutes(2)).gapTimeout(Duration.ofSeconds(3)).batchSize(50)
                .driver(Map.of("authSource", "admin")).build();
        MongoSyncConfig read = MongoSyncConfig.from(new SyncOptions().option("collection", "sync").option("database", "db")
                .option("size", "1048576").option("max", 1000).option("retryInterval", "1s").option("recreate", "false")
                .option("mechanism", "change-stream").option("ttl", "2m").option("gapTimeout", 3000).option("batchSize", 50)
                .option("driver", Map.of("authSource", "admin")));
        assertThat(read).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(built.toBuilder().build()).isEqualTo(built);
        assertThat(built.toBuilder().batchSize(51).build()).isNotEqualTo(built);
        assertThat(MongoSyncConfig.create().mechanism()).isEqualTo(MongoSyncConfig.DEFAULT_MECHANISM);
    }

    @Test
    void builderChecksItsValues() {
        assertThatThrownBy(() -> MongoSyncConfig.builder().collection("a$b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'collection'");
        assertThatThrownBy(() -> MongoSyncConfig.builder().retryInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'retryInterval'");
        assertThatThrownBy(() -> MongoSyncConfig.builder().max(0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'max'");
        assertThatThrownBy(() -> MongoSyncConfig.builder().batchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'batchSize'");
    }

    @Test
    void toStringShowsNoDriverValues() {
        MongoSyncConfig c = MongoSyncConfig.builder().driver(Map.of("authMechanismProperties", "AWS_SESSION_TOKEN:s3cret"))
                .build();
        assertThat(c.toString()).contains("authMechanismProperties").doesNotContain("s3cret");
    }

    @Test
    void theReadmeDocumentsEveryDefault() throws Exception {
        OptionTableCheck.assertDocumented(Path.of("README.md"), MongoSyncConfig.class);
    }

    @Test
    void bothSchemesPickThisAdapter() {
        assertThat(Sync.provider(SyncOptions.uri("mongodb://localhost:27017/sync"))).isInstanceOf(MongoSyncAdapterProvider.class);
        assertThat(Sync.provider(SyncOptions.uri("mongodb+srv://cluster0.example.net/sync"))).isInstanceOf(MongoSyncAdapterProvider.class);
        assertThat(Sync.provider(SyncOptions.uri("mongodb://h1:27017,h2:27017/sync?replicaSet=rs0")))
                .isInstanceOf(MongoSyncAdapterProvider.class);
    }

    @Test
    void aMalformedUriIsAClearErrorWithoutThePassword() {
        SyncOptions malformed = SyncOptions.uri("mongodb://user:hunter2@host:notaport/db");
        assertThatThrownBy(() -> MongoSync.adapter(malformed, MongoSyncConfig.from(malformed)))
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
