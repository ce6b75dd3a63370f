package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.feathers4j.Application;
import org.feathers4j.sync.SyncTestApps.Received;
import org.feathers4j.sync.internal.BatchFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, finding 2: what a receiver accepts from the bus is bounded as what a sender sends —
 * frames of at most 512 messages and 128 KiB (or none, with {@code acceptFrames(false)}), and only
 * the events the target service could have raised itself.
 */
@Timeout(60)
class ReceiveLimitsTest {

    private final String uri = SyncTestApps.memoryUri();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) c.close();
    }

    private Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options));
        app.sync().ready().join();
        open.add(() -> app.sync().close().join());
        return app;
    }

    private BusTap tap() {
        BusTap t = BusTap.on(SyncOptions.uri(uri));
        open.add(t);
        return t;
    }

    private static byte[] created(int id) {
        return ("{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"id\":" + id + "},\"context\":{}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] frameOf(int messages) {
        List<byte[]> m = new ArrayList<>();
        for (int i = 0; i < messages; i++) m.add(created(i));
        return BatchFrame.encode(m);
    }

    /** A marker event after the forged ones: once it arrives, everything before it was handled. */
    private static void awaitMarker(BusTap tap, List<Received> got, int id) {
        tap.publish(created(id));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.stream()
                .anyMatch(r -> r.data() instanceof Map<?, ?> m && Integer.valueOf(id).equals(m.get("id"))));
    }

    @Test
    void aFrameOf10000EventsIsDroppedWholeAndCountedWithBatchingOff() {
        Application app = app(SyncOptions.uri(uri)); // batching off, the default
        List<Received> got = SyncTestApps.record(app);
        BusTap tap = tap();

        byte[] frame = frameOf(10_000);
        assertThat(frame.length).as("under maxMessageBytes, so only the frame limit stops it").isLessThan(1024 * 1024);
        tap.publish(frame);
        awaitMarker(tap, got, 99_999);

        assertThat(got).as("no event of the frame is emitted, not even the first ones").hasSize(1);
        assertThat(app.sync().counters()).containsEntry("framesOversized", 1L).containsEntry("dropped", 1L)
                .containsEntry("received", 1L);
    }

    @Test
    void framesAreBoundedTo512MessagesAnd128KiBAsOnSend() {
        Application app = app(SyncOptions.uri(uri));
        List<Received> got = SyncTestApps.record(app);
        BusTap tap = tap();

        tap.publish(frameOf(513)); // small enough in bytes, one message too many
        byte[] big = new byte[130 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        tap.publish(BatchFrame.encode(List.of(created(1), big))); // two messages, over 128 KiB
        awaitMarker(tap, got, 99_999);
        assertThat(got).hasSize(1);
        assertThat(app.sync().counters()).containsEntry("framesOversized", 2L);

        tap.publish(frameOf(512)); // at the limit: accepted
        awaitMarker(tap, got, 99_998);
        assertThat(got).hasSize(1 + 512 + 1);
        assertThat(app.sync().counters()).containsEntry("framesOversized", 2L).containsEntry("framesReceived", 1L);
    }

    @Test
    void acceptFramesOffRefusesEveryFrameAndKeepsReadingMessages() {
        Application app = app(SyncOptions.uri(uri).acceptFrames(false));
        List<Received> got = SyncTestApps.record(app);
        BusTap tap = tap();

        tap.publish(frameOf(2));
        awaitMarker(tap, got, 99_999);
        assertThat(got).hasSize(1);
        assertThat(app.sync().counters()).containsEntry("framesRefused", 1L).containsEntry("dropped", 1L);
        assertThat(new SyncOptions().acceptFrames()).as("on by default: a cluster where some batch keeps working").isTrue();
        assertThat(SyncOptions.uri(uri).acceptFrames(false).copy().acceptFrames()).isFalse();
    }

    @Test
    void onlyStandardAndDeclaredEventsAreEmittedAndTheRestIsCountedWithoutItsPayload() {
        Application app = app(SyncOptions.uri(uri));
        List<Received> got = SyncTestApps.record(app);
        List<Object> evil = new java.util.concurrent.CopyOnWriteArrayList<>();
        app.service("messages").on("evil", (data, ctx) -> evil.add(data));
        BusTap tap = tap();

        try (LogCapture log = LogCapture.start()) {
            tap.publish("{\"event\":\"evil\",\"path\":\"messages\",\"data\":{\"secret\":\"hunter2\"},\"context\":{}}");
            tap.publish("{\"event\":\"typing\",\"path\":\"messages\",\"data\":{\"who\":\"ann\"},\"context\":{}}");
            awaitMarker(tap, got, 99_999);
            assertThat(evil).isEmpty();
            assertThat(got).extracting(Received::event).containsExactly("typing", "created");
            assertThat(app.sync().counters()).containsEntry("undeclaredEvents", 1L).containsEntry("dropped", 1L);
            assertThat(log.lines("declares no event 'evil'")).hasSize(1);
            assertThat(log.text()).doesNotContain("hunter2");
        }
    }
}
