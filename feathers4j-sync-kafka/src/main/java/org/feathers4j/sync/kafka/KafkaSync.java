package org.feathers4j.sync.kafka;

import java.util.Objects;
import java.util.Set;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.kafka.internal.KafkaSyncAdapter;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Sync through Apache Kafka: one topic per key ({@code feathers4j-sync.<key>} unless named), created
 * when missing; each instance publishes with an idempotent producer ({@code acks=all}, record key =
 * its instance id, so its events keep their order) and reads every partition itself (no consumer
 * group membership: every instance gets every event), going on from its own offsets after any
 * disconnection. With a fixed instance id the offsets are committed, and {@code resume=LAST}
 * restarts where the instance stopped. Java instances only (Node feathers-sync has no Kafka adapter).
 *
 * <pre>{@code
 * // by URI (Sync.of finds this adapter by the scheme kafka)
 * app.configure(KafkaSync.of("kafka://localhost:9092"));
 *
 * // several brokers, topic settings, SASL over TLS (the trust store through client properties)
 * app.configure(KafkaSync.of(SyncOptions.uri("kafka://app:" + secret + "@k1:9093,k2:9093"
 *         + "?securityProtocol=SASL_SSL&saslMechanism=SCRAM-SHA-512&partitions=3&retention=6h")));
 *
 * // everything in code
 * app.configure(KafkaSync.of(SyncOptions.uri("kafka://k1:9092"), KafkaSyncConfig.builder()
 *         .topic("orders-sync").clientProperties(props).build()));
 * }</pre>
 *
 * <p>See {@link KafkaSyncConfig} for the settings.
 */
public final class KafkaSync {

    /** The URI scheme served: {@code kafka}. */
    public static final Set<String> SCHEMES = Set.of("kafka");

    private KafkaSync() {
    }

    /**
     * The sync plugin for this URI, with the Kafka settings of its query.
     *
     * @throws IllegalArgumentException if the URI is malformed or not kafka://
     */
    public static Plugin of(String uri) {
        return of(SyncOptions.uri(uri));
    }

    /**
     * The sync plugin for these options, with the Kafka settings read from the options and the URI's query
     * ({@link KafkaSyncConfig#from(SyncOptions)}).
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not kafka://, or an option is not usable
     */
    public static Plugin of(SyncOptions options) {
        return of(options, KafkaSyncConfig.from(options));
    }

    /**
     * The sync plugin for these options and Kafka settings (the options' adapter options and the URI's
     * query are not read).
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not kafka://
     */
    public static Plugin of(SyncOptions options, KafkaSyncConfig config) {
        return Sync.with(adapter(options, config), options);
    }

    /**
     * An adapter for the options' URI (and the config's {@code servers}) with these Kafka settings;
     * it makes, owns and closes its clients. For {@code Sync.with(adapter, options)} and tests.
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not kafka://
     */
    public static SyncAdapter adapter(SyncOptions options, KafkaSyncConfig config) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
        String uri = options.uri();
        if (uri != null && !uri.trim().toLowerCase(java.util.Locale.ROOT).startsWith("kafka://")) {
            throw new IllegalArgumentException("kafka sync: the URI must start with kafka://, got " + SyncOptions.redact(uri));
        }
        return new KafkaSyncAdapter(options.copy(), config);
    }
}
