package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.sync.SyncTestApps.freePort;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sleep;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.sync.Arrivals;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisTestSupport.PrivateRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How fast pub/sub comes back, measured in the shape of issue 16 on a private redis-server (so that
 * {@code CLIENT KILL TYPE pubsub} touches nobody else): app "a" creates at 500/s, app "b" and, when installed, a
 * Node feathers-sync 3.1.1 peer receive; the subscriptions are cut, or Redis is restarted, and each receiver's
 * loss and time to receive again are printed side by side. Default settings throughout (what a user gets).
 */
@Tag("broker")
@Tag("slow")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisRecoveryTest {

    private PrivateRedis redis;
    private Application a;
    private Application b;
    private NodePeer node;
    private DeliveryCheck.Sender sender;

    @AfterEach
    void tearDown() {
        if (sender != null) sender.stop();
        closeAll(a, b);
        if (node != null) node.close();
        if (redis != null) redis.close();
    }

    private static SyncOptions options(String uri, String key, String name) {
        return SyncOptions.uri(uri).key(key).instanceId(name).option("clientName", "f4j-" + name);
    }

    private List<Arrivals> start(String key) {
        redis = new PrivateRedis(freePort()).start();
        a = app(options(redis.uri(), key, "a"));
        b = app(options(redis.uri(), key, "b"));
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        List<Arrivals> receivers = new ArrayList<>();
        receivers.add(Arrivals.of(a, "feathers4j a (own echo)", "a"));
        receivers.add(Arrivals.of(b, "feathers4j b", "a"));
        node = NodePeer.start(redis.uri(), key, "a");
        if (node != null) {
            node.awaitReady();
            receivers.add(node.arrivals);
        }
        return receivers;
    }

    private record Cut(String kind, long lo, long atSent, long atNanos, long hi) {
    }

    @Test
    void subscriptionsKilledWhileCreatingAt500PerSecond() {
        List<Arrivals> receivers = start(uniqueKey("kill"));
        DeliveryCheck.Recorder recA = DeliveryCheck.record(a);
        DeliveryCheck.Recorder recB = DeliveryCheck.record(b);
        sender = DeliveryCheck.send(a, "a", 500);
        List<Cut> cuts = new ArrayList<>();
        try (RedisClients raw = new RedisClients(redis.uri())) {
            for (int trial = 0; trial < 6; trial++) {
                boolean receiversOnly = trial < 3;
                sleep(1000);
                long lo = sender.sent();
                sleep(500);
                // the receivers only (the sender keeps publishing: each receiver's own recovery), then everyone
                List<Long> ids = receiversOnly ? raw.pubSubIds(n -> !n.equals("f4j-a")) : List.of();
                long atSent = sender.sent();
                long at = System.nanoTime();
                long killed = receiversOnly ? raw.kill(ids) : raw.killAllPubSub();
                assertThat(killed).as("pub/sub clients killed").isEqualTo(receiversOnly ? receivers.size() - 1 : receivers.size());
                sleep(1500);
                cuts.add(new Cut(receiversOnly ? "receivers' subscriptions killed" : "CLIENT KILL TYPE pubsub", lo, atSent, at,
                        sender.sent()));
            }
        }
        long last = sender.stop();
        recA.awaitLast("a", last, Duration.ofSeconds(15));
        recB.awaitLast("a", last, Duration.ofSeconds(15));
        if (node != null) awaitArrival(node.arrivals, last);

        System.out.printf("%n[redis recovery] 500/s, private redis-server, default settings; per cut: lost / ms to receive again%n");
        List<Long> javaAgain = new ArrayList<>();
        for (Cut c : cuts) {
            StringBuilder line = new StringBuilder("[redis recovery] " + c.kind() + " at #" + c.atSent() + ":");
            for (Arrivals r : receivers) {
                long again = r.againAfter(c.atNanos(), c.atSent());
                long lost = r.lostIn(c.lo(), c.hi());
                line.append("  ").append(r.name()).append(" ").append(lost).append(" / ").append(again).append(" ms");
                if (r != receivers.get(receivers.size() - 1) || node == null) {
                    if (!r.name().contains("own echo") || c.kind().startsWith("CLIENT")) javaAgain.add(again);
                }
            }
            System.out.println(line);
        }
        System.out.printf("[redis recovery] b: %s%n[redis recovery] a: %s%n[redis recovery] b counters %s%n",
                recB.describe("a", last), recA.describe("a", last), b.sync().counters());

        // every loss is reported, exactly
        assertThat(recB.missedByGaps()).as(recB.describe("a", last)).isEqualTo(recB.lost("a", last));
        assertThat(recA.missedByGaps()).as(recA.describe("a", last)).isEqualTo(recA.lost("a", last));
        assertThat(recB.duplicates("a")).isZero();
        // receiving again at once after a cut: target tens of ms (the former code took 170-260 ms); the median is
        // held to 100 ms, each cut to 1 s (a loaded machine may stall one)
        assertThat(javaAgain).as("ms to receive again after each cut").allSatisfy(ms -> assertThat(ms).isBetween(0L, 1000L));
        List<Long> sorted = javaAgain.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() / 2)).as("median ms to receive again, of " + javaAgain).isLessThanOrEqualTo(100L);
    }

    @Test
    void redisRestartedWhileCreatingAt500PerSecond() {
        List<Arrivals> receivers = start(uniqueKey("restart"));
        DeliveryCheck.Recorder recA = DeliveryCheck.record(a);
        DeliveryCheck.Recorder recB = DeliveryCheck.record(b);
        sender = DeliveryCheck.send(a, "a", 500);
        List<long[]> backs = new ArrayList<>(); // {nanoTime when redis was back, sent then}
        for (int trial = 0; trial < 3; trial++) {
            sleep(1500);
            redis.kill();
            sleep(2000);
            redis.start();
            backs.add(new long[] {System.nanoTime(), sender.sent()});
        }
        sleep(4000);
        long last = sender.stop();
        recA.awaitLast("a", last, Duration.ofSeconds(20));
        recB.awaitLast("a", last, Duration.ofSeconds(20));
        if (node != null) awaitArrival(node.arrivals, last);

        System.out.printf("%n[redis restart] 500/s, private redis-server killed (SIGKILL) for 2 s, default settings; "
                + "ms from Redis back to the first event received%n");
        List<Long> javaAgain = new ArrayList<>();
        for (long[] back : backs) {
            StringBuilder line = new StringBuilder("[redis restart] back at #" + back[1] + ":");
            for (Arrivals r : receivers) {
                long again = r.firstAfter(back[0]);
                line.append("  ").append(r.name()).append(" ").append(again).append(" ms");
                if (node == null || r != node.arrivals) javaAgain.add(again);
            }
            System.out.println(line);
        }
        StringBuilder lost = new StringBuilder("[redis restart] lost in all:");
        for (Arrivals r : receivers) lost.append("  ").append(r.name()).append(" ").append(r.lostIn(0, last));
        System.out.println(lost);
        System.out.printf("[redis restart] b: %s%n[redis restart] a: %s%n[redis restart] a counters %s%n",
                recB.describe("a", last), recA.describe("a", last), a.sync().counters());

        assertThat(recB.missedByGaps()).as(recB.describe("a", last)).isEqualTo(recB.lost("a", last));
        assertThat(recA.missedByGaps()).as(recA.describe("a", last)).isEqualTo(recA.lost("a", last));
        assertThat(recB.duplicates("a")).isZero();
        // target ~1 s after Redis is back; but the publisher holds its buffer until every subscriber that was there
        // is back, at most resubscribeWait (3 s): a slow peer (the Node one was, at times) makes everyone wait
        assertThat(javaAgain).as("ms from Redis back to receiving").allSatisfy(ms -> assertThat(ms).isBetween(0L, 8000L));
    }

    private static void awaitArrival(Arrivals r, long n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!r.has(n) && System.nanoTime() < deadline) sleep(50);
    }
}
