package org.feathers4j.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On the shared Kafka node: restarts with a fixed instance id (resume NEW and LAST), retention
 * exceeded (records deleted below a stopped reader's offset), partitions added while running, a
 * record without a value on the topic, a missing topic that may not be created. Each test deletes
 * its topic and its instances' committed offsets.
 */
@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaDurabilityTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final String key = SyncTestApps.uniqueKey("kafka-durable");
    private final String fixedId = "kafka-reader-" + UUID.randomUUID();
    private final List<Application> apps = new ArrayList<>();
    private final Map<Application, DeliveryCheck.Recorder> recorders = new ConcurrentHashMap<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Application app : apps) close(app);
        KafkaTestSupport.deleteTopics(KafkaTestSupport.kafkaUri(), List.of(KafkaTestSupport.topic(key)));
        try (Admin admin = KafkaTestSupport.admin(KafkaTestSupport.bootstrap(KafkaTestSupport.kafkaUri()))) {
            admin.deleteConsumerGroups(List.of(KafkaSyncConfig.DEFAULT_GROUP_PREFIX + fixedId)).all().get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // no such group: the test stored no offsets
        }
    }

    private static void close(Application app) {
        if (app.hasSync()) app.sync().close().orTimeout(15, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    private Application app(UnaryOperator<SyncOptions> tweak) {
        Application app = SyncTestApps.app();
        recorders.put(app, DeliveryCheck.record(app));
        app.configure(Sync.of(tweak.apply(KafkaTestSupport.options(key))));
        apps.add(app);
        app.sync().ready().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
        return app;
    }

    private static void create(Application app, String from, long fromN, long toN) {
        for (long n = fromN; n <= toN; n++) app.service("messages").create(Map.of("from", from, "n", n)).join();
    }

    /** Waits until Kafka acknowledged {@code n} publishes of the app (create() returns before). */
    private static void awaitAcknowledged(Application app, long n) {
        await().atMost(PATIENCE).until(() -> app.sync().counters().get("publishAcked") >= n);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void aRestartWithResumeNewGetsOnlyWhatIsPublishedAfterIt() {
        Application a = app(o -> o);
        Application b = app(o -> o.instanceId(fixedId));
        DeliveryCheck.Recorder onB = recorders.get(b);
        create(a, "a", 1, 30);
        onB.awaitLast("a", 30, PATIENCE);
        close(b);
        create(a, "a", 31, 60);   // while b is down
        awaitAcknowledged(a, 60); // in the topic before b starts again
        Application b2 = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.NEW));
        DeliveryCheck.Recorder onB2 = recorders.get(b2);
        create(a, "a", 61, 90);
        onB2.awaitLast("a", 90, PATIENCE);
        assertThat(onB.received("a")).containsExactlyElementsOf(range(1, 30));
        assertThat(onB2.received("a")).as("resume=NEW: only what came after the restart").containsExactlyElementsOf(range(61, 90));
        assertThat(onB2.gaps()).isEmpty();
    }

    @Test
    void aRestartWithResumeLastGetsWhatWasPublishedWhileItWasDownInOrderAndNothingTwice() {
        Application a = app(o -> o);
        Application b = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB = recorders.get(b);
        create(a, "a", 1, 30);
        onB.awaitLast("a", 30, PATIENCE);
        close(b); // commits its offsets
        create(a, "a", 31, 60);
        awaitAcknowledged(a, 60);
        Application b2 = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB2 = recorders.get(b2);
        create(a, "a", 61, 90);
        onB2.awaitLast("a", 90, PATIENCE);
        assertThat(onB.received("a")).containsExactlyElementsOf(range(1, 30));
        assertThat(onB2.received("a")).as("resume=LAST: from where it stopped, in order, nothing twice")
                .containsExactlyElementsOf(range(31, 90));
        assertThat(onB2.gaps()).isEmpty();
    }

    @Test
    void aReaderWhoseOffsetsAreNoLongerKeptGetsARetentionGapWithTheExactCount() throws Exception {
        Application a = app(o -> o);
        Application b = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB = recorders.get(b);
        create(a, "a", 1, 10);
        onB.awaitLast("a", 10, PATIENCE);
        close(b);
        create(a, "a", 11, 60);
        awaitAcknowledged(a, 60);
        // what retention does when it deletes old segments: the log start offset moves past b's offset
        try (Admin admin = KafkaTestSupport.admin(KafkaTestSupport.bootstrap(KafkaTestSupport.kafkaUri()))) {
            admin.deleteRecords(Map.of(new TopicPartition(KafkaTestSupport.topic(key), 0), RecordsToDelete.beforeOffset(40)))
                    .all().get(15, TimeUnit.SECONDS);
        }
        Application b2 = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB2 = recorders.get(b2);
        onB2.awaitLast("a", 60, PATIENCE);
        // offsets 0..59 hold 1..60; b stopped at offset 10; the log now starts at 40 (event 41)
        assertThat(onB2.received("a")).containsExactlyElementsOf(range(41, 60));
        assertThat(b2.sync().counters()).containsEntry("adapterGaps", 1L).containsEntry("retentionSkipped", 30L);
        assertThat(onB2.gaps()).singleElement().satisfies(g -> {
            assertThat(g.reason()).isEqualTo(SyncGap.Reason.RETENTION_EXCEEDED);
            assertThat(g.missed()).as("log start 40 - wanted 10").isEqualTo(30L);
        });
    }

    @Test
    void partitionsAddedWhileRunningAreReadFromTheirBeginning() throws Exception {
        UnaryOperator<SyncOptions> quick = o -> o.option("partitionRefresh", "500ms");
        Application b = app(quick);
        DeliveryCheck.Recorder onB = recorders.get(b);
        try (Admin admin = KafkaTestSupport.admin(KafkaTestSupport.bootstrap(KafkaTestSupport.kafkaUri()))) {
            admin.createPartitions(Map.of(KafkaTestSupport.topic(key), NewPartitions.increaseTo(4))).all().get(15, TimeUnit.SECONDS);
        }
        // a sender whose record key lands in one of the new partitions (the producer's default partitioner)
        String id = null;
        for (int i = 0; id == null; i++) {
            String candidate = "new-partition-sender-" + i;
            if (Utils.toPositive(Utils.murmur2(candidate.getBytes(StandardCharsets.UTF_8))) % 4 != 0) id = candidate;
        }
        String senderId = id;
        await().atMost(PATIENCE).until(() -> b.sync().counters().get("partitions") == 4L);
        Application a = app(o -> quick.apply(o).instanceId(senderId));
        create(a, "a", 1, 50);
        onB.awaitLast("a", 50, PATIENCE);
        assertThat(onB.received("a")).containsExactlyElementsOf(range(1, 50));
        try (Admin admin = KafkaTestSupport.admin(KafkaTestSupport.bootstrap(KafkaTestSupport.kafkaUri()))) {
            int p = Utils.toPositive(Utils.murmur2(senderId.getBytes(StandardCharsets.UTF_8))) % 4;
            long end = admin.listOffsets(Map.of(new TopicPartition(KafkaTestSupport.topic(key), p),
                    org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get(15, TimeUnit.SECONDS).values().iterator().next().offset();
            assertThat(end).as("the events are in new partition " + p).isGreaterThanOrEqualTo(50);
        }
    }

    @Test
    void aRecordWithoutAValueIsSkippedAndCountedAndReadingGoesOn() {
        Application a = app(o -> o);
        Application b = app(o -> o);
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestSupport.bootstrap(KafkaTestSupport.kafkaUri()),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            raw.send(new ProducerRecord<>(KafkaTestSupport.topic(key), "x".getBytes(StandardCharsets.UTF_8), null)).get(15, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(KafkaTestSupport.topic(key), null, new byte[0])).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        create(a, "a", 1, 5);
        recorders.get(b).awaitLast("a", 5, PATIENCE);
        assertThat(recorders.get(b).received("a")).containsExactlyElementsOf(range(1, 5));
        assertThat(b.sync().counters()).containsEntry("recordsEmpty", 1L);
        assertThat(b.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    @Test
    void aMissingTopicThatMayNotBeCreatedFailsClearly() {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(SyncOptions.uri(KafkaTestSupport.kafkaUri() + "?createTopic=false").key(key)));
        apps.add(app);
        assertThatThrownBy(() -> app.sync().ready().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(SyncException.class)
                .hasMessageContaining("does not exist and createTopic is false")
                .satisfies(e -> assertThat(((SyncException) e).reason()).isEqualTo(SyncException.Reason.CONFIGURATION));
        assertThat(app.sync().state()).isEqualTo(SyncState.FAILED);
    }
}
