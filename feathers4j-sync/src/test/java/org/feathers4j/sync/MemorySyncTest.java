package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncTestApps.Received;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three apps synced through the in-JVM memory adapter. */
class MemorySyncTest {

    private String uri;
    private Application a;
    private Application b;
    private Application c;
    private List<Received> onA;
    private List<Received> onB;
    private List<Received> onC;

    @BeforeEach
    void start() {
        uri = SyncTestApps.memoryUri();
        a = SyncTestApps.app();
        b = SyncTestApps.app();
        c = SyncTestApps.app();
        for (Application app : List.of(a, b, c)) {
            app.configure(Sync.of(uri));
            app.sync().ready().orTimeout(5, TimeUnit.SECONDS).join();
        }
        onA = SyncTestApps.record(a);
        onB = SyncTestApps.record(b);
        onC = SyncTestApps.record(c);
    }

    @AfterEach
    void stop() {
        for (Application app : List.of(a, b, c)) app.sync().close().join();
    }

    @Test
    void everyInstanceIncludingTheSenderGetsEveryStandardEventWithItsContext() {
        Map<?, ?> created = (Map<?, ?>) a.service("messages")
                .create(Map.of("text", "hello"), new Params().provider("rest").query("x", 1)).join();
        Object id = created.get("id");
        a.service("messages").patch(id, Map.of("text", "patched")).join();
        a.service("messages").update(id, Map.of("text", "updated")).join();
        a.service("messages").remove(id).join();

        for (List<Received> got : List.of(onA, onB, onC)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4);
            assertThat(got).extracting(Received::event).containsExactly("created", "patched", "updated", "removed");
            Received first = got.get(0);
            assertThat(first.data()).isEqualTo(Map.of("id", 0, "text", "hello"));
            assertThat(first.context().isFromSync()).isTrue();
            assertThat(first.context().method()).isEqualTo(Method.CREATE);
            assertThat(first.context().path()).isEqualTo("messages");
            assertThat(first.context().params().provider()).isEqualTo("rest");
            assertThat(first.context().params().query()).containsEntry("x", 1);
            assertThat(first.context().data()).isEqualTo(Map.of("text", "hello"));
            assertThat(first.context().result()).isEqualTo(Map.of("id", 0, "text", "hello"));
            assertThat(got.get(1).context().id()).isEqualTo(0);
            assertThat(got.get(1).context().method()).isEqualTo(Method.PATCH);
        }
        // the context is rebuilt locally: app and service are each instance's own
        assertThat(onB.get(0).context().app()).isSameAs(b);
        assertThat(onB.get(0).context().service()).isSameAs(b.service("messages"));
        assertThat(onC.get(0).context().app()).isSameAs(c);
        assertThat(a.sync().counters()).containsEntry("sent", 4L);
        assertThat(b.sync().counters()).containsEntry("received", 4L).containsEntry("duplicates", 0L);
    }

    @Test
    void multiCreateSendsOneMessagePerItemAndKeepsOrder() {
        a.service("messages").create(List.of(Map.of("text", "m1"), Map.of("text", "m2"), Map.of("text", "m3"))).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> onC.size() == 3);
        assertThat(SyncTestApps.data(onC)).extracting(m -> m.get("text")).containsExactly("m1", "m2", "m3");
    }

    @Test
    void customEventsAreSyncedAndUndeclaredEventsStayLocal() {
        a.service("messages").emit("typing", Map.of("user", "ann"));
        a.service("messages").emit("not-declared", Map.of("x", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.size() == 1 && onC.size() == 1 && onA.size() == 1);
        assertThat(onB.get(0).event()).isEqualTo("typing");
        assertThat(onB.get(0).data()).isEqualTo(Map.of("user", "ann"));

        List<Object> local = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.service("messages").on("not-declared", (d, ctx) -> local.add(d));
        a.service("messages").emit("not-declared", Map.of("x", 2));
        b.service("messages").emit("not-declared", Map.of("x", 3));
        assertThat(local).containsExactly(Map.of("x", 3)); // emitted on b itself, synchronously, never from a
    }

    @Test
    void skipSwitchOnContextOrParamsKeepsTheEventLocal() {
        a.service("messages").hooks().before(Method.PATCH, ctx -> ctx.set(Sync.SYNC, false));
        Map<?, ?> m = (Map<?, ?>) a.service("messages").create(Map.of("text", "synced")).join();
        a.service("messages").patch(m.get("id"), Map.of("text", "local via hook")).join();
        a.service("messages").create(Map.of("text", "local via params"), new Params().set(Sync.SYNC, false)).join();
        a.service("messages").create(Map.of("text", "synced again")).join();

        await().atMost(Duration.ofSeconds(5)).until(() -> onB.size() == 2 && onA.size() == 4);
        assertThat(SyncTestApps.data(onB)).extracting(d -> d.get("text")).containsExactly("synced", "synced again");
        assertThat(SyncTestApps.data(onA)).extracting(d -> d.get("text"))
                .containsExactlyInAnyOrder("synced", "local via hook", "local via params", "synced again");
        assertThat(onA).filteredOn(r -> !r.context().isFromSync()).hasSize(2);
        // the switch itself never goes on the wire
        assertThat(onB.get(0).context().params().extras()).doesNotContainKey(Sync.SYNC);
    }

    @Test
    void duplicatesAreDroppedAndGapsCounted() throws Exception {
        SyncSerializer json = SyncSerializer.json();
        byte[] first = json.serialize(new SyncMessage("created", "messages", Map.of("id", 1), Map.of(), "other", 1L));
        byte[] again = first.clone();
        byte[] third = json.serialize(new SyncMessage("created", "messages", Map.of("id", 3), Map.of(), "other", 3L));
        byte[] second = json.serialize(new SyncMessage("created", "messages", Map.of("id", 2), Map.of(), "other", 2L));
        // the memory bus delivers in order, and a publish completes once every member handled it
        try (BusTap other = BusTap.on(SyncOptions.uri(uri))) {
            other.publish(first);
            other.publish(again);
            other.publish(third);
            assertThat(b.sync().counters()).containsEntry("duplicates", 1L).containsEntry("gaps", 1L);
            other.publish(second); // arrives late: accepted once, closes the gap
            other.publish(second);
        }
        assertThat(b.sync().counters()).containsEntry("duplicates", 2L).containsEntry("gaps", 0L).containsEntry("late", 1L);
        assertThat(SyncTestApps.data(onB)).extracting(d -> d.get("id")).containsExactly(1, 3, 2);
    }

    @Test
    void aSkippedSequenceRangeIsReportedAsOneSyncGapEventWithItsExactRange() throws Exception {
        List<SyncGap> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.on(Sync.SYNC_GAP, args -> gaps.add((SyncGap) args[0]));
        SyncSerializer json = SyncSerializer.json();
        try (BusTap other = BusTap.on(SyncOptions.uri(uri))) {
            for (long seq : new long[] {1, 2, 7, 8, 10}) {
                other.publish(json.serialize(new SyncMessage("created", "messages", Map.of("id", seq), Map.of(), "node-x~boot1", seq)));
            }
        }
        assertThat(gaps).extracting(SyncGap::reason, SyncGap::origin, SyncGap::firstSeq, SyncGap::lastSeq, SyncGap::missed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(SyncGap.Reason.SEQ_GAP, "node-x~boot1", 3L, 6L, 4L),
                        org.assertj.core.groups.Tuple.tuple(SyncGap.Reason.SEQ_GAP, "node-x~boot1", 9L, 9L, 1L));
        assertThat(gaps.get(0).instanceId()).isEqualTo("node-x");
        assertThat(gaps.get(0).toMap()).containsEntry("reason", "SEQ_GAP").containsEntry("missed", 4L);
        assertThat(b.sync().counters()).containsEntry("gaps", 5L).containsEntry("gapEvents", 2L);
        assertThat(a.sync().counters()).containsEntry("gapEvents", 2L); // every member saw the same skips
        assertThat(SyncTestApps.data(onB)).extracting(d -> d.get("id")).containsExactly(1, 2, 7, 8, 10);
    }

    @Test
    void resumeLastWithoutAFixedInstanceIdIsRefused() {
        Application d = SyncTestApps.app();
        assertThatThrownBy(() -> d.configure(Sync.of(SyncOptions.uri(uri).resume(SyncOptions.Resume.LAST))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fixed instanceId");
        assertThat(d.hasSync()).isFalse();
    }

    @Test
    void localFirstDeliversOwnEventsAtOnceAndSkipsTheirEcho() {
        Application d = SyncTestApps.app();
        d.configure(Sync.of(SyncOptions.uri(uri).localFirst(true)));
        d.sync().ready().orTimeout(5, TimeUnit.SECONDS).join();
        List<Received> onD = SyncTestApps.record(d);
        try {
            d.service("messages").create(Map.of("text", "from d")).join();
            // emitted on d when it happened (not from sync), once; the others get it through the bus
            assertThat(onD).hasSize(1);
            assertThat(onD.get(0).context().isFromSync()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> onA.size() == 1 && onB.size() == 1);
            assertThat(onA.get(0).context().isFromSync()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> d.sync().counters().get("ownEchoesSkipped") == 1L);
            a.service("messages").create(Map.of("text", "from a")).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> onD.size() == 2);
            assertThat(onD.get(1).context().isFromSync()).isTrue();
            assertThat(onD).hasSize(2);
        } finally {
            d.sync().close().join();
        }
    }

    @Test
    void messagesWithoutOriginFromNodeAreAccepted() {
        String node = "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"id\":7,\"text\":\"from node\"},"
                + "\"context\":{\"event\":\"created\",\"type\":\"around\",\"params\":{\"provider\":\"rest\"},"
                + "\"path\":\"messages\",\"method\":\"create\"}}";
        try (BusTap nodeInstance = BusTap.on(SyncOptions.uri(uri))) {
            nodeInstance.publish(node);
            nodeInstance.publish(node.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(onB).hasSize(2);
        assertThat(onB.get(0).data()).isEqualTo(Map.of("id", 7, "text", "from node"));
        assertThat(onB.get(0).context().params().provider()).isEqualTo("rest");
    }

    @Test
    void malformedUnknownAndOversizedMessagesAreDroppedCountedAndTheSubscriptionGoesOn() throws Exception {
        try (BusTap other = BusTap.on(SyncOptions.uri(uri))) {
            other.publish(new byte[] {(byte) 0xff, 0x00, 0x13});
            other.publish("{\"event\":\"created\"}");
            other.publish("[1,2,3]");
            other.publish("{\"event\":\"created\",\"path\":\"nowhere\",\"data\":{}}");
            other.publish("{\"event\":\"created\",\"path\":\"messages\",\"data\":{},\"context\":\"nope\"}");
            other.publish(new byte[2 * 1024 * 1024]);
        }
        assertThat(b.sync().counters()).containsEntry("dropped", 6L).containsEntry("received", 0L);

        a.service("messages").create(Map.of("text", "still flowing")).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.size() == 1);
        assertThat(onB.get(0).data()).isEqualTo(Map.of("id", 0, "text", "still flowing"));
    }

    @Test
    void applicationCodeCannotInjectNorSeeBusMessagesOfAnSpiAdapter() {
        String forged = "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"forged\":true},\"context\":{}}";
        List<Object> outgoing = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.on(Sync.SYNC_OUT, args -> outgoing.add(args[0]));
        b.emit(Sync.SYNC_IN, forged);
        b.emit(Sync.SYNC_IN, (Object) forged.getBytes(StandardCharsets.UTF_8));
        b.service("messages").create(Map.of("text", "real")).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> onC.size() == 1);
        assertThat(onB).extracting(r -> r.data()).doesNotContain(Map.of("forged", true));
        assertThat(b.sync().counters()).containsEntry("dropped", 0L);
        assertThat(outgoing).isEmpty();
    }

    @Test
    void aListenerThatThrowsDoesNotStopSync() {
        b.service("messages").on("created", (d, ctx) -> {
            throw new IllegalStateException("listener bug");
        });
        a.service("messages").create(Map.of("text", "one")).join();
        a.service("messages").create(Map.of("text", "two")).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.size() == 2);
    }

    @Test
    void unserializableEventIsEmittedLocallyAndCounted() {
        Object selfReferencing = new Object() {
            public Object getSelf() {
                return this;
            }
        };
        a.service("messages").create(Map.of("text", "x"), new Params().set("weird", selfReferencing)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> onA.size() == 1);
        assertThat(onA.get(0).context().isFromSync()).isFalse();
        assertThat(a.sync().counters()).containsEntry("notSent", 1L);
        assertThat(onB).isEmpty();
    }

    @Test
    void statusReportsTypeStateAndCounters() {
        assertThat(a.sync().type()).isEqualTo("memory");
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
        assertThat(a.sync().ready()).isCompleted();
        assertThat(a.sync().counters()).containsKeys("sent", "received", "dropped", "duplicates", "gaps", "bufferDropped");
        a.sync().close().join();
        assertThat(a.sync().state()).isEqualTo(SyncState.CLOSED);
        // after close, events are delivered locally instead of vanishing
        a.service("messages").create(Map.of("text", "after close")).join();
        assertThat(onA).hasSize(1);
        assertThat(onA.get(0).context().isFromSync()).isFalse();
    }

    @Test
    void configuringTheSameSyncTwiceIsANoOpAndADifferentOneIsAnError() {
        a.configure(Sync.of(uri));
        assertThat(a.sync().type()).isEqualTo("memory");
        assertThatThrownBy(() -> a.configure(Sync.of("memory://elsewhere")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already configured");
    }

    @Test
    void optionErrorsAreClear() {
        Application app = SyncTestApps.app();
        assertThatThrownBy(() -> app.configure(Sync.of(new SyncOptions())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a 'uri'");
        assertThatThrownBy(() -> app.configure(Sync.of("no scheme at all")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed");
        assertThatThrownBy(() -> app.configure(Sync.of("localhost:6379")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no sync adapter for URI scheme 'localhost'");
        assertThatThrownBy(() -> app.configure(Sync.of("kafka://u:secret@localhost")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'kafka'").hasMessageContaining("memory");
        assertThatThrownBy(() -> new SyncOptions().key(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyncOptions().bufferSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SyncOptions.redact("amqp://guest:secret@host:5672/vh")).isEqualTo("amqp://guest:***@host:5672/vh");
        assertThat(SyncOptions.redact("nats://s3cr3t-token@host:4222")).isEqualTo("nats://***@host:4222");
        assertThat(SyncOptions.redact("redis://127.0.0.1:6379/0")).isEqualTo("redis://127.0.0.1:6379/0");
        assertThat(app.hasSync()).isFalse();
    }

    @Test
    void aDirectlyBuiltAdapterWorks() {
        SyncOptions options = SyncOptions.uri(SyncTestApps.memoryUri());
        SyncAdapter adapter = Sync.provider(options).create(options);
        Application x = SyncTestApps.app();
        x.configure(Sync.with(adapter, options));
        x.configure(Sync.with(adapter, options)); // same adapter again: no-op
        List<Received> got = SyncTestApps.record(x);
        x.service("messages").create(Map.of("text", "direct")).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
        assertThat(got.get(0).context().isFromSync()).isTrue();
        x.sync().close().join();
    }
}
