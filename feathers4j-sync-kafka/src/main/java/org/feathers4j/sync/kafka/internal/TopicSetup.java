package org.feathers4j.sync.kafka.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.kafka.KafkaSyncConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key's topic: its name, and at start a check that it exists, or its creation with the
 * configured partitions, replication (default the smaller of 3 and the brokers; {@code min.insync.replicas}
 * 2 from 3 replicas on, else 1) and retention.
 */
final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    private final KafkaSyncConfig config;
    private final String name;

    TopicSetup(KafkaSyncConfig config, String key) {
        this.config = config;
        this.name = config.topic() != null ? config.topic() : topicName(key);
    }

    /**
     * The topic for a key: {@code feathers4j-sync.} and the key, each character other than a letter,
     * digit, {@code .}, {@code _} or {@code -} replaced by {@code _}; when something was replaced (or
     * the name is long) a hash of the key follows, so that {@code a/b} and {@code a_b} differ.
     */
    static String topicName(String key) {
        String clean = key.replaceAll("[^A-Za-z0-9._-]", "_");
        if (clean.equals(key) && clean.length() <= 200) return "feathers4j-sync." + clean;
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        String head = clean.length() > 200 ? clean.substring(0, 200) : clean;
        return "feathers4j-sync." + head + "_" + String.format("%08x", crc.getValue());
    }

    String name() {
        return name;
    }

    /**
     * Makes sure the topic exists: returns its partition count.
     *
     * @throws org.feathers4j.sync.SyncException (not retried) when the topic is missing and may not be
     *         created, or the cluster refuses the creation for a reason retrying cannot fix
     * @throws Exception what the admin client threw otherwise (the caller retries)
     */
    int ensure(Admin admin) throws Exception {
        long timeout = config.requestTimeout().toMillis();
        try {
            return describe(admin, timeout).partitions().size();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw e;
        }
        if (!config.createTopic()) {
            throw KafkaFailures.of(Reason.CONFIGURATION, "kafka sync: topic '" + name + "' does not exist and createTopic is "
                    + "false; create it (e.g. kafka-topics.sh --create --topic " + name + ") or set createTopic=true", null);
        }
        short rf = config.replication();
        if (rf < 1) {
            int brokers = admin.describeCluster().nodes().get(timeout, TimeUnit.MILLISECONDS).size();
            rf = (short) Math.max(1, Math.min(3, brokers));
        }
        NewTopic topic = new NewTopic(name, config.partitions(), rf).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(config.retention().toMillis()),
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, rf >= 3 ? "2" : "1"));
        try {
            admin.createTopics(List.of(topic)).all().get(timeout, TimeUnit.MILLISECONDS);
            LOG.info("kafka sync: created topic {} ({} partition(s), replication {}, retention {})", name, config.partitions(), rf,
                    org.feathers4j.sync.spi.support.OptionReader.format(config.retention()));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                Reason reason = KafkaFailures.reason(e);
                if (reason == Reason.CONFIGURATION) {
                    throw KafkaFailures.of(reason, "kafka sync: the cluster refused to create topic '" + name + "' ("
                            + config.partitions() + " partition(s), replication " + rf + "): " + KafkaFailures.detail(e), e);
                }
                throw e;
            }
        }
        // creation is announced before every broker knows the topic: wait until it can be described
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        while (true) {
            try {
                TopicDescription d = describe(admin, timeout);
                if (d.partitions().stream().allMatch(p -> p.leader() != null)) return d.partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > until) throw e;
            }
            if (System.nanoTime() > until) throw new java.util.concurrent.TimeoutException("topic " + name + " has no leader yet");
            Thread.sleep(100);
        }
    }

    private TopicDescription describe(Admin admin, long timeoutMs) throws Exception {
        return admin.describeTopics(List.of(name)).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS).get(name);
    }
}
