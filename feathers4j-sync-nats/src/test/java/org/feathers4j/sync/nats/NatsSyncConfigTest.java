package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Options;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Test;

/** Settings, their defaults and their validation; no server needed. */
class NatsSyncConfigTest {

    @Test
    void defaultsReconnectForeverWithTheDocumentedValues() {
        NatsSyncConfig c = NatsSyncConfig.from(new SyncOptions());
        assertThat(c.maxReconnects()).isEqualTo(-1);
        assertThat(c.reconnectWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.reconnectJitter()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.resumeDelay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.reconnectBufferSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.connectionName()).isEqualTo("feathers4j-sync");
        assertThat(c.servers()).isEmpty();

        Options o = NatsSync.clientOptions(SyncOptions.uri("nats://127.0.0.1:4222"), c).build();
        assertThat(o.getMaxReconnect()).isEqualTo(-1);
        assertThat(o.getReconnectWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.getReconnectBufferSize()).isEqualTo(8L * 1024 * 1024);
        assertThat(o.getConnectionName()).isEqualTo("feathers4j-sync");
    }

    @Test
    void optionsAreReadFromSyncOptionsInSeveralForms() {
        Consumer<Options.Builder> custom = b -> b.maxPingsOut(5);
        NatsSyncConfig c = NatsSyncConfig.from(new SyncOptions()
                .option("servers", "nats://a:4222, nats://b:4222")
                .option("maxReconnects", "10")
                .option("reconnectWait", "PT0.5S")
                .option("resumeDelay", 250)
                .option("reconnectBufferSize", 0)
                .option("connectionTimeout", Duration.ofSeconds(3))
                .option("token", "tok")
                .option("natsOptions", custom));
        assertThat(c.servers()).containsExactly("nats://a:4222", "nats://b:4222");
        assertThat(c.maxReconnects()).isEqualTo(10);
        assertThat(c.reconnectWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.resumeDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.reconnectBufferSize()).isZero();
        assertThat(c.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.natsOptions()).isSameAs(custom);
        assertThat(NatsSyncConfig.from(new SyncOptions().option("servers", List.of("nats://x:1"))).servers())
                .containsExactly("nats://x:1");

        Options o = NatsSync.clientOptions(SyncOptions.uri("nats://c:4222"), c).build();
        assertThat(o.getServers()).extracting(Object::toString)
                .containsExactly("nats://c:4222", "nats://a:4222", "nats://b:4222");
        assertThat(o.getMaxPingsOut()).isEqualTo(5); // the customizer runs last
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
        assertThatThrownBy(() -> NatsSyncConfig.defaults().connectionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionTimeout");
    }

    @Test
    void otherSchemesAndMissingServersAreRejected() {
        assertThatThrownBy(() -> NatsSync.adapter(SyncOptions.uri("redis://u:secret@h:6379")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nats").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> NatsSync.adapter(new SyncOptions()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uri");
        // servers alone are enough
        assertThat(NatsSync.adapter(new SyncOptions().option("servers", "nats://127.0.0.1:1")).type()).isEqualTo("nats");
    }

    @Test
    void aTlsUriMakesTheClientRequireTls() {
        Options o = NatsSync.clientOptions(SyncOptions.uri("tls://127.0.0.1:4443"), NatsSyncConfig.defaults()).build();
        assertThat(o.isTLSRequired()).isTrue();
        assertThat(o.getSslContext()).isNotNull();
    }

    @Test
    void bareTokensAndPasswordsInUrlsAreRedacted() {
        assertThat(org.feathers4j.sync.nats.internal.NatsSyncAdapter.redact("[nats://tok-secret@h:4222, nats://u:pw@h:1]"))
                .isEqualTo("[nats://***@h:4222, nats://u:***@h:1]");
    }

    @Test
    void secretsStayOutOfToString() {
        NatsSyncConfig c = NatsSyncConfig.defaults().user("me").password("pw-secret").token("tok-secret")
                .servers(List.of("nats://me:uri-secret@h:4222"));
        assertThat(c.toString()).doesNotContain("pw-secret", "tok-secret", "uri-secret");
    }
}
