package org.feathers4j.sync.kafka.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.feathers4j.sync.kafka.KafkaSyncConfig;

/**
 * The properties of the three clients: the adapter's defaults, then the config's
 * {@code clientProperties}, then what sync relies on (kept whatever is given).
 */
final class ClientProperties {

    private final List<String> servers;
    private final KafkaSyncConfig config;
    private final String clientId;

    ClientProperties(List<String> servers, KafkaSyncConfig config, String instanceId) {
        this.servers = List.copyOf(servers);
        this.config = config;
        this.clientId = "feathers4j-sync-" + instanceId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", servers));
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-" + role);
        // back within about a second of the broker, like the other adapters' reconnect waits
        p.put(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG, 100);
        p.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        p.put(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, 100);
        p.put(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
        // new partitions and moved leaders are seen within partitionRefresh
        p.put(CommonClientConfigs.METADATA_MAX_AGE_CONFIG, (int) Math.min(Integer.MAX_VALUE, config.partitionRefresh().toMillis()));
        if (config.securityProtocol() != null) p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, config.securityProtocol());
        if (config.user() != null) {
            String mechanism = config.saslMechanism() != null ? config.saslMechanism() : "PLAIN";
            p.put(SaslConfigs.SASL_MECHANISM, mechanism);
            String module = mechanism.startsWith("SCRAM-") ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasQuote(config.user())
                    + "\" password=\"" + jaasQuote(config.password() == null ? "" : config.password()) + "\";");
            if (config.securityProtocol() == null) p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        } else if (config.saslMechanism() != null) {
            p.put(SaslConfigs.SASL_MECHANISM, config.saslMechanism());
        }
        p.putAll(config.clientProperties());
        return p;
    }

    private static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The producer: idempotent, every replica in sync acknowledges, small linger, bounded memory and blocking. */
    Map<String, Object> producer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, config.linger().toMillis()));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, config.bufferMemory());
        int delivery = (int) config.deliveryTimeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        // delivery.timeout.ms must be at least linger.ms + request.timeout.ms
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(100, Math.min(30_000,
                delivery - config.linger().toMillis() - 1)));
        // send() runs on the publishing thread: it may wait this long only when buffer.memory is full
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        p.putAll(common("producer"));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // no loss, no duplicate, order kept through retries (idempotence allows at most 5 in flight)
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        Object inFlight = p.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight == null || Integer.parseInt(String.valueOf(inFlight)) > 5) p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return p;
    }

    /** The consumer: manual assignment, own offsets, no automatic reset (sync reports retention gaps itself). */
    Map<String, Object> consumer(String groupId) {
        Map<String, Object> p = new HashMap<>(common("consumer"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (groupId != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return p;
    }

    /** The admin client (topic check and creation at start). */
    Map<String, Object> admin() {
        Map<String, Object> p = new HashMap<>();
        int timeout = (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        p.putAll(common("admin"));
        return p;
    }
}
