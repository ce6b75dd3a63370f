package org.feathers4j.sync.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.feathers4j.sync.SyncOptions;

/** The shared Kafka node of the tests (scripts/services.sh kafka) and cleaning up what a test made there. */
final class KafkaTestSupport {

    private KafkaTestSupport() {
    }

    /** The shared node's URI: {@code FEATHERS4J_KAFKA_URI} or {@code kafka://127.0.0.1:9092}. */
    static String kafkaUri() {
        String env = System.getenv("FEATHERS4J_KAFKA_URI");
        return env != null && !env.isBlank() ? env : "kafka://127.0.0.1:9092";
    }

    /** Options on the shared node with this key. */
    static SyncOptions options(String key) {
        return SyncOptions.uri(kafkaUri()).key(key);
    }

    /** An admin client for a {@code host:port} list. */
    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** The bootstrap list of a kafka:// URI. */
    static String bootstrap(String uri) {
        String s = uri.substring("kafka://".length());
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    /** Deletes these topics on the node of the URI, if they exist. */
    static void deleteTopics(String uri, List<String> topics) {
        if (topics.isEmpty()) return;
        try (Admin admin = admin(bootstrap(uri))) {
            for (String t : topics) {
                try {
                    admin.deleteTopics(List.of(t)).all().get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not delete topics " + topics + ": " + e, e);
        }
    }

    /** The topic sync uses for a key (default settings). */
    static String topic(String key) {
        return "feathers4j-sync." + key;
    }
}
