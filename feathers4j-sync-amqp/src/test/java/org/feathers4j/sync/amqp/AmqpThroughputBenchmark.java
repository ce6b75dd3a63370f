package org.feathers4j.sync.amqp;

import static org.feathers4j.sync.amqp.AmqpTestSupport.URI;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.Application;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not part of the test suite (its name does not match surefire's patterns): a rough throughput
 * probe, run by hand with {@code -Dtest=AmqpThroughputBenchmark}. Three instances; A creates a
 * burst of {@code N} events with at most 100 creates in flight; reports the events per second
 * delivered to each other instance, with persistence on and off.
 */
@Tag("broker")
class AmqpThroughputBenchmark {

    private static final int N = Integer.getInteger("feathers4j.bench.n", 20_000);

    @Test
    void burst() throws Exception {
        AmqpTestSupport.requireBroker();
        for (boolean persistent : new boolean[] {false, true, false, true}) run(persistent);
    }

    private void run(boolean persistent) throws Exception {
        String key = AmqpTestSupport.uniqueKey();
        List<Application> apps = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SyncOptions o = SyncOptions.uri(URI).key(key).option("persistent", persistent);
                apps.add(AmqpTestSupport.app(o));
            }
            for (Application a : apps) a.sync().ready().get(20, TimeUnit.SECONDS);
            AtomicLong b = new AtomicLong();
            AtomicLong c = new AtomicLong();
            apps.get(1).service("messages").on("created", (d, ctx) -> b.incrementAndGet());
            apps.get(2).service("messages").on("created", (d, ctx) -> c.incrementAndGet());
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(100);
            long start = System.nanoTime();
            String text = "x".repeat(200);
            for (int i = 0; i < N; i++) {
                // as the Node baseline: at most 100 create() calls in flight (they resolve at once:
                // sync publishes asynchronously)
                inFlight.acquire();
                apps.get(0).service("messages").create(Map.of("n", i, "text", text)).whenComplete((v, e) -> inFlight.release());
            }
            while ((b.get() < N || c.get() < N) && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) Thread.sleep(5);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("BENCH amqp persistent=%s: %d events in %.2f s -> %.0f ev/s to each other instance (B %d, C %d)%n",
                    persistent, N, s, Math.min(b.get(), c.get()) / s, b.get(), c.get());
        } finally {
            AmqpTestSupport.closeAll(apps);
            AmqpTestSupport.deleteExchange(key);
        }
    }
}
