package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, finding 4: one socket emits 2,000 {@code find}s without waiting (the official
 * socket.io-client). At most the cap (64 by default) run at once, the rest are answered at once
 * with {@code TooManyRequests}, and another client's calls are served promptly meanwhile.
 */
@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CallsInFlightTest {

    private static final int CALLS = 2_000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private FeathersServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop();
        timer.shutdownNow();
    }

    @Test
    void aFloodOfCallsFromOneSocketIsCappedAndOthersAreServed() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Application app = new Application();
        app.use("slow", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                // 50 ms of "database", without holding an executor thread
                CompletableFuture<Object> result = new CompletableFuture<>();
                timer.schedule(() -> {
                    running.decrementAndGet();
                    result.complete(List.of());
                }, 50, TimeUnit.MILLISECONDS);
                return result;
            }
        });
        app.use("fast", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                return CompletableFuture.completedFuture(List.of());
            }
        });
        server = FeathersServer.create(app).host("127.0.0.1").port(0).start();

        Map<String, Object> r;
        try (FlowControlPeer peer = FlowControlPeer.start("flood", "http://127.0.0.1:" + server.port(),
                String.valueOf(CALLS))) {
            r = peer.result(90);
        }
        Map<String, Long> counters = server.counters();
        System.out.printf("in-flight flood: %s, max running %d, counters %s%n", r, maxRunning.get(), counters);

        int ok = ((Number) r.get("ok")).intValue();
        int tooMany = ((Number) r.get("tooMany")).intValue();
        assertThat(ok + tooMany).as("every call answered, ok or TooManyRequests").isEqualTo(CALLS);
        assertThat(r.get("other")).isEqualTo(0);
        assertThat(maxRunning.get()).as("calls running at once").isLessThanOrEqualTo(64);
        assertThat(ok).isGreaterThanOrEqualTo(64);
        assertThat(tooMany).isPositive();
        assertThat(r.get("messages")).isEqualTo(Map.of("too many calls in flight on this connection (64)", tooMany));
        assertThat(counters.get("callsRejected")).isEqualTo(tooMany);
        assertThat(counters.get("callsInFlight")).isZero();
        assertThat(r.get("bystanderOk")).isEqualTo(20);
        assertThat(((Number) r.get("bystanderMaxMs")).longValue()).as("slowest call of the other client (ms)")
                .isLessThan(2_000);
    }

    @Test
    void theOptionalRateLimitAnswersTooManyRequests() throws Exception {
        Application app = new Application();
        for (String path : List.of("slow", "fast")) {
            app.use(path, new Service() {
                @Override
                public CompletionStage<Object> find(Params params) {
                    return CompletableFuture.completedFuture(List.of());
                }
            });
        }
        server = FeathersServer.create(app).host("127.0.0.1").port(0).maxCallsPerSecond(100).start();

        Map<String, Object> r;
        try (FlowControlPeer peer = FlowControlPeer.start("flood", "http://127.0.0.1:" + server.port(), "1000")) {
            r = peer.result(90);
        }
        Map<String, Long> counters = server.counters();
        System.out.printf("rate limit: %s, counters %s%n", r, counters);
        int ok = ((Number) r.get("ok")).intValue();
        int tooMany = ((Number) r.get("tooMany")).intValue();
        assertThat(ok + tooMany).isEqualTo(1000);
        @SuppressWarnings("unchecked")
        Map<String, Object> messages = (Map<String, Object>) r.get("messages");
        assertThat(messages).containsKey("too many calls on this connection (more than 100 per second)");
        assertThat(counters.get("callsRateLimited")).isPositive();
        assertThat(counters.get("callsRateLimited") + counters.get("callsRejected")).isEqualTo(tooMany);
        assertThat(r.get("bystanderOk")).as("the other connection has its own budget").isEqualTo(20);
    }
}
