package org.feathers4j.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import org.feathers4j.sync.OptionTableCheck;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;
import org.junit.jupiter.api.Test;

/** Settings, their defaults, the URI and validation; no broker needed. */
class KafkaSyncConfigTest {

    @Test
    void defaultsAreTheDocumentedValues() {
        KafkaSyncConfig c = KafkaSyncConfig.from(SyncOptions.uri("kafka://localhost:9092"));
        assertThat(c.topic()).isNull();
        assertThat(c.createTopic()).isTrue();
        assertThat(c.partitions()).isEqualTo(1);
        assertThat(c.replication()).isEqualTo((short) -1);
        assertThat(c.retention()).isEqualTo(Duration.ofHours(24));
        assertThat(c.linger()).isEqualTo(Duration.ofMillis(1));
        assertThat(c.ackTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.deliveryTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(c.bufferMemory()).isEqualTo(32L * 1024 * 1024);
        assertThat(c.user()).isNull();
        assertThat(c).isEqualTo(KafkaSyncConfig.create()).hasSameHashCodeAs(KafkaSyncConfig.create());
    }

    @Test
    void theReadmeDocumentsEveryDefault() throws Exception {
        OptionTableCheck.assertDocumented(Path.of("README.md"), KafkaSyncConfig.class);
    }

    @Test
    void theUriQueryAndOptionsAreRead_theQueryWins() {
        KafkaSyncConfig c = KafkaSyncConfig.from(SyncOptions
                .uri("kafka://u%40x:p%3Ass@h1:9092,h2?topic=t.1&partitions=3&retention=6h&createTopic=false&saslMechanism=scram-sha-512")
                .option("partitions", 5).option("linger", "5ms").option("servers", "h3:9094"));
        assertThat(c.topic()).isEqualTo("t.1");
        assertThat(c.partitions()).isEqualTo(3);
        assertThat(c.retention()).isEqualTo(Duration.ofHours(6));
        assertThat(c.createTopic()).isFalse();
        assertThat(c.linger()).isEqualTo(Duration.ofMillis(5));
        assertThat(c.servers()).containsExactly("h3:9094");
        assertThat(c.saslMechanism()).isEqualTo("SCRAM-SHA-512");
        assertThat(c.user()).isEqualTo("u@x");
        assertThat(c.password()).isEqualTo("p:ss");
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> KafkaSyncConfig.from(SyncOptions.uri("kafka://h:9092?nope=1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown query parameter 'nope'");
        assertThatThrownBy(() -> KafkaSyncConfig.from(SyncOptions.uri("kafka://h:9092?partitions=0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions");
        assertThatThrownBy(() -> KafkaSyncConfig.builder().topic("a/b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("topic");
        assertThatThrownBy(() -> KafkaSyncConfig.builder().securityProtocol("TLS"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("securityProtocol");
        assertThatThrownBy(() -> KafkaSyncConfig.builder().deliveryTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deliveryTimeout");
        assertThatThrownBy(() -> KafkaSync.adapter(SyncOptions.uri("kafka://h:99999"), KafkaSyncConfig.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> KafkaSync.adapter(SyncOptions.uri("redis://h:6379"), KafkaSyncConfig.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kafka://");
    }

    @Test
    void clientPropertiesComeAsMapOrPropertiesAndSecretsAreMaskedInToString() {
        Properties p = new Properties();
        p.put("ssl.truststore.password", "hunter2");
        p.put("sasl.jaas.config", "x required password=\"hunter3\";");
        p.put("client.rack", "r1");
        KafkaSyncConfig c = KafkaSyncConfig.from(SyncOptions.uri("kafka://app:hunter4@h:9092").option("clientProperties", p));
        assertThat(c.clientProperties()).containsEntry("client.rack", "r1").hasSize(3);
        assertThat(c.toString()).doesNotContain("hunter").contains("client.rack=r1").contains("password=***");
        assertThat(KafkaSyncConfig.builder().clientProperties(Map.of("a", 1)).build().clientProperties()).containsEntry("a", 1);
    }

    @Test
    void theProviderIsFoundByTheSchemeAndMakesAnAdapterWithoutConnecting() {
        SyncAdapterProvider provider = ServiceLoader.load(SyncAdapterProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.schemes().contains("kafka")).findFirst().orElseThrow();
        assertThat(provider.type()).isEqualTo("kafka");
        SyncAdapter adapter = provider.create(SyncOptions.uri("kafka://127.0.0.1:1?topic=x").key("k"));
        assertThat(adapter.type()).isEqualTo("kafka");
        assertThat(((org.feathers4j.sync.kafka.internal.KafkaSyncAdapter) adapter).topic()).isEqualTo("x");
        adapter.close().join();
        assertThat(List.of(((org.feathers4j.sync.kafka.internal.KafkaSyncAdapter) KafkaSync.adapter(
                SyncOptions.uri("kafka://h").key("chat/events"), KafkaSyncConfig.create())).topic()))
                .singleElement().asString().startsWith("feathers4j-sync.chat_events_");
    }
}
