package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.NatsSyncConfig.Mode;
import org.feathers4j.sync.nats.NatsSyncConfig.StreamStorage;
import org.feathers4j.sync.nats.internal.JetStreamSyncAdapter;
import org.feathers4j.sync.nats.internal.JetStreamTestAccess;
import org.feathers4j.sync.nats.internal.NatsSyncAdapter;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.Test;

/** Choosing the mode (URI query, option, config), its settings and the stream names; no server needed. */
class NatsJetStreamModeTest {

    private static SyncAdapter adapter(SyncOptions options) {
        return new NatsSyncAdapterProvider().create(options);
    }

    @Test
    void theModeComesFromTheUriQueryOrTheOptionAndDefaultsToCore() {
        assertThat(adapter(SyncOptions.uri("nats://127.0.0.1:4222"))).isInstanceOf(NatsSyncAdapter.class);
        assertThat(adapter(SyncOptions.uri("nats://127.0.0.1:4222?mode=jetstream"))).isInstanceOf(JetStreamSyncAdapter.class);
        assertThat(adapter(SyncOptions.uri("nats://127.0.0.1:4222?mode=JetStream"))).isInstanceOf(JetStreamSyncAdapter.class);
        assertThat(adapter(SyncOptions.uri("nats://127.0.0.1:4222?mode=core"))).isInstanceOf(NatsSyncAdapter.class);
        assertThat(adapter(SyncOptions.uri("nats://127.0.0.1:4222").option("mode", "jetstream")))
                .isInstanceOf(JetStreamSyncAdapter.class);
        assertThat(NatsSync.adapter(SyncOptions.uri("tls://127.0.0.1:4222"), NatsSyncConfig.builder().mode(Mode.JETSTREAM).build()))
                .isInstanceOf(JetStreamSyncAdapter.class);
    }

    @Test
    void unknownModesAndQueryParametersAreRefusedClearly() {
        assertThatThrownBy(() -> adapter(SyncOptions.uri("nats://127.0.0.1:4222?mode=streams")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mode 'streams'")
                .hasMessageContaining("'core'").hasMessageContaining("'jetstream'");
        assertThatThrownBy(() -> NatsSyncConfig.from(new SyncOptions().option("mode", "durable")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mode 'durable'");
        assertThatThrownBy(() -> adapter(SyncOptions.uri("nats://127.0.0.1:4222?streamMaxAge=1h")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown query parameter 'streammaxage'");
        assertThatThrownBy(() -> adapter(SyncOptions.uri("nats://127.0.0.1:4222?mode=core").option("mode", "jetstream")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode=core")
                .hasMessageContaining("jetstream");
        assertThatThrownBy(() -> NatsSyncConfig.from(new SyncOptions().option("streamStorage", "disk")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'file'").hasMessageContaining("'memory'");
    }

    @Test
    void resumeLastIsRefusedInCoreModeNamingJetStream() {
        SyncOptions last = SyncOptions.uri("nats://127.0.0.1:4222").instanceId("fixed").resume(SyncOptions.Resume.LAST);
        assertThatThrownBy(() -> adapter(last)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resume=LAST needs mode=jetstream");
        assertThat(adapter(SyncOptions.uri("nats://127.0.0.1:4222?mode=jetstream").instanceId("fixed")
                .resume(SyncOptions.Resume.LAST))).isInstanceOf(JetStreamSyncAdapter.class);
    }

    @Test
    void jetStreamSettingsAreReadWithTheirDefaults() {
        NatsSyncConfig d = NatsSyncConfig.create();
        assertThat(d.mode()).isEqualTo(Mode.CORE);
        assertThat(d.streamMaxMessages()).isEqualTo(1_000_000L);
        assertThat(d.streamMaxBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(d.streamMaxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(d.streamStorage()).isEqualTo(StreamStorage.FILE);
        assertThat(d.duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(d.streamName()).isNull();
        NatsSyncConfig c = NatsSyncConfig.from(new SyncOptions()
                .option("mode", "jetstream")
                .option("streamName", "EVENTS")
                .option("streamMaxMessages", "5000")
                .option("streamMaxBytes", -1)
                .option("streamMaxAge", "1h")
                .option("streamStorage", "memory")
                .option("duplicateWindow", "30s")
                .option("publishTimeout", "2s")
                .option("publishWindow", 32)
                .option("consumerBatch", 64)
                .option("cursorInterval", "250ms")
                .option("cursorBucket", "my-cursors"));
        assertThat(c.mode()).isEqualTo(Mode.JETSTREAM);
        assertThat(c.streamName()).isEqualTo("EVENTS");
        assertThat(c.streamMaxMessages()).isEqualTo(5000);
        assertThat(c.streamMaxBytes()).isEqualTo(-1);
        assertThat(c.streamMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(c.streamStorage()).isEqualTo(StreamStorage.MEMORY);
        assertThat(c.duplicateWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.publishTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.publishWindow()).isEqualTo(32);
        assertThat(c.consumerBatch()).isEqualTo(64);
        assertThat(c.cursorInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.cursorBucket()).isEqualTo("my-cursors");
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toString()).contains("mode=jetstream", "streamStorage=memory");
        assertThatThrownBy(() -> NatsSyncConfig.builder().streamName("a.b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatsSyncConfig.builder().streamMaxMessages(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatsSyncConfig.builder().publishWindow(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatsSyncConfig.builder().cursorBucket("a.b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamNamesAreDerivedFromTheKeyAndDistinct() {
        assertThat(JetStreamTestAccess.streamName("feathers-sync")).isEqualTo("FEATHERS4J_SYNC_feathers-sync");
        assertThat(JetStreamTestAccess.streamName("chat.events")).startsWith("FEATHERS4J_SYNC_chat_events_")
                .doesNotContain(".");
        assertThat(JetStreamTestAccess.streamName("chat.events")).isNotEqualTo(JetStreamTestAccess.streamName("chat_events"));
        assertThat(JetStreamTestAccess.streamName("x".repeat(500)).length()).isLessThan(240);
    }

    @Test
    void streamSubjectsCoverTheKeyByNatsWildcardRules() {
        assertThat(JetStreamTestAccess.covers("chat", "chat")).isTrue();
        assertThat(JetStreamTestAccess.covers("chat.*", "chat.events")).isTrue();
        assertThat(JetStreamTestAccess.covers("chat.*", "chat.events.x")).isFalse();
        assertThat(JetStreamTestAccess.covers("chat.>", "chat.events.x")).isTrue();
        assertThat(JetStreamTestAccess.covers("chat.>", "chat")).isFalse();
        assertThat(JetStreamTestAccess.covers(">", "anything.at.all")).isTrue();
        assertThat(JetStreamTestAccess.covers("other", "chat")).isFalse();
    }
}
