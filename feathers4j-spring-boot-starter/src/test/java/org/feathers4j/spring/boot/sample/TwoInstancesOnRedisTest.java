package org.feathers4j.spring.boot.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.server.FeathersServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two Spring Boot instances of {@link SampleApplication} syncing through the real Redis on
 * 127.0.0.1:6379 (override with FEATHERS4J_REDIS_URI): the official Feathers client checks that a message
 * created through one reaches a client of the other (both ways, Socket.IO and REST), and
 * {@code /actuator/health} shows the {@code feathers4j} component UP and {@code /actuator/metrics} our meters.
 */
@Tag("broker")
class TwoInstancesOnRedisTest {

    private static final String REDIS = System.getenv().getOrDefault("FEATHERS4J_REDIS_URI", "redis://127.0.0.1:6379");
    private static final Path NODE = Path.of(System.getProperty("feathers4j.interop.node", "../interop/node"));
    private static final Path CHECK = NODE.resolve("../../consumer-test/feathers-client-check.js").normalize();

    private static ConfigurableApplicationContext start(String key, String name) {
        return new SpringApplicationBuilder(SampleApplication.class)
                .properties(
                        "spring.application.name=" + name,
                        "server.port=0", "server.address=127.0.0.1",
                        "feathers4j.server.host=127.0.0.1", "feathers4j.server.port=0",
                        "feathers4j.sync.uri=" + REDIS, "feathers4j.sync.key=" + key,
                        "feathers4j.sync.ready-timeout=20s",
                        "management.endpoints.web.exposure.include=health,metrics",
                        "management.endpoint.health.show-components=always",
                        "management.endpoint.health.show-details=always")
                .run();
    }

    @Test
    void anEventCreatedThroughOneReachesAClientOfTheOther() throws Exception {
        String key = "boot-" + UUID.randomUUID();
        try (ConfigurableApplicationContext a = start(key, "a"); ConfigurableApplicationContext b = start(key, "b")) {
            for (ConfigurableApplicationContext ctx : new ConfigurableApplicationContext[] {a, b}) {
                Application app = ctx.getBean(Application.class);
                assertThat(app.sync().type()).isEqualTo("redis");
                assertThat(app.sync().state()).isEqualTo(SyncState.CONNECTED);
                assertThat(ctx.getBean(FeathersServer.class).isRunning()).isTrue();
            }
            String out = runClientCheck(url(a), url(b));
            JsonNode result = new ObjectMapper().readTree(out.substring(out.lastIndexOf("RESULT ") + 7).trim());
            assertThat(result.at("/eventOnB/text").asText()).isEqualTo(result.at("/createdOnA/text").asText());
            assertThat(result.at("/eventOnA/text").asText()).isEqualTo(result.at("/createdOnB/text").asText());
            assertThat(result.at("/eventOnB/text").asText()).startsWith("socket on A");

            for (ConfigurableApplicationContext ctx : new ConfigurableApplicationContext[] {a, b}) {
                int port = ((ServletWebServerApplicationContext) ctx).getWebServer().getPort();
                HttpResponse<String> r = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode health = new ObjectMapper().readTree(r.body());
                assertThat(health.at("/components/feathers4j/status").asText()).as(r.body()).isEqualTo("UP");
                assertThat(health.at("/components/feathers4j/details/type").asText()).isEqualTo("redis");
                assertThat(health.at("/components/feathers4j/details/state").asText()).isEqualTo("CONNECTED");
                assertThat(health.at("/components/feathers4j/details/buffered").isNumber()).as(r.body()).isTrue();

                // the feathers4j-micrometer binder, registered by the starter: both creates crossed the broker
                HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/metrics/feathers4j.sync.messages.received")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
                assertThat(new ObjectMapper().readTree(m.body()).at("/measurements/0/value").asDouble()).as(m.body())
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void closingTheContextStopsTheServerAndClosesSync() {
        ConfigurableApplicationContext ctx = start("boot-" + UUID.randomUUID(), "c");
        Application app = ctx.getBean(Application.class);
        FeathersServer server = ctx.getBean(FeathersServer.class);
        assertThat(server.isRunning()).isTrue();
        ctx.close();
        assertThat(server.isRunning()).isFalse();
        assertThat(app.isSetUp()).isFalse();
        assertThat(app.sync().state()).isEqualTo(SyncState.CLOSED);
    }

    private static String url(ConfigurableApplicationContext ctx) {
        return "http://127.0.0.1:" + ctx.getBean(FeathersServer.class).port();
    }

    private static String runClientCheck(String urlA, String urlB) throws Exception {
        Path nodeModules = NODE.resolve("node_modules").toAbsolutePath().normalize();
        if (!Files.isDirectory(nodeModules.resolve("@feathersjs/socketio-client"))) {
            fail("the official Feathers client is missing: run (cd interop/node && npm ci)");
        }
        ProcessBuilder pb = new ProcessBuilder("node", CHECK.toString(), urlA, urlB).redirectErrorStream(true);
        pb.environment().put("NODE_PATH", nodeModules.toString());
        Process p = pb.start();
        byte[] bytes;
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the Feathers client check did not finish in 60 s");
        }
        bytes = p.getInputStream().readAllBytes();
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("RESULT ");
        return out;
    }
}
