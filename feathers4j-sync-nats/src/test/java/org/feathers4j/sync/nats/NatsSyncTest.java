package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.field;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.SyncState;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three apps synced through the shared NATS server ({@code FEATHERS4J_NATS_URI}, default 127.0.0.1:4222). */
@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NatsSyncTest {

    private String uri;
    private String key;
    private Application a;
    private Application b;
    private Application c;
    private List<Received> onA;
    private List<Received> onB;
    private List<Received> onC;

    @BeforeEach
    void start() {
        uri = NatsTestSupport.natsUri();
        key = SyncTestApps.uniqueKey("nats");
        a = SyncTestApps.app();
        b = SyncTestApps.app();
        c = SyncTestApps.app();
        for (Application app : List.of(a, b, c)) {
            app.configure(Sync.of(SyncOptions.uri(uri).key(key)));
        }
        for (Application app : List.of(a, b, c)) app.sync().ready().orTimeout(10, TimeUnit.SECONDS).join();
        onA = SyncTestApps.record(a);
        onB = SyncTestApps.record(b);
        onC = SyncTestApps.record(c);
    }

    @AfterEach
    void stop() {
        for (Application app : List.of(a, b, c)) {
            if (app.hasSync()) app.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    @Test
    void theUriSchemePicksTheNatsAdapterAndReadyMeansConnected() {
        assertThat(a.sync().type()).isEqualTo("nats");
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
        assertThat(Sync.provider(SyncOptions.uri("tls://nats.example:4222"))).isInstanceOf(NatsSyncAdapterProvider.class);
        assertThat(Sync.provider(SyncOptions.uri("nats://nats.example:4222"))).isInstanceOf(NatsSyncAdapterProvider.class);
    }

    @Test
    void customEventsAreSyncedAndUndeclaredEventsStayLocal() {
        List<Object> undeclaredOnB = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.service("messages").on("not-declared", (d, ctx) -> undeclaredOnB.add(d));
        a.service("messages").emit("not-declared", Map.of("x", 1));
        a.service("messages").emit("typing", Map.of("user", "ann"));
        for (List<Received> got : List.of(onA, onB, onC)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
            assertThat(got.get(0).event()).isEqualTo("typing");
            assertThat(got.get(0).data()).isEqualTo(Map.of("user", "ann"));
        }
        // a later synced event has arrived on b, so the undeclared one would have too
        a.service("messages").emit("typing", Map.of("user", "bob"));
        await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 2);
        assertThat(undeclaredOnB).isEmpty();
    }

    @Test
    void aBurstFromTwoInstancesArrivesEverywhereInCreationOrder() throws Exception {
        int fromA = 5_000;
        int fromB = 1_000;
        long t0 = System.nanoTime();
        CompletableFuture<Void> burstB = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < fromB; i++) b.service("messages").create(Map.of("from", "b", "n", i));
        });
        List<CompletableFuture<Object>> created = new ArrayList<>();
        for (int i = 0; i < fromA; i++) created.add(a.service("messages").create(Map.of("from", "a", "n", i)));
        burstB.get(60, TimeUnit.SECONDS);
        CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        double createSeconds = (System.nanoTime() - t0) / 1e9;

        for (List<Received> got : List.of(onA, onB, onC)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> got.size() >= fromA + fromB);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("[nats burst] %d events from 2 instances: created in %.2f s, delivered to 3 instances in %.2f s "
                + "(%.0f ev/s per instance; one JVM, not a benchmark)%n", fromA + fromB, createSeconds, seconds, (fromA + fromB) / seconds);
        for (List<Received> got : List.of(onA, onB, onC)) {
            assertThat(got).hasSize(fromA + fromB);
            assertThat(numbersFrom(got, "a")).as("events from a in creation order").isEqualTo(range(fromA));
            assertThat(numbersFrom(got, "b")).as("events from b in creation order").isEqualTo(range(fromB));
        }
        for (Application app : List.of(a, b, c)) {
            assertThat(app.sync().counters()).containsEntry("duplicates", 0L).containsEntry("gaps", 0L)
                    .containsEntry("late", 0L).containsEntry("dropped", 0L).containsEntry("slowConsumerDropped", 0L);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> numbersFrom(List<Received> got, String from) {
        List<Integer> out = new ArrayList<>();
        for (Received r : got) {
            Map<String, Object> d = (Map<String, Object>) r.data();
            if (from.equals(d.get("from"))) out.add(((Number) d.get("n")).intValue());
        }
        return out;
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(i);
        return out;
    }

    @Test
    void malformedMessagesFromARawClientAreDroppedAndCounted() throws Exception {
        try (Connection raw = Nats.connect(uri)) {
            raw.publish(key, "not json".getBytes(StandardCharsets.UTF_8));
            raw.publish(key, "{\"event\":1,\"path\":\"messages\"}".getBytes(StandardCharsets.UTF_8));
            raw.publish(key, "[1,2,3]".getBytes(StandardCharsets.UTF_8));
            raw.publish(key, "{\"event\":\"created\",\"path\":\"no-such-service\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
            raw.publish(key, new byte[] {(byte) 0xff, 0x00, 0x7b});
            raw.flush(Duration.ofSeconds(5));
        }
        a.service("messages").create(Map.of("text", "still works")).join();
        for (Application app : List.of(a, b, c)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> app.sync().counters().get("received") == 1L);
            assertThat(app.sync().counters()).containsEntry("dropped", 5L);
            assertThat(app.sync().state()).isEqualTo(SyncState.CONNECTED);
        }
        assertThat(field(onC, "text")).containsExactly("still works");
    }

    @Test
    void onTheWireEachEventIsAPlainJsonStringOnTheSubjectWithoutHeaders() throws Exception {
        try (Connection raw = Nats.connect(uri)) {
            Subscription sub = raw.subscribe(key);
            raw.flush(Duration.ofSeconds(5));
            a.service("messages").create(Map.of("text", "wire"), new Params().provider("rest")).join();
            Message m = sub.nextMessage(Duration.ofSeconds(10));
            assertThat(m).as("a message on subject " + key).isNotNull();
            assertThat(m.getSubject()).isEqualTo(key);
            assertThat(m.hasHeaders()).isFalse();
            Map<?, ?> json = new ObjectMapper().readValue(new String(m.getData(), StandardCharsets.UTF_8), Map.class);
            assertThat(json.get("event")).isEqualTo("created");
            assertThat(json.get("path")).isEqualTo("messages");
            assertThat(json.get("data")).isEqualTo(Map.of("id", 0, "text", "wire"));
            assertThat(((Map<?, ?>) json.get("context")).get("method")).isEqualTo("create");
            assertThat(json.get("seq")).isEqualTo(1);
            assertThat(json.get("origin")).isInstanceOf(String.class);
        }
    }

    @Test
    void aNodeShapedMessageWithoutOriginIsEmittedWithItsContext() throws Exception {
        String node = "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"id\":7,\"text\":\"from node\"},"
                + "\"context\":{\"arguments\":[{\"text\":\"from node\"},{\"provider\":\"socketio\"}],\"event\":\"created\","
                + "\"type\":\"around\",\"result\":{\"id\":7,\"text\":\"from node\"},\"data\":{\"text\":\"from node\"},"
                + "\"params\":{\"provider\":\"socketio\",\"connection\":{\"id\":\"abc\"}},\"path\":\"messages\",\"method\":\"create\"}}";
        try (Connection raw = Nats.connect(uri)) {
            raw.publish(key, node.getBytes(StandardCharsets.UTF_8));
            raw.flush(Duration.ofSeconds(5));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 1);
        Received r = onB.get(0);
        assertThat(r.data()).isEqualTo(Map.of("id", 7, "text", "from node"));
        assertThat(r.context().method()).isEqualTo(Method.CREATE);
        assertThat(r.context().params().provider()).isEqualTo("socketio");
        assertThat(r.context().params().extras()).doesNotContainKey("connection");
    }

    @Test
    void anExistingConnectionIsUsedAndLeftOpenOnClose() throws Exception {
        try (Connection own = Nats.connect(uri)) {
            Application d = SyncTestApps.app();
            d.configure(NatsSync.with(own, new SyncOptions().key(key)));
            d.sync().ready().orTimeout(10, TimeUnit.SECONDS).join();
            List<Received> onD = SyncTestApps.record(d);

            a.service("messages").create(Map.of("text", "to d")).join();
            d.service("messages").create(Map.of("text", "from d")).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> onD.size() == 2 && onB.size() == 2);
            assertThat(field(onD, "text")).containsExactlyInAnyOrder("to d", "from d");
            assertThat(field(onB, "text")).containsExactlyInAnyOrder("to d", "from d");

            d.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(own.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            // the dispatcher of sync is gone: d no longer receives
            a.service("messages").create(Map.of("text", "after close")).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 3);
            assertThat(onD).hasSize(2);
        }
    }
}
