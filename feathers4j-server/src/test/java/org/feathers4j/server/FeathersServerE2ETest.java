package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.feathers4j.Application;
import org.feathers4j.sync.Sync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives a real server with the official Feathers v5 clients from Node
 * ({@code interop/node/server-e2e.js}), on every transport mode served.
 */
@Tag("broker")
@Timeout(180)
class FeathersServerE2ETest {

    private FeathersServer a;
    private FeathersServer b;

    @AfterEach
    void stop() {
        if (a != null) a.stop();
        if (b != null) b.stop();
    }

    private static FeathersServer serve(Application app) {
        // the burst scenario has 200 calls of one client in flight at once, beyond the default cap of 64
        return FeathersServer.create(app).host("127.0.0.1").port(0).maxCallsInFlight(256).start();
    }

    private static String url(FeathersServer s) {
        return "http://127.0.0.1:" + s.port();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade", "rest"})
    void allSixMethodsAndErrors(String mode) throws Exception {
        a = serve(TestApps.create());
        Map<String, Object> r = NodeClient.run("methods", mode, url(a));
        boolean socket = !mode.equals("rest");

        Map<String, Object> created = map(r.get("created"));
        Object id = created.get("id");
        assertThat(created).containsEntry("text", "one").containsEntry("n", 1);
        assertThat(list(r.get("createdMany"))).hasSize(2);
        assertThat(r.get("got")).isEqualTo(created);
        assertThat(list(r.get("found"))).extracting(o -> map(o).get("n")).containsExactly(3, 2);
        assertThat(list(r.get("foundIn"))).extracting(o -> map(o).get("n")).containsExactly(1, 3);
        assertThat(map(r.get("updated"))).containsEntry("id", id).containsEntry("text", "one!").containsEntry("n", 10);
        assertThat(map(r.get("patched"))).containsEntry("id", id).containsEntry("text", "one!!").containsEntry("n", 10);
        assertThat(list(r.get("patchedMany"))).hasSize(3).allSatisfy(o -> assertThat(map(o)).containsEntry("tag", "x"));
        assertThat(map(r.get("removed"))).containsEntry("id", id);
        assertThat(list(r.get("removedMany"))).hasSize(2);
        assertThat(list(r.get("afterRemove"))).isEmpty();

        Map<String, Object> echo = map(r.get("echo"));
        assertThat(echo).containsEntry("provider", socket ? "socketio" : "rest").containsEntry("hasHeaders", true);
        assertThat(map(echo.get("query")))
                .containsEntry("n", 5).containsEntry("flag", true).containsEntry("name", "ann")
                .containsEntry("$sort", Map.of("createdAt", -1))
                .containsEntry("tags", Map.of("$in", List.of("a", "b")));
        assertThat(map(echo.get("queryTypes"))).containsEntry("n", "Integer").containsEntry("flag", "Boolean");
        if (socket) assertThat(echo.get("connection")).asString().startsWith("Connection{socketio:");
        else assertThat(echo.get("connection")).isNull();
        assertThat(map(r.get("echoGet"))).containsEntry("id", "abc");

        assertError(r.get("notFound"), "NotFound", 404, "not-found");
        assertError(r.get("unknownService"), "NotFound", 404, "not-found");
        if (socket) assertThat(map(r.get("unknownService"))).containsEntry("message", "Service 'nope' not found");
        assertError(r.get("notAllowed"), "MethodNotAllowed", 405, "method-not-allowed");
        assertError(r.get("badRequest"), "BadRequest", 400, "bad-request");
        assertThat(map(r.get("badRequest"))).containsEntry("message", "bad data");
        assertError(r.get("generalError"), "GeneralError", 500, "general-error");
        assertError(r.get("unserializable"), "GeneralError", 500, "general-error");
        assertThat(map(r.get("unserializable"))).containsEntry("message",
                "create succeeded but its result cannot be written as JSON: IllegalStateException: this value cannot be read");
        assertThat(map(map(r.get("unserializable")).get("data")))
                .isEqualTo(Map.of("succeeded", true, "method", "create", "path", "echo"));
        assertThat(map(r.get("afterUnserializable"))).containsEntry("ok", true);
        assertError(r.get("unserializableGet"), "GeneralError", 500, "general-error");
        assertThat(map(r.get("unserializableGet"))).containsEntry("message",
                "The result of get cannot be written as JSON: IllegalStateException: this value cannot be read");
        if (socket) {
            assertError(r.get("tooMany"), "BadRequest", 400, "bad-request");
            assertThat(map(r.get("tooMany"))).containsEntry("message", "Too many arguments for 'find' method");
            assertError(r.get("tooManyMore"), "BadRequest", 400, "bad-request");
            assertThat(map(r.get("tooManyMore"))).containsEntry("message", "Too many arguments for 'get' method");
            assertThat(list(r.get("afterSurplus"))).as("the connection still works").isEmpty();
        }
    }

    private static void assertError(Object o, String name, int code, String className) {
        Map<String, Object> e = map(o);
        assertThat(e).doesNotContainKey("unexpectedResult")
                .containsEntry("name", name).containsEntry("code", code).containsEntry("className", className)
                .containsEntry("feathersError", true).containsEntry("ctor", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void eventsReachOtherClientsByChannelRulesOnly(String mode) throws Exception {
        a = serve(TestApps.create());
        Map<String, Object> r = NodeClient.run("events", mode, url(a));
        assertThat(list(r.get("listener"))).extracting(o -> list(o).get(0))
                .containsExactly("created", "updated", "patched", "removed");
        assertThat(map(list(list(r.get("listener")).get(0)).get(1))).containsEntry("text", "hello");
        assertThat(list(r.get("creator"))).hasSize(4);
        assertThat(list(r.get("stranger"))).as("a connection outside the channel gets no event").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling", "upgrade"})
    void burstOfConcurrentCreatesLosesNothing(String mode) throws Exception {
        a = serve(TestApps.create());
        Map<String, Object> r = NodeClient.run("burst", mode, url(a));
        System.out.printf("burst %s: acks %s, events %s, %s ms to all acks, %s ms total%n", mode, r.get("acks"),
                r.get("events"), r.get("ackMs"), r.get("totalMs"));
        assertThat(list(r.get("acks"))).as("acks per client").containsExactly(200, 200, 200, 200, 200);
        assertThat(list(r.get("events"))).as("created events per client").containsExactly(1000, 1000, 1000, 1000, 1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void clientOnInstanceASeesEventCreatedThroughInstanceB(String mode) throws Exception {
        String uri = "memory://e2e-" + UUID.randomUUID();
        Application appA = TestApps.create();
        appA.configure(Sync.of(uri));
        Application appB = TestApps.create();
        appB.configure(Sync.of(uri));
        appA.sync().ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
        appB.sync().ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
        a = serve(appA);
        b = serve(appB);
        Map<String, Object> r = NodeClient.run("two-instance", mode, url(a), url(b));
        assertThat(list(r.get("seenA"))).as("events on instance A")
                .extracting(o -> map(o).get("text")).containsExactly("from B", "from B over REST");
        assertThat(list(r.get("seenB"))).hasSize(2);
    }

    /** The sync-gap recipe of feathers4j-sync's README, with the official client on the receiving end. */
    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void syncGapRecipeTellsConnectedClientsToResync(String mode) throws Exception {
        String uri = "memory://gap-" + UUID.randomUUID();
        Application app = TestApps.create();
        app.configure(Sync.of(uri));
        app.sync().ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
        org.feathers4j.channels.Channels channels = org.feathers4j.channels.Channels.of(app);
        app.on(Sync.SYNC_GAP, args -> {
            org.feathers4j.sync.SyncGap gap = (org.feathers4j.sync.SyncGap) args[0];
            channels.channel("authenticated").connections().forEach(c -> c.send("resync", gap.toMap()));
        });
        // another sender on the bus whose numbers skip 2..4: this instance missed three of its messages
        org.feathers4j.sync.SyncOptions other = org.feathers4j.sync.SyncOptions.uri(uri).instanceId("other");
        org.feathers4j.sync.spi.SyncAdapter bus = Sync.provider(other).create(other);
        bus.start(bytes -> { });
        app.use("gapmaker", new org.feathers4j.Service() {
            @Override
            public java.util.concurrent.CompletionStage<Object> create(Object data, org.feathers4j.Params params) {
                for (long seq : new long[] {1, 5}) {
                    try {
                        bus.publish(org.feathers4j.sync.SyncSerializer.json().serialize(new org.feathers4j.sync.SyncMessage(
                                "created", "messages", Map.of("seq", seq), Map.of(), "other~boot", seq))).join();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return java.util.concurrent.CompletableFuture.completedFuture(Map.of("published", 2));
            }
        });
        try {
            a = serve(app);
            Map<String, Object> r = NodeClient.run("resync", mode, url(a));
            assertThat(r.get("gap")).as("the resync event the client got").isNotNull();
            assertThat(map(r.get("gap"))).containsEntry("reason", "SEQ_GAP").containsEntry("instanceId", "other")
                    .containsEntry("firstSeq", 2).containsEntry("lastSeq", 4).containsEntry("missed", 3);
        } finally {
            bus.close().join();
        }
    }

    @Test
    void sameAppCanBeServedAgainOnTheSamePortAfterStop() {
        a = serve(TestApps.create());
        int port = a.port();
        a.stop();
        a = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(port).start();
        assertThat(a.port()).isEqualTo(port);
    }
}
