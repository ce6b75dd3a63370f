package org.feathers4j.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.server.FeathersServer;
import org.feathers4j.sync.BusTap;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class FeathersMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private FeathersServer server;
    private Application app;

    @AfterEach
    void stop() {
        if (server != null) server.stop();
        else if (app != null && app.hasSync()) app.sync().close().join();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void syncServerAndChannelMetersFollowWhatHappens() throws Exception {
        String uri = SyncTestApps.memoryUri();
        app = new Application();
        app.use("messages", new MemoryService());
        app.configure(Sync.of(uri));
        server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        app.sync().ready().get(5, TimeUnit.SECONDS);
        new FeathersMetrics(app, server).bindTo(registry);

        for (int i = 0; i < 3; i++) app.service("messages").create(Map.of("n", i)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> counter("feathers4j.sync.messages.received") == 3);
        assertThat(counter("feathers4j.sync.messages.sent")).isEqualTo(3);
        assertThat(registry.get("feathers4j.sync.state").tags("state", "connected", "type", "memory").gauge().value()).isEqualTo(1);
        assertThat(registry.get("feathers4j.sync.state").tags("state", "failed").gauge().value()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("feathers4j.sync.echo").functionTimer().count() == 3);
        assertThat(registry.get("feathers4j.sync.publish").functionTimer().count()).isEqualTo(3);
        assertThat(registry.get("feathers4j.sync.publish").functionTimer().totalTime(TimeUnit.NANOSECONDS)).isPositive();
        assertThat(registry.get("feathers4j.sync.echo").functionTimer().totalTime(TimeUnit.NANOSECONDS)).isPositive();

        try (BusTap other = BusTap.on(SyncOptions.uri(uri))) {
            other.publish("{not json");
            other.publish("{\"event\":\"hacked\",\"path\":\"messages\",\"data\":{},\"context\":{}}");
        }
        assertThat(counter("feathers4j.sync.messages.dropped", "reason", "invalid")).isEqualTo(1);
        assertThat(counter("feathers4j.sync.messages.dropped", "reason", "undeclared-event")).isEqualTo(1);
        assertThat(counter("feathers4j.sync.messages.duplicates")).isZero();
        assertThat(registry.get("feathers4j.sync.buffered").gauge().value()).isZero();

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/messages")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/nowhere")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);
        assertThat(counter("feathers4j.server.http.responses", "status", "2xx")).isEqualTo(1);
        assertThat(counter("feathers4j.server.http.responses", "status", "4xx")).isEqualTo(1);
        assertThat(registry.get("feathers4j.server.connections").tags("transport", "websocket").gauge().value()).isZero();
        assertThat(counter("feathers4j.server.events.shared")).isZero();
        assertThat(registry.get("feathers4j.server.calls.in.flight").gauge().value()).isZero();
        assertThat(counter("feathers4j.server.calls.rejected", "reason", "in-flight-limit")).isZero();
        assertThat(registry.get("feathers4j.channels.connections").gauge().value()).isZero();
        assertThat(counter("feathers4j.channels.publisher.errors")).isZero();
    }

    @Test
    void anAppWithoutSyncOrServerGetsOnlyWhatItHas() {
        app = new Application();
        app.use("messages", new MemoryService());
        new FeathersMetrics(app).bindTo(registry);
        assertThat(registry.getMeters()).isEmpty();
        org.feathers4j.channels.Channels.of(app);
        new FeathersMetrics(app).bindTo(registry);
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName())
                .containsExactlyInAnyOrder("feathers4j.channels.connections", "feathers4j.channels.events.sent",
                        "feathers4j.channels.publisher.errors");
    }
}
