package org.feathers4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.SyncState;
import org.feathers4j.demo.internal.ChatInstance;
import org.feathers4j.demo.internal.EmbeddedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo in this JVM: three instances on free ports syncing through the embedded Redis. */
@Tag("broker")
@Timeout(120)
class ChatDemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ChatDemo demo;

    @BeforeAll
    static void start() {
        demo = ChatDemo.start(DemoOptions.defaults().withPorts(List.of(0, 0, 0)));
    }

    @AfterAll
    static void stop() {
        if (demo != null) demo.close();
    }

    @Test
    void threeInstancesSyncThroughTheEmbeddedRedis() throws Exception {
        assertThat(demo.size()).isEqualTo(3);
        assertThat(demo.embeddedRedisPort()).isPositive();
        assertThat(demo.syncUri()).isEqualTo("redis://127.0.0.1:" + demo.embeddedRedisPort());
        assertThat(RespSubscriber.ping("127.0.0.1", demo.embeddedRedisPort())).isEqualTo("+PONG");
        for (int i = 0; i < 3; i++) {
            assertThat(demo.app(i).sync().type()).isEqualTo("redis");
            assertThat(demo.app(i).sync().state()).isEqualTo(SyncState.CONNECTED);
        }
        assertThat(demo.urls()).hasSize(3).allMatch(u -> u.startsWith("http://127.0.0.1:"));
    }

    @Test
    void aMessageCreatedOnInstanceOneReachesInstanceThreeThroughRedis() throws Exception {
        List<Map<?, ?>> onThree = new CopyOnWriteArrayList<>();
        List<Boolean> fromSync = new CopyOnWriteArrayList<>();
        demo.app(2).service("messages").on("created", (data, ctx) -> {
            onThree.add((Map<?, ?>) data);
            fromSync.add(ctx.isFromSync());
        });
        String text = "through redis " + System.nanoTime();
        try (RespSubscriber redis = new RespSubscriber("127.0.0.1", demo.embeddedRedisPort())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !redis.messages().isEmpty()); // the psubscribe reply
            HttpResponse<String> r = post(0, "/messages", "{\"text\": \"  " + text + " \", \"name\": \"Ada\", \"instance\": \"forged\"}");
            assertThat(r.statusCode()).isEqualTo(201);
            JsonNode created = JSON.readTree(r.body());
            assertThat(created.get("text").asText()).isEqualTo(text);
            assertThat(created.get("name").asText()).isEqualTo("Ada");
            assertThat(created.get("instance").asText()).isEqualTo("instance 1");
            assertThat(created.get("createdAt").asLong()).isPositive();

            await().atMost(Duration.ofSeconds(10)).until(() -> onThree.stream().anyMatch(m -> text.equals(m.get("text"))));
            Map<?, ?> seen = onThree.stream().filter(m -> text.equals(m.get("text"))).findFirst().orElseThrow();
            assertThat(seen.get("instance")).isEqualTo("instance 1");
            assertThat(fromSync).contains(true);
            // and it did pass through the embedded Redis
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.messages().stream().anyMatch(m -> m.contains(text)));
        }
        assertThat(demo.app(2).sync().counters().get("received")).isPositive();
    }

    @Test
    void everyInstanceDescribesItself() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = get(i, "/instance");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode info = JSON.readTree(r.body());
            assertThat(info.get("name").asText()).isEqualTo("instance " + (i + 1));
            assertThat(info.get("url").asText()).isEqualTo(demo.urls().get(i));
            assertThat(info.get("sync").get("type").asText()).isEqualTo("redis");
            assertThat(info.get("sync").get("state").asText()).isEqualTo("CONNECTED");
            assertThat(info.get("peers")).hasSize(3);
            assertThat(info.get("peers").get(2).get("url").asText()).isEqualTo(demo.urls().get(2));
        }
    }

    @Test
    void badMessagesGetAClearErrorAndCreateNothing() throws Exception {
        List<Object> events = new CopyOnWriteArrayList<>();
        demo.app(1).service("messages").on("created", (data, ctx) -> events.add(data));
        String[] bad = {"{\"text\": \"   \"}", "{\"name\": \"Ada\"}", "{\"text\": 42}", "[{\"text\": \"a\"}]",
                "{\"text\": \"" + "x".repeat(501) + "\"}", "{\"text\": \"hi\", \"name\": \"" + "n".repeat(41) + "\"}",
                "{\"text\": \"hi\", \"name\": {}}"};
        for (String body : bad) {
            HttpResponse<String> r = post(0, "/messages", body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("name").asText()).isEqualTo("BadRequest");
        }
        HttpResponse<String> ok = post(0, "/messages", "{\"text\": \"after the bad ones\"}");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(ok.body()).get("name").asText()).isEqualTo("anonymous");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> events.size() == 1);
    }

    @Test
    void clientsMayOnlyCreateAndRead() throws Exception {
        HttpResponse<String> created = post(0, "/messages", "{\"text\": \"keep me\"}");
        long id = JSON.readTree(created.body()).get("id").asLong();
        HttpRequest patch = HttpRequest.newBuilder(uri(0, "/messages/" + id))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"text\": \"changed\"}"))
                .header("content-type", "application/json").build();
        assertThat(HTTP.send(patch, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        HttpRequest remove = HttpRequest.newBuilder(uri(0, "/messages/" + id)).DELETE().build();
        assertThat(HTTP.send(remove, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        // the instances share one store: instance 3 serves what instance 1 created
        HttpResponse<String> r = get(2, "/messages/" + id);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("text").asText()).isEqualTo("keep me");
    }

    @Test
    void servesThePageAndTheOfficialClientsLocally() throws Exception {
        HttpResponse<String> page = get(1, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("vendor/socket.io/socket.io.min.js", "vendor/feathers/feathers.min.js", "chat.js")
                .doesNotContain("https://", "http://");
        for (String asset : List.of("/chat.js", "/style.css", "/vendor/feathers/feathers.min.js",
                "/vendor/socket.io/socket.io.min.js")) {
            HttpResponse<String> r = get(1, asset);
            assertThat(r.statusCode()).as(asset).isEqualTo(200);
            assertThat(r.body()).as(asset).hasSizeGreaterThan(1000);
        }
        assertThat(get(1, "/vendor/VERSIONS.txt").body()).contains("@feathersjs/client 5.", "socket.io-client 4.");
    }

    @Test
    void closeStopsTheInstancesAndTheEmbeddedRedis() throws Exception {
        ChatDemo other = ChatDemo.start(DemoOptions.defaults().withPorts(List.of(0, 0)));
        int redisPort = other.embeddedRedisPort();
        List<Integer> ports = other.urls().stream().map(u -> URI.create(u).getPort()).toList();
        assertThat(EmbeddedRedis.accepting("127.0.0.1", redisPort)).isTrue();
        assertThat(ports).allMatch(p -> EmbeddedRedis.accepting("127.0.0.1", p));
        other.close();
        assertThat(EmbeddedRedis.accepting("127.0.0.1", redisPort)).isFalse();
        assertThat(ports).noneMatch(p -> EmbeddedRedis.accepting("127.0.0.1", p));
        other.close(); // idempotent
    }

    @Test
    void urlsNameAHostABrowserCanOpen() {
        assertThat(ChatInstance.url("127.0.0.1", 3031)).isEqualTo("http://127.0.0.1:3031/");
        assertThat(ChatInstance.url("0.0.0.0", 3031)).isEqualTo("http://localhost:3031/");
        assertThat(ChatInstance.url("::", 3032)).isEqualTo("http://localhost:3032/");
        assertThat(ChatInstance.url("::1", 3033)).isEqualTo("http://[::1]:3033/");
        assertThat(ChatDemo.EMBEDDED_REDIS_HOST).isEqualTo("127.0.0.1");
    }

    private static URI uri(int instance, String path) {
        return URI.create(demo.urls().get(instance)).resolve(path);
    }

    private static HttpResponse<String> get(int instance, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(instance, path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int instance, String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(instance, path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
