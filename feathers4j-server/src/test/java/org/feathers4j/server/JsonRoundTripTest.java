package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.feathers4j.channels.Channels;
import org.feathers4j.channels.Connection;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results holding java.time, Optional, BigDecimal and UUID values, over REST (JDK HttpClient),
 * Socket.IO (the official Feathers client) and sync; and results that cannot be written at all.
 */
@Tag("broker")
@Timeout(180)
class JsonRoundTripTest {

    /** A record with the values JSON has no native form for. */
    record Typed(Instant at, LocalDate day, OffsetDateTime local, Optional<String> none, Optional<String> some,
                 BigDecimal amount, UUID uuid) {
    }

    static final Typed SAMPLE = new Typed(Instant.parse("2026-12-01T10:15:30.123456789Z"), LocalDate.of(2026, 12, 1),
            OffsetDateTime.of(2026, 12, 1, 10, 15, 30, 0, ZoneOffset.ofHours(2)), Optional.empty(), Optional.of("x"),
            new BigDecimal("12.50"), UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7"));

    /** The JSON text of SAMPLE's fields, in order; the BigDecimal keeps its scale. */
    static final String WIRE = "\"at\":\"2026-12-01T10:15:30.123456789Z\",\"day\":\"2026-12-01\","
            + "\"local\":\"2026-12-01T10:15:30+02:00\",\"none\":null,\"some\":\"x\",\"amount\":12.50,"
            + "\"uuid\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\"";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<FeathersServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FeathersServer::stop);
    }

    /**
     * notes: a MemoryService whose before-create hook adds SAMPLE's values to the stored record (as
     * a hook adding {@code createdAt = Instant.now()} would); records: get answers SAMPLE as a record;
     * fragile: stores what is created, but answers create/patch/get with a result that cannot be
     * written. Events of notes go to every connection.
     */
    @SuppressWarnings("unchecked")
    static Application app() {
        Application app = new Application();
        app.use("notes", new MemoryService());
        app.service("notes").hooks().before(Method.CREATE, ctx -> {
            Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) ctx.data());
            data.put("at", SAMPLE.at());
            data.put("day", SAMPLE.day());
            data.put("local", SAMPLE.local());
            data.put("none", SAMPLE.none());
            data.put("some", SAMPLE.some());
            data.put("amount", SAMPLE.amount());
            data.put("uuid", SAMPLE.uuid());
            ctx.data(data);
        });
        app.use("records", new Service() {
            @Override
            public CompletionStage<Object> get(Object id, Params params) {
                return CompletableFuture.completedFuture(SAMPLE);
            }
        });
        List<Object> stored = new CopyOnWriteArrayList<>();
        app.use("fragile", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                return CompletableFuture.completedFuture(List.copyOf(stored));
            }

            @Override
            public CompletionStage<Object> get(Object id, Params params) {
                return CompletableFuture.completedFuture(new TestApps.Unwritable());
            }

            @Override
            public CompletionStage<Object> create(Object data, Params params) {
                stored.add(data);
                return CompletableFuture.completedFuture(new TestApps.Unwritable());
            }

            @Override
            public CompletionStage<Object> patch(Object id, Object data, Params params) {
                return CompletableFuture.completedFuture(new TestApps.Unwritable());
            }
        });
        Channels channels = Channels.of(app);
        app.on("connection", args -> channels.channel("everybody").join((Connection) args[0]));
        channels.service("notes").publish((data, ctx) -> channels.channel("everybody"));
        return app;
    }

    private FeathersServer serve(Application app) {
        FeathersServer s = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        servers.add(s);
        return s;
    }

    private static String url(FeathersServer s) {
        return "http://127.0.0.1:" + s.port();
    }

    private HttpResponse<String> send(FeathersServer s, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(s) + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** SAMPLE's values as a JSON parser gives them back (the BigDecimal as a plain number). */
    private static void assertArrived(Object data) {
        Map<String, Object> m = map(data);
        assertThat(m).containsEntry("at", "2026-12-01T10:15:30.123456789Z").containsEntry("day", "2026-12-01")
                .containsEntry("local", "2026-12-01T10:15:30+02:00").containsEntry("none", null)
                .containsEntry("some", "x").containsEntry("uuid", "7c9e6679-7425-40de-944b-e07fc1f90ae7");
        assertThat(((Number) m.get("amount")).doubleValue()).isEqualTo(12.5);
    }

    @Test
    void restWritesTypedValuesAsIsoStringsAndAStoredRecordStaysReadable() throws Exception {
        FeathersServer s = serve(app());
        HttpResponse<String> created = send(s, "POST", "/notes", "{\"text\":\"typed\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).startsWith("{\"text\":\"typed\"," + WIRE);
        Object id = JSON.readValue(created.body(), Map.class).get("id");

        HttpResponse<String> found = send(s, "GET", "/notes", null);
        assertThat(found.statusCode()).as("find of the stored record: %s", found.body()).isEqualTo(200);
        assertThat(found.body()).startsWith("[{\"text\":\"typed\"," + WIRE);
        HttpResponse<String> got = send(s, "GET", "/notes/" + id, null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(created.body());

        HttpResponse<String> record = send(s, "GET", "/records/1", null);
        assertThat(record.statusCode()).isEqualTo(200);
        assertThat(record.body()).isEqualTo("{" + WIRE + "}");
        assertArrived(JSON.readValue(record.body(), Map.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void socketIoClientReceivesTypedValuesAsIsoStrings(String mode) throws Exception {
        FeathersServer s = serve(app());
        Map<String, Object> r = NodeClient.run("json-types", mode, url(s));
        assertNodeSawTypedValues(r);
    }

    @Test
    void clientOnInstanceAGetsTheEventOfACreateOnInstanceBThroughSync() throws Exception {
        String uri = "memory://json-" + UUID.randomUUID();
        Application appA = app();
        Application appB = app();
        for (Application app : List.of(appA, appB)) {
            app.configure(Sync.of(uri));
            app.sync().ready().get(10, TimeUnit.SECONDS);
        }
        FeathersServer a = serve(appA);
        FeathersServer b = serve(appB);
        Map<String, Object> r = NodeClient.run("json-types", "websocket", url(a), url(b));
        assertNodeSawTypedValues(r);
    }

    private static void assertNodeSawTypedValues(Map<String, Object> r) {
        assertArrived(r.get("created"));
        assertThat(r.get("got")).isEqualTo(r.get("created"));
        assertThat(list(r.get("found"))).singleElement().isEqualTo(r.get("created"));
        assertArrived(r.get("record"));
        assertThat(list(r.get("seen"))).singleElement().isEqualTo(r.get("created"));
        // before the JS parser turns 12.50 into 12.5: the packets carry the text the server wrote
        List<String> raw = list(r.get("raw")).stream().map(String::valueOf).toList();
        assertThat(raw).anySatisfy(p -> assertThat(p).contains("{\"text\":\"typed\"," + WIRE));
        assertThat(raw).anySatisfy(p -> assertThat(p).contains("{" + WIRE + "}"));
    }

    @Test
    void restSaysAWriteSucceededWhenOnlyItsResultCannotBeWritten() throws Exception {
        FeathersServer s = serve(app());
        HttpResponse<String> created = send(s, "POST", "/fragile", "{\"text\":\"a\"}");
        assertThat(created.statusCode()).isEqualTo(500);
        Map<String, Object> e = JSON.readValue(created.body(), Map.class);
        assertThat(e).containsEntry("name", "GeneralError").containsEntry("code", 500)
                .containsEntry("className", "general-error")
                .containsEntry("message", "create succeeded but its result cannot be written as JSON: "
                        + "IllegalStateException: this value cannot be read")
                .containsEntry("data", Map.of("succeeded", true, "method", "create", "path", "fragile"));

        HttpResponse<String> patched = send(s, "PATCH", "/fragile/7", "{\"text\":\"b\"}");
        assertThat(patched.statusCode()).isEqualTo(500);
        assertThat(JSON.readValue(patched.body(), Map.class))
                .containsEntry("message", "patch succeeded but its result cannot be written as JSON: "
                        + "IllegalStateException: this value cannot be read")
                .containsEntry("data", Map.of("succeeded", true, "method", "patch", "path", "fragile", "id", "7"));

        HttpResponse<String> got = send(s, "GET", "/fragile/7", null);
        assertThat(got.statusCode()).isEqualTo(500);
        assertThat(JSON.readValue(got.body(), Map.class))
                .containsEntry("message", "The result of get cannot be written as JSON: "
                        + "IllegalStateException: this value cannot be read")
                .containsEntry("data", Map.of("succeeded", true, "method", "get", "path", "fragile", "id", "7"));

        // the write did happen, and the server keeps serving
        HttpResponse<String> found = send(s, "GET", "/fragile", null);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.body()).isEqualTo("[{\"text\":\"a\"}]");
        assertThat(send(s, "POST", "/notes", "{\"text\":\"after\"}").statusCode()).isEqualTo(201);
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "polling"})
    void socketIoSaysAWriteSucceededWhenOnlyItsResultCannotBeWritten(String mode) throws Exception {
        FeathersServer s = serve(app());
        Map<String, Object> r = NodeClient.run("unwritable", mode, url(s));
        String cause = "IllegalStateException: this value cannot be read";
        assertThat(map(r.get("create"))).containsEntry("name", "GeneralError").containsEntry("code", 500)
                .containsEntry("feathersError", true)
                .containsEntry("message", "create succeeded but its result cannot be written as JSON: " + cause)
                .containsEntry("data", Map.of("succeeded", true, "method", "create", "path", "fragile"));
        assertThat(map(r.get("patch")))
                .containsEntry("message", "patch succeeded but its result cannot be written as JSON: " + cause)
                .containsEntry("data", Map.of("succeeded", true, "method", "patch", "path", "fragile", "id", 7));
        assertThat(map(r.get("get")))
                .containsEntry("message", "The result of get cannot be written as JSON: " + cause)
                .containsEntry("data", Map.of("succeeded", true, "method", "get", "path", "fragile", "id", 7));
        assertThat(list(r.get("found"))).containsExactly(Map.of("text", "a"));
        assertThat(map(r.get("after"))).containsEntry("text", "still serving");
    }
}
