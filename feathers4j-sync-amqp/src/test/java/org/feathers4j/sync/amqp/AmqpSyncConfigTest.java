package org.feathers4j.sync.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.ConnectionFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.feathers4j.sync.OptionTableCheck;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Test;

/** Settings, option parsing, URIs and the README's option table; no broker needed. */
class AmqpSyncConfigTest {

    @Test
    void anUnusableUriNeverShowsItsPassword() {
        // raw space, caret, a bad escape: not URIs at all (the parse error used to carry the raw URI as its cause)
        for (String uri : List.of("amqp://guest:s3cr et^pw@127.0.0.1:5672/", "amqp://guest:s3cret%zz@127.0.0.1/")) {
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> AmqpSync.adapter(SyncOptions.uri(uri),
                    AmqpSyncConfig.create()));
            assertThat(e).as(uri).isInstanceOf(IllegalArgumentException.class);
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).as(uri).doesNotContain("s3cr").doesNotContain("et^pw");
            }
        }
    }

    @Test
    void readmeDocumentsEveryDefault() throws Exception {
        OptionTableCheck.assertDocumented(Path.of("README.md"), AmqpSyncConfig.class);
    }

    @Test
    void optionsUseTheCommonGrammar() {
        AmqpSyncConfig c = AmqpSyncConfig.from(new SyncOptions().option("queueExpires", "5m").option("recoverySettle", "500ms")
                .option("topologyCheck", "PT10S").option("heartbeat", 3000).option("queueMaxLength", "1_000")
                .option("persistent", "false").option("queue", "mine"));
        assertThat(c.queueExpires()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.recoverySettle()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.topologyCheck()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.queueMaxLength()).isEqualTo(1000);
        assertThat(c.persistent()).isFalse();
        assertThat(c.queue()).isEqualTo("mine");
        assertThat(AmqpSyncConfig.from(new SyncOptions())).isEqualTo(AmqpSyncConfig.create());
        assertThatThrownBy(() -> AmqpSyncConfig.from(new SyncOptions().option("connectionFactory", "nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionFactory");
    }

    @Test
    void builderChecksAndCopies() {
        assertThatThrownBy(() -> AmqpSyncConfig.builder().queueExpires(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueExpires");
        assertThatThrownBy(() -> AmqpSyncConfig.builder().queue("amq.x")).hasMessageContaining("amq.");
        assertThatThrownBy(() -> AmqpSyncConfig.builder().queueMaxLength(-1)).hasMessageContaining("queueMaxLength");
        assertThatThrownBy(() -> AmqpSyncConfig.builder().recoveryInterval(Duration.ZERO)).hasMessageContaining("recoveryInterval");
        Consumer<ConnectionFactory> secret = f -> f.setPassword("s3cret");
        AmqpSyncConfig c = AmqpSyncConfig.builder().prefetch(10).connectionFactory(secret).build();
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().prefetch(11).build()).isNotEqualTo(c);
        assertThat(c.toString()).contains("prefetch=10", "queueExpires=1m", "connectionFactory=set").doesNotContain("s3cret");
    }

    @Test
    void schemesSelectTheAmqpAdapter() {
        for (String u : List.of("amqp://localhost", "amqps://localhost", "rabbitmq://localhost", "AMQP://localhost")) {
            assertThat(Sync.provider(SyncOptions.uri(u)).type()).as(u).isEqualTo("amqp");
        }
        assertThatThrownBy(() -> AmqpSync.adapter(SyncOptions.uri("redis://localhost"), AmqpSyncConfig.create()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amqp");
        assertThatThrownBy(() -> AmqpSyncConfig.from(new SyncOptions().option("queueExpires", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueExpires");
        assertThatThrownBy(() -> AmqpSyncConfig.from(new SyncOptions().option("prefetch", 0)))
                .hasMessageContaining("prefetch");
        ConnectionFactory tls = AmqpSync.factoryFor(
                SyncOptions.uri("amqps://u:p@broker.example:5671/%2F?heartbeat=7"), AmqpSyncConfig.create());
        assertThat(tls.isSSL()).isTrue();
        assertThat(tls.getPort()).isEqualTo(5671);
        assertThat(tls.getRequestedHeartbeat()).as("the URI's heartbeat wins").isEqualTo(7);
        ConnectionFactory plain = AmqpSync.factoryFor(
                SyncOptions.uri("rabbitmq://u:p@broker.example/vh"), AmqpSyncConfig.create());
        assertThat(plain.getPort()).isEqualTo(5672);
        assertThat(plain.getVirtualHost()).isEqualTo("vh");
        assertThat(plain.getRequestedHeartbeat()).isEqualTo(10);
        AmqpSyncConfig c = AmqpSyncConfig.from(new SyncOptions().option("queueExpires", "PT5M").option("recoverySettle", 250));
        assertThat(c.queueExpires()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.recoverySettle()).isEqualTo(Duration.ofMillis(250));
        assertThat(AmqpSyncConfig.create().queueExpires()).isEqualTo(AmqpSyncConfig.DEFAULT_QUEUE_EXPIRES);
    }
}
