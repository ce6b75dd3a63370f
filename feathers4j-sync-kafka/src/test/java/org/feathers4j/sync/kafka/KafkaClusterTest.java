package org.feathers4j.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.sync.kafka.OutageChecks.millisUntil;
import static org.feathers4j.sync.kafka.OutageChecks.sleep;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A private cluster of three Kafka nodes (KRaft quorum of three, each node broker and controller)
 * on free loopback ports; sync creates its topic with replication 3 and {@code min.insync.replicas}
 * 2. The node leading the topic's partition is killed while an instance creates at 200/s, and
 * started again 10 s later: nothing lost, nothing twice, in order, no gap.
 */
@Tag("broker")
@Tag("slow")
class KafkaClusterTest {

    private static PrivateKafka cluster;
    private OutageChecks checks;

    @BeforeAll
    static void startCluster() {
        cluster = new PrivateKafka(3, false).startAll();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    @BeforeEach
    void setUp() {
        checks = new OutageChecks("kafka cluster");
    }

    @AfterEach
    void closeApps() {
        checks.close();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void thePartitionLeaderKilledForTenSecondsAt200PerSecondLosesNothing() throws Exception {
        String key = SyncTestApps.uniqueKey("kafka-cluster");
        String topic = KafkaTestSupport.topic(key);
        Application a = checks.app(cluster.uri(), key, 10_000);
        Application b = checks.app(cluster.uri(), key, 10_000);
        Application c = checks.app(cluster.uri(), key, 10_000);
        int leader;
        try (Admin admin = KafkaTestSupport.admin(KafkaTestSupport.bootstrap(cluster.uri()))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(15, TimeUnit.SECONDS).get(topic);
            assertThat(d.partitions().get(0).replicas()).as("replicas").hasSize(3);
            String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                    .all().get(15, TimeUnit.SECONDS).values().iterator().next().get("min.insync.replicas").value();
            assertThat(minIsr).isEqualTo("2");
            leader = d.partitions().get(0).leader().id() - 1; // node ids are 1..3
        }
        DeliveryCheck.Sender sender = DeliveryCheck.send(a, "a", 200);
        sleep(Duration.ofSeconds(3));
        cluster.stop(leader);
        long killedAt = sender.sent();
        sleep(Duration.ofSeconds(10));
        long t1 = System.nanoTime();
        cluster.start(leader);
        long startMs = (System.nanoTime() - t1) / 1_000_000;
        long readyMs = millisUntil(() -> checks.apps().stream().allMatch(x -> x.sync().state() == SyncState.CONNECTED),
                Duration.ofSeconds(30));
        sleep(Duration.ofSeconds(5));
        long last = sender.stop();
        checks.check("leader killed 10 s at 200/s", last, a, List.of(a, b, c));
        System.out.printf("[kafka cluster] leader node %d killed after %d events, started again (%d ms); all connected %d ms "
                + "after that%n", leader + 1, killedAt, startMs, readyMs);
        assertThat(readyMs).as("connected after the node came back").isNotNegative();
    }
}
