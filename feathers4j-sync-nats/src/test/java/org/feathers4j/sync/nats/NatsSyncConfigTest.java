package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.feathers4j.sync.OptionTableCheck;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Test;

/** Settings, their defaults and their validation; no server needed. */
class NatsSyncConfigTest {

    @Test
    void defaultsReconnectForeverWithTheDocumentedValues() {
        NatsSyncConfig c = NatsSyncConfig.from(new SyncOptions());
        assertThat(c.maxReconnects()).isEqualTo(-1);
        assertThat(c.reconnectWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.reconnectJitter()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.resumeDelay()).isEqualTo(Duration.ofMillis(750));
        assertThat(c.reconnectBufferSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.connectionName()).isEqualTo("feathers4j-sync");
        assertThat(c.servers()).isEmpty();
        assertThat(c).isEqualTo(NatsSyncConfig.create()).hasSameHashCodeAs(NatsSyncConfig.create());
    }

    @Test
    void theReadmeDocumentsEveryDefault() throws Exception {
        OptionTableCheck.assertDocumented(Path.of("README.md"), NatsSyncConfig.class);
    }

    @Test
    void optionsAreReadFromSyncOptionsInSeveralForms() {
        Consumer<Options.Builder> custom = b -> b.maxPingsOut(5);
        NatsSyncConfig c = NatsSyncConfig.from(new SyncOptions()
                .option("servers", "nats://a:4222, nats://b:4222")
                .option("maxReconnects", "10")
                .option("reconnectWait", "PT0.5S")
                .option("reconnectJitter", "50ms")
                .option("resumeDelay", 250)
                .option("reconnectBufferSize", 0)
                .option("connectionTimeout", Duration.ofSeconds(3))
                .option("pingInterval", "5s")
                .option("token", "tok")
                .option("natsOptions", custom));
        assertThat(c.servers()).containsExactly("nats://a:4222", "nats://b:4222");
        assertThat(c.maxReconnects()).isEqualTo(10);
        assertThat(c.reconnectWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.reconnectJitter()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.resumeDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.reconnectBufferSize()).isZero();
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.token()).isEqualTo("tok");
        assertThat(c.natsOptions()).isSameAs(custom);
        assertThat(NatsSyncConfig.from(new SyncOptions().option("servers", List.of("nats://x:1"))).servers())
                .containsExactly("nats://x:1");
    }

    @Test
    void theBuilderMakesImmutableCopies() {
        NatsSyncConfig a = NatsSyncConfig.builder().maxReconnects(5).user("me").build();
        NatsSyncConfig b = a.toBuilder().maxReconnects(7).build();
        assertThat(a.maxReconnects()).isEqualTo(5);
        assertThat(b.maxReconnects()).isEqualTo(7);
        assertThat(b.user()).isEqualTo("me");
        assertThat(a.toBuilder().build()).isEqualTo(a).isNotEqualTo(b);
    }

    @Test
    void badValuesAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> NatsSyncConfig.from(new SyncOptions().option("maxReconnects", -2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxReconnects");
        assertThatThrownBy(() -> NatsSyncConfig.from(new SyncOptions().option("reconnectWait", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reconnectWait");
        assertThatThrownBy(() -> NatsSyncConfig.from(new SyncOptions().option("servers", 42)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("servers");
        assertThatThrownBy(() -> NatsSyncConfig.from(new SyncOptions().option("natsOptions", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("natsOptions");
        assertThatThrownBy(() -> NatsSyncConfig.builder().connectionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionTimeout");
        assertThatThrownBy(() -> NatsSyncConfig.builder().servers(List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("servers");
    }

    @Test
    void otherSchemesAndMissingServersAreRejected() {
        assertThatThrownBy(() -> NatsSync.adapter(SyncOptions.uri("redis://u:secret@h:6379"), NatsSyncConfig.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nats").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> NatsSync.of("redis://u:secret@h:6379"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
        assertThatThrownBy(() -> NatsSync.adapter(new SyncOptions(), NatsSyncConfig.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uri");
        // servers alone are enough
        SyncOptions serversOnly = new SyncOptions().option("servers", "nats://127.0.0.1:1");
        assertThat(NatsSync.adapter(serversOnly, NatsSyncConfig.from(serversOnly)).type()).isEqualTo("nats");
    }

    @Test
    void secretsStayOutOfToString() {
        NatsSyncConfig c = NatsSyncConfig.builder().user("me").password("pw-secret").token("tok-secret")
                .servers(List.of("nats://me:uri-secret@h:4222", "nats://tok-uri-secret@h:4222")).build();
        assertThat(c.toString()).doesNotContain("pw-secret", "tok-secret", "uri-secret");
    }
}
