package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.DeliveryCheck.Recorder;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rough in-process comparison of both modes on the shared Redis: one app creates a burst as fast as it can
 * (batching on), a second receives it; prints the rates. Asserts only that everything arrives once in order: the
 * machine is shared, the figures are for VERIFICATION.md, not a benchmark (see scripts/bench.sh).
 */
@Tag("broker")
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisStreamsThroughputTest {

    private static final int EVENTS = 20_000;

    @Test
    void aBurstInBothModes() {
        double pubsub = burst(false);
        double streams = burst(true);
        double pubsub2 = burst(false);
        double streams2 = burst(true);
        System.out.printf("%n[throughput] %d events, batching on, sender to receiver: pubsub %.0f/s and %.0f/s, "
                + "streams %.0f/s and %.0f/s (streams/pubsub %.2f)%n", EVENTS, pubsub, pubsub2, streams, streams2,
                (streams + streams2) / (pubsub + pubsub2));
    }

    private double burst(boolean streams) {
        String key = uniqueKey("throughput");
        SyncOptions base = SyncOptions.uri(sharedRedis()).key(key).batch(true).bufferSize(EVENTS);
        if (streams) base.option("mode", "streams");
        Application a = SyncTestApps.app();
        Application b = SyncTestApps.app();
        a.configure(Sync.of(base.copy().instanceId("a-" + key)));
        b.configure(Sync.of(base.copy().instanceId("b-" + key)));
        try {
            a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
            b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
            Recorder atB = DeliveryCheck.record(b);
            long start = System.nanoTime();
            List<CompletableFuture<Object>> calls = new java.util.ArrayList<>();
            for (long n = 1; n <= EVENTS; n++) calls.add(a.service("messages").create(Map.of("from", "a", "n", n)));
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
            atB.awaitLast("a", EVENTS, Duration.ofSeconds(60));
            double rate = EVENTS * 1e9 / (System.nanoTime() - start);
            assertThat(atB.lost("a", EVENTS)).as(atB.describe("a", EVENTS)).isZero();
            assertThat(atB.duplicates("a")).isZero();
            assertThat(atB.outOfOrder("a")).isZero();
            return rate;
        } finally {
            closeAll(a, b);
            if (streams) RedisTestSupport.deleteStreamKeys(List.of(key));
        }
    }
}
