package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.freePort;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sleep;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.DeliveryCheck.Recorder;
import org.feathers4j.sync.DeliveryCheck.Sender;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.redis.RedisTestSupport.PrivateRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams mode through full outages of a private redis-server that keeps nothing on disk (the shared one is never
 * touched): a restart empties the stream. What publishers buffered during the outage arrives; what the stream held
 * and a reader had not read yet is gone, and each reader reports one {@code BROKER_DATA_LOST} gap.
 */
@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisStreamsOutageTest {

    private PrivateRedis redis;
    private Application a;
    private Application b;

    @AfterEach
    void tearDown() {
        closeAll(a, b);
        if (redis != null) redis.close();
    }

    @Test
    void outageOf4sAt20PerSecond() {
        outage(4, 20);
    }

    @Test
    void outageOf4sAt500PerSecond() {
        outage(4, 500);
    }

    @Test
    @Tag("slow")
    void outageOf30sAt20PerSecond() {
        outage(30, 20);
    }

    @Test
    @Tag("slow")
    void outageOf30sAt500PerSecond() {
        outage(30, 500);
    }

    @Test
    void whatTheStreamHeldUnreadIsLostAndReportedWhereItIs() {
        redis = new PrivateRedis(freePort()).start();
        String key = uniqueKey("streams-unread");
        a = app(redis.uri(), key, "sender");
        Application slow = SyncTestApps.app();
        slow.configure(Sync.of(RedisStreamsTest.streams(redis.uri(), key, "slow").deliveryQueueSize(10)));
        b = slow;
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>(); // event numbers, -1 for a gap
        b.service("messages").on("created", (d, ctx) -> {
            seen.add(((Number) ((java.util.Map<?, ?>) d).get("n")).longValue());
            sleep(5); // ~200/s: the reader falls behind, the stream holds the rest
        });
        List<SyncGap> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.on(Sync.SYNC_GAP, args -> {
            SyncGap g = (SyncGap) args[0];
            gaps.add(g);
            if (g.reason() == SyncGap.Reason.BROKER_DATA_LOST) seen.add(-1L);
        });
        for (long n = 1; n <= 1000; n++) a.service("messages").create(java.util.Map.of("from", "a", "n", n)).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().counters().get("published") >= 1000L);
        sleep(300);
        redis.kill();
        long readBeforeKill = seen.size();
        sleep(1000);
        redis.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.sync().state() == SyncState.CONNECTED
                && b.sync().state() == SyncState.CONNECTED);
        for (long n = 1001; n <= 1010; n++) a.service("messages").create(java.util.Map.of("from", "a", "n", n)).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains(1010L));
        int gapAt = seen.indexOf(-1L);
        long lost = 1010 - seen.stream().filter(n -> n > 0).count();
        System.out.printf("%n[streams unread at restart] B had delivered %d of 1000 at the kill; lost %d; gap at position %d "
                + "of %d; gaps %s%n", readBeforeKill, lost, gapAt, seen.size(), gaps);
        assertThat(lost).as("the stream held entries B had not read").isPositive();
        assertThat(seen.stream().filter(n -> n == -1L).count()).as("BROKER_DATA_LOST gap events").isEqualTo(1);
        // the adapter cannot count what the lost stream held; sync's seq check then counts it per sender, exactly
        assertThat(gaps).extracting(SyncGap::reason).containsExactly(SyncGap.Reason.BROKER_DATA_LOST, SyncGap.Reason.SEQ_GAP);
        assertThat(gaps.get(1).missed()).as("the SEQ_GAP count").isEqualTo(lost);
        // the gap comes where it is: after every event of the old stream, before the first of the new one
        assertThat(seen.subList(0, gapAt)).allMatch(n -> n <= 1000);
        assertThat(seen.subList(gapAt + 1, seen.size())).containsExactly(1001L, 1002L, 1003L, 1004L, 1005L, 1006L,
                1007L, 1008L, 1009L, 1010L);
        List<Long> before = seen.subList(0, gapAt);
        for (int i = 0; i < before.size(); i++) assertThat(before.get(i)).isEqualTo(i + 1L); // a prefix, no holes
    }

    private static Application app(String uri, String key, String instance) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(RedisStreamsTest.streams(uri, key, instance).bufferSize(20_000)));
        return app;
    }

    private void outage(int seconds, int perSecond) {
        redis = new PrivateRedis(freePort()).start();
        String key = uniqueKey("streams-outage");
        a = app(redis.uri(), key, "sender");
        b = app(redis.uri(), key, "receiver");
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        Recorder atA = DeliveryCheck.record(a);
        Recorder atB = DeliveryCheck.record(b);
        Sender sender = DeliveryCheck.send(a, "a", perSecond);
        sleep(2000);
        long atKill = sender.sent();
        redis.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().state() != SyncState.CONNECTED
                && b.sync().state() != SyncState.CONNECTED);
        sleep(seconds * 1000L);
        redis.start();
        long startedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.sync().state() == SyncState.CONNECTED
                && b.sync().state() == SyncState.CONNECTED);
        long connectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
        sleep(2000);
        long sent = sender.stop();
        atA.awaitLast("a", sent, Duration.ofSeconds(30));
        atB.awaitLast("a", sent, Duration.ofSeconds(30));
        sleep(500);
        System.out.printf("%n[streams outage %ds at %d/s] both CONNECTED %d ms after redis-server was back; %d created "
                        + "before the kill%n  at B: %s, gaps %s%n  at A: %s%n  A counters %s%n", seconds, perSecond,
                connectedMs, atKill, atB.describe("a", sent), atB.gaps(), atA.describe("a", sent), a.sync().counters());
        for (Recorder r : List.of(atA, atB)) {
            // only events of the old stream can be lost: everything created once Redis was gone was buffered
            List<Long> got = r.received("a");
            for (long n = atKill + perSecond / 2 + 1; n <= sent; n++) assertThat(got).as("event %d", n).contains(n);
            assertThat(r.duplicates("a")).as(r.describe("a", sent)).isZero();
            assertThat(r.outOfOrder("a")).as(r.describe("a", sent)).isZero();
            // the restart emptied the stream: reported once, count unknown; what the old stream held unread (a
            // receiver lagging at the kill) is lost, and sync's seq check counts it exactly
            assertThat(r.gaps()).as(r.describe("a", sent)).isNotEmpty();
            assertThat(r.gaps().get(0).reason()).isEqualTo(SyncGap.Reason.BROKER_DATA_LOST);
            assertThat(r.gaps().get(0).missed()).isEqualTo(SyncGap.UNKNOWN);
            assertThat(r.gaps().subList(1, r.gaps().size())).allMatch(g -> g.reason() == SyncGap.Reason.SEQ_GAP);
            assertThat(r.missedByGaps()).as(r.describe("a", sent)).isEqualTo(r.lost("a", sent));
        }
        assertThat(sender.failed()).isZero();
        assertThat(a.sync().counters().get("bufferDropped")).isZero();
        assertThat(connectedMs).as("reconnect after redis-server is back").isLessThan(10_000);
    }
}
