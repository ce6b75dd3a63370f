package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.junit.jupiter.api.Test;

/**
 * Pins the JSON on the wire against what Node feathers-sync 3.x writes (samples in
 * shared/reference/feathers-sync-wire.md) and checks that secrets stay off the bus.
 */
class WireFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String uri = SyncTestApps.memoryUri();
    private final List<BusTap> taps = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeTaps() {
        taps.forEach(BusTap::close);
    }

    /** What goes on the bus of {@link #uri} from now on; {@code get(i)} waits for message i. */
    private List<JsonNode> capture() {
        BusTap tap = BusTap.on(SyncOptions.uri(uri));
        taps.add(tap);
        return new java.util.AbstractList<>() {
            @Override
            public JsonNode get(int i) {
                await().atMost(Duration.ofSeconds(5)).until(() -> tap.messages().size() > i);
                try {
                    return JSON.readTree(tap.messages().get(i));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public int size() {
                return tap.messages().size();
            }
        };
    }

    private Application syncedApp() {
        Application app = SyncTestApps.app();
        app.hooks().before(Method.CREATE, ctx -> ctx.params().set("fromBeforeHook", "x"));
        app.configure(Sync.of(uri));
        return app;
    }

    @Test
    void externalCreateHasFeathersSyncShapeWithoutSecrets() throws Exception {
        Application app = syncedApp();
        List<JsonNode> out = capture();
        Params params = new Params().provider("rest")
                .user(Map.of("id", 42, "email", "u@example.com", "password", "$2a$10$hash"))
                .authentication(Map.of("strategy", "jwt", "accessToken", "eyJhbGciOi..."))
                .headers(Map.of("authorization", "Bearer eyJhbGciOi...", "host", "localhost:3030"))
                .connection(Map.of("provider", "socketio", "id", "abc"))
                .query(Map.of("$select", List.of("text", "id")));
        app.service("messages").create(Map.of("text", "hello"), params).join();

        JsonNode m = out.get(0);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> out.size() == 1);
        assertThat(fieldNames(m)).containsExactly("event", "path", "data", "context", "origin", "seq");
        assertThat(m.get("event").asText()).isEqualTo("created");
        assertThat(m.get("path").asText()).isEqualTo("messages");
        assertThat(m.get("data")).isEqualTo(JSON.readTree("{\"id\":0,\"text\":\"hello\"}"));
        assertThat(m.get("origin").asText()).isNotBlank();
        assertThat(m.get("seq").asLong()).isEqualTo(1);

        JsonNode ctx = m.get("context");
        assertThat(fieldNames(ctx)).containsExactly("arguments", "event", "type", "result", "data", "params", "path", "method");
        JsonNode expectedParams = JSON.readTree("{\"provider\":\"rest\",\"user\":{\"id\":42,\"email\":\"u@example.com\"},"
                + "\"query\":{\"$select\":[\"text\",\"id\"]},\"fromBeforeHook\":\"x\"}");
        assertThat(ctx.get("params")).isEqualTo(expectedParams);
        assertThat(ctx.get("arguments")).isEqualTo(JSON.createArrayNode()
                .add(JSON.readTree("{\"text\":\"hello\"}")).add(expectedParams));
        assertThat(ctx.get("data")).isEqualTo(JSON.readTree("{\"text\":\"hello\"}"));
        assertThat(ctx.get("result")).isEqualTo(m.get("data"));
        assertThat(ctx.get("event").asText()).isEqualTo("created");
        assertThat(ctx.get("path").asText()).isEqualTo("messages");
        assertThat(ctx.get("method").asText()).isEqualTo("create");

        String raw = m.toString();
        assertThat(raw).doesNotContain("$2a$10$hash", "eyJhbGciOi", "Bearer", "authorization", "accessToken",
                "headers", "connection", "password");
    }

    @Test
    void patchAndRemoveCarryTheIdAsNodeDoes() throws Exception {
        Application app = syncedApp();
        List<JsonNode> out = capture();
        app.service("messages").create(Map.of("text", "a", "userId", 42)).join();
        app.service("messages").patch(0, Map.of("text", "patched"), new Params().query("userId", 42)).join();
        app.service("messages").remove(0).join();

        JsonNode patch = out.get(1).get("context");
        assertThat(fieldNames(patch)).containsExactly("arguments", "event", "type", "result", "id", "data", "params", "path", "method");
        assertThat(patch.get("arguments")).isEqualTo(JSON.readTree("[0,{\"text\":\"patched\"},{\"query\":{\"userId\":42}}]"));
        assertThat(patch.get("id").asInt()).isEqualTo(0);
        JsonNode remove = out.get(2).get("context");
        assertThat(remove.get("arguments")).isEqualTo(JSON.readTree("[0,{}]"));
        assertThat(remove.get("params")).isEqualTo(JSON.readTree("{}"));
        assertThat(out.get(2).get("seq").asLong()).isEqualTo(3);
    }

    @Test
    void dispatchIsTheEventDataWhenSet() {
        Application app = syncedApp();
        app.service("messages").hooks().after(Method.CREATE, ctx -> ctx.dispatch(Map.of("dispatched", true)));
        List<JsonNode> out = capture();
        app.service("messages").create(Map.of("text", "a", "secretNote", "hidden")).join();
        JsonNode m = out.get(0);
        assertThat(m.get("data").toString()).isEqualTo("{\"dispatched\":true}");
        assertThat(m.get("context").get("dispatch").toString()).isEqualTo("{\"dispatched\":true}");
        // sensitive keys are removed from the input data too
        assertThat(m.get("context").get("data").toString()).isEqualTo("{\"text\":\"a\"}");
    }

    @Test
    void javaTimeIsIsoAndRecordsAreObjects() {
        record Note(String text, Instant at, String password) {
        }
        Application app = syncedApp();
        List<JsonNode> out = capture();
        app.service("messages").create(Map.of("text", "t", "at", Instant.parse("2024-01-01T00:00:00Z"))).join();
        assertThat(out.get(0).get("data").get("at").asText()).isEqualTo("2024-01-01T00:00:00Z");

        app.service("messages").emit("typing", new Note("n", Instant.parse("2024-01-01T00:00:00Z"), "pw"));
        assertThat(out.get(1).get("data").toString())
                .isEqualTo("{\"text\":\"n\",\"at\":\"2024-01-01T00:00:00Z\",\"password\":\"pw\"}");
        // a record as params.user is scrubbed like a map
        app.service("messages").create(Map.of("text", "u"), new Params().user(new Note("me", null, "pw"))).join();
        assertThat(out.get(2).get("context").get("params").get("user").toString()).isEqualTo("{\"text\":\"me\",\"at\":null}");
    }

    @Test
    void theRuleIsConfigurable() {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(SyncOptions.uri(uri)
                .contextFilter(ContextFilter.defaults().keepParams("headers")
                        .andThen(c -> {
                            c.remove("arguments");
                            return c;
                        }))));
        List<JsonNode> out = capture();
        app.service("messages").create(Map.of("text", "a"),
                new Params().headers(Map.of("host", "h", "cookie", "c=1"))).join();
        JsonNode ctx = out.get(0).get("context");
        assertThat(ctx.has("arguments")).isFalse();
        assertThat(ctx.get("params").get("headers").toString()).isEqualTo("{\"host\":\"h\"}");
    }

    @Test
    void nodeMessagesFromTheReferenceAreReceived() {
        Application a = SyncTestApps.app();
        a.configure(Sync.of(uri));
        List<SyncTestApps.Received> got = SyncTestApps.record(a);
        BusTap node = BusTap.on(SyncOptions.uri(uri));
        taps.add(node);
        // verbatim from shared/reference/feathers-sync-wire.md (the patch sample), as Node puts it on the bus
        node.publish("{\"event\":\"patched\",\"path\":\"messages\",\"data\":{\"id\":1,\"text\":\"patched\"},"
                + "\"context\":{\"arguments\":[1,{\"text\":\"patched\"},{\"query\":{\"userId\":42}}],\"event\":\"patched\","
                + "\"result\":{\"id\":1,\"text\":\"patched\"},\"id\":1,\"data\":{\"text\":\"patched\"},"
                + "\"params\":{\"query\":{\"userId\":42}},\"path\":\"messages\",\"method\":\"patch\",\"type\":\"around\"}}");
        await().atMost(Duration.ofSeconds(2)).until(() -> got.size() == 1);
        assertThat(got.get(0).event()).isEqualTo("patched");
        assertThat(got.get(0).context().id()).isEqualTo(1);
        assertThat(got.get(0).context().method()).isEqualTo(Method.PATCH);
        assertThat(got.get(0).context().params().query()).isEqualTo(Map.of("userId", 42));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
