package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
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
 * JetStream mode on the shared server: restarts with a fixed instance id (resume NEW and LAST),
 * retention exceeded, a stream deleted while running, a stream that cannot be used. Each test
 * deletes its stream and stored positions.
 */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsJetStreamTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private final String key = SyncTestApps.uniqueKey("nats-js");
    private final String fixedId = "js-reader-" + UUID.randomUUID();
    private final String bucket = "f4j-test-cursors-" + UUID.randomUUID();
    private final List<Application> apps = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (Application app : apps) close(app);
        JetStreamTestSupport.deleteStream(JetStreamTestSupport.jsUri(), key);
        JetStreamTestSupport.deleteBucket(JetStreamTestSupport.jsUri(), bucket);
    }

    private static void close(Application app) {
        if (app.hasSync()) app.sync().close().orTimeout(15, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    private final java.util.Map<Application, DeliveryCheck.Recorder> recorders = new java.util.concurrent.ConcurrentHashMap<>();

    /** What the app received, recorded from before it started syncing (a resumed reader delivers at once). */
    private DeliveryCheck.Recorder recorder(Application app) {
        return recorders.get(app);
    }

    private Application app(UnaryOperator<SyncOptions> tweak) {
        Application app = SyncTestApps.app();
        recorders.put(app, DeliveryCheck.record(app));
        app.configure(Sync.of(tweak.apply(JetStreamTestSupport.options(key).option("cursorBucket", bucket))));
        apps.add(app);
        app.sync().ready().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
        return app;
    }

    private static void create(Application app, String from, long fromN, long toN) {
        for (long n = fromN; n <= toN; n++) app.service("messages").create(java.util.Map.of("from", from, "n", n)).join();
    }

    /** Waits until the server acknowledged {@code n} publishes of the app (create() returns before). */
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
        DeliveryCheck.Recorder onB = recorder(b);
        create(a, "a", 1, 30);
        onB.awaitLast("a", 30, PATIENCE);
        close(b);
        create(a, "a", 31, 60);   // while b is down
        awaitAcknowledged(a, 60); // in the stream before b starts again
        Application b2 = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.NEW));
        DeliveryCheck.Recorder onB2 = recorder(b2);
        create(a, "a", 61, 90);
        onB2.awaitLast("a", 90, PATIENCE);
        assertThat(onB.received("a")).containsExactlyElementsOf(range(1, 30));
        assertThat(onB2.received("a")).as("resume=NEW: only what came after the restart").containsExactlyElementsOf(range(61, 90));
        assertThat(onB2.gaps()).isEmpty();
    }

    @Test
    void aRestartWithResumeLastGetsWhatWasPublishedWhileItWasDownThenTheRest() {
        Application a = app(o -> o);
        Application b = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB = recorder(b);
        create(a, "a", 1, 30);
        onB.awaitLast("a", 30, PATIENCE);
        close(b);
        create(a, "a", 31, 60);   // while b is down
        awaitAcknowledged(a, 60); // in the stream before b starts again
        Application b2 = app(o -> o.instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB2 = recorder(b2);
        create(a, "a", 61, 90);
        onB2.awaitLast("a", 90, PATIENCE);
        assertThat(onB.received("a")).containsExactlyElementsOf(range(1, 30));
        assertThat(onB2.received("a")).as("resume=LAST: from where it stopped, in order, nothing twice")
                .containsExactlyElementsOf(range(31, 90));
        assertThat(onB2.gaps()).isEmpty();
    }

    @Test
    void aReaderThatWasStoppedLongerThanTheStreamKeepsGetsARetentionGapWithTheExactCount() {
        UnaryOperator<SyncOptions> small = o -> o.option("streamMaxMessages", 20);
        Application a = app(small);
        Application b = app(o -> small.apply(o).instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB = recorder(b);
        create(a, "a", 1, 10);
        onB.awaitLast("a", 10, PATIENCE);
        close(b);
        create(a, "a", 11, 60); // the stream keeps 41..60 (sequences 41..60): 11..40 are gone
        awaitAcknowledged(a, 60);
        Application b2 = app(o -> small.apply(o).instanceId(fixedId).resume(SyncOptions.Resume.LAST));
        DeliveryCheck.Recorder onB2 = recorder(b2);
        onB2.awaitLast("a", 60, PATIENCE);
        assertThat(onB2.received("a")).containsExactlyElementsOf(range(41, 60));
        assertThat(b2.sync().counters()).containsEntry("adapterGaps", 1L);
        assertThat(onB2.gaps()).singleElement().satisfies(g -> {
            assertThat(g.reason()).isEqualTo(SyncGap.Reason.RETENTION_EXCEEDED);
            assertThat(g.missed()).as("first sequence 41 - wanted 11").isEqualTo(30L);
        });
    }

    @Test
    void aStreamDeletedWhileRunningIsMadeAgainReportedAsDataLostAndSyncGoesOn() throws Exception {
        Application a = app(o -> o);
        Application b = app(o -> o);
        DeliveryCheck.Recorder onB = recorder(b);
        create(a, "a", 1, 10);
        onB.awaitLast("a", 10, PATIENCE);
        try (Connection c = JetStreamTestSupport.connect(JetStreamTestSupport.jsUri())) {
            c.jetStreamManagement().deleteStream(JetStreamTestSupport.streamName(key));
        }
        create(a, "a", 11, 20);
        onB.awaitLast("a", 20, PATIENCE);
        assertThat(onB.received("a")).containsExactlyElementsOf(range(1, 20));
        assertThat(onB.gaps()).isNotEmpty().allSatisfy(g -> assertThat(g.reason()).isEqualTo(SyncGap.Reason.BROKER_DATA_LOST));
        assertThat(b.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    @Test
    void aStreamWhoseSubjectsDoNotCoverTheKeyFailsClearly() throws Exception {
        try (Connection c = JetStreamTestSupport.connect(JetStreamTestSupport.jsUri())) {
            c.jetStreamManagement().addStream(StreamConfiguration.builder().name(JetStreamTestSupport.streamName(key))
                    .subjects(key + ".elsewhere").storageType(StorageType.Memory).build());
        }
        Application app = SyncTestApps.app();
        app.configure(Sync.of(JetStreamTestSupport.options(key)));
        apps.add(app);
        assertThatThrownBy(() -> app.sync().ready().orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(SyncException.class)
                .hasMessageContaining("do not cover the sync subject")
                .satisfies(e -> assertThat(((SyncException) e).reason()).isEqualTo(SyncException.Reason.CONFIGURATION));
        assertThat(app.sync().state()).isEqualTo(SyncState.FAILED);
    }

    @Test
    void anExistingStreamWithOtherLimitsIsUsedAsItIs() throws Exception {
        try (Connection c = JetStreamTestSupport.connect(JetStreamTestSupport.jsUri())) {
            c.jetStreamManagement().addStream(StreamConfiguration.builder().name(JetStreamTestSupport.streamName(key))
                    .subjects(key).storageType(StorageType.Memory).maxMessages(500).build());
        }
        Application a = app(o -> o);
        DeliveryCheck.Recorder onA = recorder(a);
        create(a, "a", 1, 5);
        onA.awaitLast("a", 5, PATIENCE);
        try (Connection c = JetStreamTestSupport.connect(JetStreamTestSupport.jsUri())) {
            StreamInfo info = JetStreamTestSupport.info(c, JetStreamTestSupport.streamName(key));
            assertThat(info.getConfiguration().getMaxMsgs()).as("left as it was").isEqualTo(500);
            assertThat(info.getStreamState().getMsgCount()).isEqualTo(5);
        }
    }
}
