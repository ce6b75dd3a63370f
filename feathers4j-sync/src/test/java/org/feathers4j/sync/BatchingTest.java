package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncTestApps.Received;
import org.feathers4j.sync.internal.BatchFrame;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.Test;

/** The {@code batch} option: what goes on the bus, what comes off it, and that nothing is lost or reordered. */
class BatchingTest {

    /** An adapter that records what it is asked to publish and completes each publish only when told. */
    static final class HeldAdapter implements SyncAdapter {
        final List<byte[]> published = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
        volatile SyncState state = SyncState.CONNECTED;
        MessageHandler handler;

        @Override public String type() { return "held"; }
        @Override public void start(MessageHandler h) { handler = h; }
        @Override public CompletableFuture<Void> publish(byte[] message) {
            published.add(message);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }
        @Override public CompletableFuture<Void> ready() { return ready; }
        @Override public SyncState state() { return state; }
        @Override public Throwable lastError() { return null; }
        @Override public Map<String, Long> counters() { return Map.of(); }
        @Override public CompletableFuture<Void> close() { return CompletableFuture.completedFuture(null); }

        void completeAll() {
            for (CompletableFuture<Void> f : List.copyOf(pending)) f.complete(null);
        }
    }

    private static Map<?, ?> create(Application app, int n) {
        return (Map<?, ?>) app.service("messages").create(Map.of("n", n)).join();
    }

    @Test
    void aLoneEventGoesOutAtOnceUnframedAndWhatWaitsLeavesAsOneFrameInOrder() {
        Application app = SyncTestApps.app();
        HeldAdapter adapter = new HeldAdapter();
        app.configure(Sync.with(adapter, new SyncOptions().batch(true)));

        create(app, 0);
        assertThat(adapter.published).hasSize(1);
        assertThat(BatchFrame.isFrame(adapter.published.get(0))).isFalse();
        assertThat(new String(adapter.published.get(0), StandardCharsets.UTF_8)).startsWith("{\"event\":\"created\"");

        for (int n = 1; n <= 3; n++) create(app, n);
        assertThat(adapter.published).as("nothing more while the first publish is in flight").hasSize(1);

        adapter.pending.get(0).complete(null);
        assertThat(adapter.published).hasSize(2);
        byte[] frame = adapter.published.get(1);
        assertThat(BatchFrame.isFrame(frame)).isTrue();
        List<byte[]> inside = BatchFrame.decode(frame);
        assertThat(inside).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(new String(inside.get(i), StandardCharsets.UTF_8)).contains("\"n\":" + (i + 1));
        }

        adapter.completeAll();
        assertThat(app.sync().counters()).containsEntry("sent", 4L).containsEntry("framesSent", 1L)
                .containsEntry("batchWaiting", 0L);
    }

    @Test
    void whileTheAdapterIsNotConnectedMessagesGoToItOneByOneSoItsBufferCountsMessages() {
        Application app = SyncTestApps.app();
        HeldAdapter adapter = new HeldAdapter();
        app.configure(Sync.with(adapter, new SyncOptions().batch(true)));
        create(app, 0);
        adapter.state = SyncState.DISCONNECTED;
        for (int n = 1; n <= 5; n++) create(app, n);
        assertThat(adapter.published).hasSize(6).noneMatch(BatchFrame::isFrame);
    }

    @Test
    void aFullBatchLeavesWithoutWaitingSoNothingPilesUpBehindASlowPublish() {
        Application app = SyncTestApps.app();
        HeldAdapter adapter = new HeldAdapter();
        app.configure(Sync.with(adapter, new SyncOptions().batch(true).maxMessageBytes(4096)));
        for (int n = 0; n < 200; n++) create(app, n);
        // the first alone, then frames of at most 4 KiB each although no publish completed
        assertThat(adapter.published.size()).isGreaterThan(2);
        int events = 0;
        for (byte[] b : adapter.published) {
            assertThat(b.length).isLessThanOrEqualTo(4096);
            events += BatchFrame.isFrame(b) ? BatchFrame.decode(b).size() : 1;
        }
        assertThat(events + ((Number) app.sync().counters().get("batchWaiting")).intValue()).isEqualTo(200);
    }

    @Test
    void threeInstancesGetEveryEventOfABurstInOrderAndAnInstanceWithoutBatchingReadsFrames() {
        String uri = SyncTestApps.memoryUri();
        Application a = SyncTestApps.app();
        Application b = SyncTestApps.app();
        Application c = SyncTestApps.app();
        a.configure(Sync.of(SyncOptions.uri(uri).batch(true)));
        b.configure(Sync.of(SyncOptions.uri(uri).batch(true)));
        c.configure(Sync.of(SyncOptions.uri(uri))); // batching off: still reads frames
        List<Received> onB = SyncTestApps.record(b);
        List<Received> onC = SyncTestApps.record(c);
        try {
            for (Application app : List.of(a, b, c)) app.sync().ready().orTimeout(5, TimeUnit.SECONDS).join();
            List<CompletableFuture<Object>> calls = new ArrayList<>();
            for (int n = 0; n < 2000; n++) calls.add(a.service("messages").create(Map.of("n", n)));
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 2000 && onC.size() == 2000);
            for (List<Received> got : List.of(onB, onC)) {
                for (int n = 0; n < 2000; n++) assertThat(((Map<?, ?>) got.get(n).data()).get("n")).isEqualTo(n);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> a.sync().counters().get("sent") == 2000L);
            assertThat(a.sync().counters().get("framesSent")).as("a burst is batched").isPositive();
            assertThat(c.sync().counters().get("framesReceived")).isPositive();
            assertThat(c.sync().counters().get("dropped")).isZero();
        } finally {
            for (Application app : List.of(a, b, c)) app.sync().close().join();
        }
    }

    @Test
    void aBadMessageInsideAFrameIsDroppedAloneAndATruncatedFrameIsDroppedWhole() {
        Application app = SyncTestApps.app();
        HeldAdapter adapter = new HeldAdapter();
        app.configure(Sync.with(adapter, new SyncOptions()));
        List<Received> got = SyncTestApps.record(app);
        byte[] good = "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"id\":1},\"context\":{}}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{not json".getBytes(StandardCharsets.UTF_8);

        adapter.handler.onMessage(BatchFrame.encode(List.of(good, bad, good)));
        assertThat(got).hasSize(2);
        assertThat(app.sync().counters()).containsEntry("dropped", 1L).containsEntry("framesReceived", 1L);

        byte[] frame = BatchFrame.encode(List.of(good, good));
        byte[] truncated = java.util.Arrays.copyOf(frame, frame.length - 3);
        adapter.handler.onMessage(truncated);
        assertThat(got).hasSize(2);
        assertThat(app.sync().counters()).containsEntry("dropped", 2L);
        assertThatThrownBy(() -> BatchFrame.decode(truncated)).hasMessageContaining("truncated");
    }

    @Test
    void batchingIsOffByDefaultSoEveryMessageIsFeathersSyncJson() {
        Application app = SyncTestApps.app();
        HeldAdapter adapter = new HeldAdapter();
        app.configure(Sync.with(adapter, new SyncOptions()));
        for (int n = 0; n < 10; n++) create(app, n);
        assertThat(adapter.published).hasSize(10).noneMatch(BatchFrame::isFrame);
        assertThat(app.sync().counters()).doesNotContainKey("framesSent");
        assertThat(new SyncOptions().batch()).isFalse();
    }
}
