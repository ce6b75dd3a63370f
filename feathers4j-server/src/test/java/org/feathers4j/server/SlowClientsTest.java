package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.feathers4j.channels.Channels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, finding 3: clients that never read must not stall the instance. Five raw websocket
 * clients that never read and one official socket.io-client that does, while the server emits
 * 5,000 events of 5 KB each (from one thread, as sync's delivery thread would): the healthy client
 * receives every event, REST answers promptly throughout, Netty's direct memory stays bounded, the
 * slow clients' events are dropped and counted and the slow clients are disconnected after the
 * grace period (well before Engine.IO's ping timeout would).
 */
@Tag("broker")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SlowClientsTest {

    private static final int EVENTS = 5_000;
    private static final int SLOW_CLIENTS = 5;
    private static final String TEXT = "x".repeat(5 * 1024);

    private FeathersServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    @Test
    void nonReadingClientsAreDroppedAndDisconnectedWhileTheOthersAreServed() throws Exception {
        Application app = new Application();
        app.use("messages", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                return CompletableFuture.completedFuture(List.of());
            }

            @Override
            public CompletionStage<Object> create(Object data, Params params) {
                return CompletableFuture.completedFuture(data);
            }
        });
        Channels channels = Channels.of(app);
        channels.onConnection(c -> channels.channel("all").join(c));
        channels.publish((data, ctx) -> channels.channel("all"));
        // defaults: 1 MiB outbound buffer, 1,000 queued events, 10 s grace; the ping timeout (45 s)
        // is left as it is, so a disconnection within the test's time is the slow-client policy's
        server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        int port = server.port();

        List<NonReadingClient> slow = new ArrayList<>();
        try (FlowControlPeer healthy = FlowControlPeer.start("receive", "http://127.0.0.1:" + port,
                String.valueOf(EVENTS), "90000")) {
            for (int i = 0; i < SLOW_CLIENTS; i++) slow.add(NonReadingClient.connect(port));
            healthy.awaitReady(30);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.counters().get("connections.websocket") == SLOW_CLIENTS + 1);

            RestProbe rest = new RestProbe(port);
            rest.start();
            long slowestEmitMs = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < EVENTS; i++) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seq", i);
                m.put("text", TEXT);
                long s = System.nanoTime();
                app.service("messages").create(m).toCompletableFuture().get(5, TimeUnit.SECONDS);
                slowestEmitMs = Math.max(slowestEmitMs, (System.nanoTime() - s) / 1_000_000);
                // ~1,000 events/s, a steady stream the healthy client can read
                if (i % 50 == 49) LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
            }
            long emitMs = (System.nanoTime() - t0) / 1_000_000;

            Map<String, Object> received = healthy.result(60);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> server.counters().get("slowClientsDisconnected") >= SLOW_CLIENTS);
            rest.stop();
            Map<String, Long> counters = server.counters();
            System.out.printf("slow clients: emitted %d in %d ms (slowest %d ms), healthy received %s, REST %d GETs"
                            + " max %d ms, direct memory max %d KB, counters %s%n", EVENTS, emitMs, slowestEmitMs,
                    received, rest.requests.get(), rest.maxMs.get(), rest.maxDirect.get() / 1024, counters);

            assertThat(received.get("received")).as("events the healthy client received").isEqualTo(EVENTS);
            assertThat(rest.failures.get()).as("REST requests that failed").isZero();
            assertThat(rest.requests.get()).isPositive();
            assertThat(rest.maxMs.get()).as("slowest REST GET (ms)").isLessThan(2_000);
            assertThat(slowestEmitMs).as("slowest emit (ms): sending must not block the emitting thread").isLessThan(1_000);
            // 5 non-readers × 25 MB would be buffered without the bound
            assertThat(rest.maxDirect.get()).as("Netty direct memory in use (bytes)").isLessThan(64L * 1024 * 1024);
            assertThat(counters.get("eventsDroppedSlowClient")).isPositive();
            assertThat(counters.get("slowClientsDisconnected")).isEqualTo(SLOW_CLIENTS);
            assertThat(counters.get("eventsSent") + counters.get("eventsDroppedSlowClient"))
                    .isEqualTo((long) EVENTS * (SLOW_CLIENTS + 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.counters().get("connections.websocket") <= 1);
        } finally {
            for (NonReadingClient c : slow) c.close();
        }
    }

    /** GETs /messages every 100 ms and samples Netty's direct memory, until stopped. */
    private static final class RestProbe {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong maxMs = new AtomicLong();
        final AtomicLong maxDirect = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final URI uri;
        private final Thread thread = new Thread(this::run, "rest-probe");

        RestProbe(int port) {
            this.uri = URI.create("http://127.0.0.1:" + port + "/messages");
        }

        void start() throws Exception {
            // one request first, so the client's own warm-up is not measured
            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        private void run() {
            while (running.get()) {
                long s = System.nanoTime();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) failures.incrementAndGet();
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
                requests.incrementAndGet();
                maxMs.accumulateAndGet((System.nanoTime() - s) / 1_000_000, Math::max);
                if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
                    maxDirect.accumulateAndGet(p.metric().usedDirectMemory(), Math::max);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }
}
