package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.HookContext;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every adapter must do, whatever its broker: each adapter module runs it against its real
 * broker by extending this class (it ships in feathers4j-sync's test-jar). Every test uses a key
 * of its own, so tests do not hear each other.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class SyncAdapterContract {

    private final List<Application> apps = new ArrayList<>();
    /** This test's key. */
    protected final String key = "f4j-contract-" + UUID.randomUUID();

    /** Options for the adapter under test on its broker, with this key. */
    protected abstract SyncOptions options(String key);

    /**
     * Whether the adapter's publish completes when the broker took the message (so that batching
     * has something in flight to batch behind); {@code false} for fire-and-forget publishing (NATS).
     */
    protected boolean publishIsAcknowledged() {
        return true;
    }

    /** Time for one event to cross the broker in these tests. */
    protected Duration patience() {
        return Duration.ofSeconds(20);
    }

    /** Called after each test once its apps are closed, e.g. to delete what the broker keeps for the key. */
    protected void cleanUp() {
    }

    @AfterEach
    void closeContractApps() {
        for (Application app : apps) {
            if (app.hasSync()) app.sync().close().orTimeout(15, TimeUnit.SECONDS).join();
        }
        cleanUp();
    }

    /** A started, ready app with a {@code messages} service (custom event {@code typing}). */
    protected Application app(boolean batch) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options(key).batch(batch)));
        apps.add(app);
        app.sync().ready().orTimeout(patience().toSeconds(), TimeUnit.SECONDS).join();
        return app;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void everyInstanceIncludingTheSenderGetsEveryStandardEventWithItsContext() {
        Application a = app(false);
        Application b = app(false);
        Application c = app(false);
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
        List<Received> onA = SyncTestApps.record(a);
        List<Received> onB = SyncTestApps.record(b);
        List<Received> onC = SyncTestApps.record(c);

        Params params = new Params().provider("rest").query("room", "lobby").query("$select", List.of("text"))
                .user(Map.of("id", 7, "password", "secret"));
        params.set("traceId", "t-1");
        Object id = map(a.service("messages").create(Map.of("text", "hello"), params).join()).get("id");
        a.service("messages").patch(id, Map.of("text", "patched")).join();
        a.service("messages").update(id, Map.of("text", "updated")).join();
        a.service("messages").remove(id).join();

        await().atMost(patience()).until(() -> onA.size() == 4 && onB.size() == 4 && onC.size() == 4);
        for (List<Received> got : List.of(onA, onB, onC)) {
            assertThat(got).extracting(Received::event).containsExactly("created", "patched", "updated", "removed");
            HookContext created = got.get(0).context();
            assertThat(created.isFromSync()).isTrue();
            assertThat(created.method()).isEqualTo(Method.CREATE);
            assertThat(created.path()).isEqualTo("messages");
            assertThat(created.params().provider()).isEqualTo("rest");
            assertThat(created.params().query()).containsEntry("room", "lobby").containsEntry("$select", List.of("text"));
            assertThat(created.params().get("traceId")).isEqualTo("t-1");
            assertThat(map(created.params().user())).as("secrets stay off the bus")
                    .containsEntry("id", 7).doesNotContainKey("password");
            assertThat(map(created.result())).containsEntry("text", "hello");
            assertThat(String.valueOf(got.get(1).context().id())).isEqualTo(String.valueOf(id));
            assertThat(map(got.get(2).data())).containsEntry("text", "updated");
            assertThat(got.get(3).context().method()).isEqualTo(Method.REMOVE);
        }
        assertThat(onB.get(0).context().app()).as("the context is the receiving app's").isSameAs(b);

        // and the other way round: every instance hears B, the sender included
        b.service("messages").create(Map.of("text", "from b")).join();
        await().atMost(patience()).until(() -> onA.size() == 5 && onB.size() == 5 && onC.size() == 5);
        for (List<Received> got : List.of(onA, onB, onC)) assertThat(map(got.get(4).data())).containsEntry("text", "from b");
        for (Application app : List.of(a, b, c)) {
            assertThat(app.sync().counters()).containsEntry("dropped", 0L).containsEntry("duplicates", 0L);
        }
    }

    @Test
    void customEventsAreSynced() {
        Application a = app(false);
        Application b = app(false);
        List<Received> onB = SyncTestApps.record(b);
        a.service("messages").emit("typing", Map.of("user", "ann"));
        await().atMost(patience()).until(() -> onB.size() == 1);
        assertThat(onB.get(0).event()).isEqualTo("typing");
        assertThat(map(onB.get(0).data())).containsEntry("user", "ann");
        assertThat(onB.get(0).context().isFromSync()).isTrue();
    }

    @Test
    void theSkipSwitchOnParamsOrContextKeepsACallLocal() {
        Application a = app(false);
        Application b = app(false);
        a.service("messages").hooks().before(Method.PATCH, ctx -> ctx.set(Sync.SYNC, false));
        List<Received> onA = SyncTestApps.record(a);
        List<Received> onB = SyncTestApps.record(b);
        Object id = map(a.service("messages").create(Map.of("text", "local"), new Params().set(Sync.SYNC, false)).join()).get("id");
        a.service("messages").patch(id, Map.of("text", "local too")).join();
        a.service("messages").create(Map.of("text", "synced")).join();
        // one origin's events arrive in order: once "synced" is on B, the others would have been there first
        await().atMost(patience()).until(() -> onB.size() == 1 && onA.size() == 3);
        assertThat(map(onB.get(0).data())).containsEntry("text", "synced");
        assertThat(onA).extracting(r -> map(r.data()).get("text")).containsExactly("local", "local too", "synced");
    }

    @Test
    void aMalformedMessageOnTheBusIsDroppedAndCountedAndReceivingGoesOn() {
        Application a = app(false);
        Application b = app(false);
        List<Received> onB = SyncTestApps.record(b);
        // another client of the broker puts garbage on the key
        try (BusTap other = BusTap.on(options(key))) {
            other.publish("{not json");
            other.publish("{\"event\":\"created\",\"path\":\"nowhere\",\"data\":{}}");
        }
        a.service("messages").create(Map.of("text", "after")).join();
        await().atMost(patience()).until(() -> onB.size() == 1);
        assertThat(map(onB.get(0).data())).containsEntry("text", "after");
        await().atMost(patience()).until(() -> b.sync().counters().get("dropped") == 2L);
    }

    @Test
    void aBurstArrivesWholeAndInOrderWithAndWithoutBatching() {
        Application a = app(true);
        Application b = app(true);
        Application c = app(false); // batching off: reads batch frames all the same
        List<Received> onB = SyncTestApps.record(b);
        List<Received> onC = SyncTestApps.record(c);
        int n = 2000;
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) calls.add(a.service("messages").create(Map.of("n", i)));
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        await().atMost(patience().multipliedBy(3)).until(() -> onB.size() >= n && onC.size() >= n);
        for (List<Received> got : List.of(onB, onC)) {
            assertThat(got).hasSize(n);
            for (int i = 0; i < n; i++) assertThat(map(got.get(i).data())).containsEntry("n", i);
        }
        await().atMost(patience()).until(() -> a.sync().counters().get("sent") == (long) n);
        if (publishIsAcknowledged()) {
            assertThat(a.sync().counters().get("framesSent")).as("a burst is batched").isPositive();
            assertThat(c.sync().counters().get("framesReceived")).isPositive();
        }
        for (Application app : List.of(a, b, c)) {
            assertThat(app.sync().counters()).containsEntry("dropped", 0L).containsEntry("duplicates", 0L);
        }
    }
}
