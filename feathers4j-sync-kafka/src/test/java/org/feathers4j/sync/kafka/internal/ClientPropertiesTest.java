package org.feathers4j.sync.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.feathers4j.sync.kafka.KafkaSyncConfig;
import org.junit.jupiter.api.Test;

/** What the three clients are made with; no broker needed. */
class ClientPropertiesTest {

    @Test
    void whatSyncReliesOnIsKeptWhateverTheClientPropertiesSay() {
        KafkaSyncConfig config = KafkaSyncConfig.builder().clientProperties(Map.of(
                "acks", "1", "enable.idempotence", "false", "max.in.flight.requests.per.connection", "20",
                "transactional.id", "t", "enable.auto.commit", "true", "auto.offset.reset", "earliest", "group.id", "theirs",
                "ssl.truststore.location", "/x")).build();
        ClientProperties p = new ClientProperties(List.of("h1:9092", "h2:9092"), config, "node 1");
        Map<String, Object> producer = p.producer();
        assertThat(producer).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("max.in.flight.requests.per.connection", 5).doesNotContainKey("transactional.id")
                .containsEntry("ssl.truststore.location", "/x").containsEntry("bootstrap.servers", "h1:9092,h2:9092")
                .containsEntry("client.id", "feathers4j-sync-node_1-producer").containsEntry("linger.ms", 1);
        Map<String, Object> consumer = p.consumer(null);
        assertThat(consumer).containsEntry("enable.auto.commit", false).containsEntry("auto.offset.reset", "none")
                .doesNotContainKey("group.id");
        assertThat(p.consumer("feathers4j-sync-node-1")).containsEntry("group.id", "feathers4j-sync-node-1");
        assertThat(p.admin()).containsEntry("bootstrap.servers", "h1:9092,h2:9092");
    }

    @Test
    void userAndPasswordMakeASaslJaasLine() {
        KafkaSyncConfig config = KafkaSyncConfig.builder().user("app").password("p\"w").saslMechanism("SCRAM-SHA-256").build();
        Map<String, Object> c = new ClientProperties(List.of("h:9092"), config, "i").producer();
        assertThat(c).containsEntry("sasl.mechanism", "SCRAM-SHA-256").containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat((String) c.get("sasl.jaas.config")).startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required")
                .contains("username=\"app\"").contains("password=\"p\\\"w\"");
        Map<String, Object> plain = new ClientProperties(List.of("h:9092"),
                KafkaSyncConfig.builder().user("a").password("b").securityProtocol("sasl_ssl").build(), "i").admin();
        assertThat(plain).containsEntry("sasl.mechanism", "PLAIN").containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void theUriGivesServersWithTheDefaultPort() {
        assertThat(KafkaUri.servers("kafka://u:p@a,b:9093,[::1]:9094,[::1]/")).containsExactly("a:9092", "b:9093", "[::1]:9094", "[::1]:9092");
        assertThat(KafkaUri.userInfo("kafka://u:p%2Fq@a")).containsExactly("u", "p/q");
        assertThat(KafkaUri.userInfo("kafka://a:9092")).isNull();
    }
}
