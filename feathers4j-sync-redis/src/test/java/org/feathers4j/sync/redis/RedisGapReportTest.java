package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.freePort;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;
import static org.feathers4j.sync.redis.RedisTestSupport.sleep;

import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.Arrivals;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.TcpProxy;
import org.feathers4j.sync.redis.RedisTestSupport.PrivateRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pub/sub loses what is published while a subscriber is cut off; these tests prove that every such loss is
 * reported: the receiver's {@code sync-gap} events ({@code SEQ_GAP}) add up to exactly what it lost. Cuts: a TCP
 * proxy in front of one receiver shut for 10 s, {@code CLIENT KILL} of the test's own subscriptions on the shared
 * Redis (by id: no other client is touched), and Redis itself cutting a subscriber that stopped reading
 * ({@code client-output-buffer-limit pubsub}, on a private redis-server).
 */
@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisGapReportTest {

    private Application a;
    private Application b;
    private DeliveryCheck.Sender sender;
    private TcpProxy proxy;
    private PrivateRedis redis;
    private ClientResources resources;

    @AfterEach
    void tearDown() {
        if (sender != null) sender.stop();
        closeAll(a, b);
        if (proxy != null) proxy.close();
        if (redis != null) redis.close();
        if (resources != null) resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private static void assertEveryLossReported(DeliveryCheck.Recorder r, long last) {
        String what = r.describe("a", last);
        assertThat(r.missedByGaps()).as("missed by sync-gap events vs lost: " + what).isEqualTo(r.lost("a", last));
        assertThat(r.gaps()).as(what).allSatisfy(g -> assertThat(g.reason()).isEqualTo(SyncGap.Reason.SEQ_GAP));
        assertThat(r.duplicates("a")).as(what).isZero();
        assertThat(r.outOfOrder("a")).as(what).isZero();
    }

    @Test
    @Tag("slow")
    void aReceiverCutOffFor10sByAProxyIsToldExactlyWhatItMissed() throws Exception {
        String shared = sharedRedis();
        RedisURI u = RedisURI.create(shared);
        proxy = new TcpProxy(u.getHost(), u.getPort());
        proxy.open();
        String key = uniqueKey("proxy-cut");
        a = app(SyncOptions.uri(shared).key(key).instanceId("a"));
        String viaProxy = shared.replace(u.getHost() + ":" + u.getPort(), "127.0.0.1:" + proxy.port());
        b = app(SyncOptions.uri(viaProxy).key(key).instanceId("b"));
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        DeliveryCheck.Recorder rec = DeliveryCheck.record(b);
        Arrivals atB = Arrivals.of(b, "b", "a");
        sender = DeliveryCheck.send(a, "a", 500);

        sleep(1000);
        proxy.shut();
        long cutAt = sender.sent();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.sync().state() != SyncState.CONNECTED);
        sleep(10_000);
        long openAt = System.nanoTime();
        long sentAtOpen = sender.sent();
        proxy.open();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.sync().state() == SyncState.CONNECTED);
        sleep(1000);
        long last = sender.stop();
        rec.awaitLast("a", last, Duration.ofSeconds(15));

        long again = atB.againAfter(openAt, sentAtOpen);
        System.out.printf("%n[redis gaps] proxy shut 10 s at #%d: %s; received again %d ms after the proxy opened; counters %s%n",
                cutAt, rec.describe("a", last), again, b.sync().counters());
        assertThat(rec.lost("a", last)).as("a 10 s cut at 500/s loses events").isGreaterThan(1000);
        assertEveryLossReported(rec, last);
        assertThat(again).as("ms to receive again after the link is back (target ~1 s)").isBetween(0L, 5000L);
    }

    @Test
    void subscriptionsKilledOnTheSharedRedisAreReportedExactly() {
        String shared = sharedRedis();
        String key = uniqueKey("client-kill");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        a = app(SyncOptions.uri(shared).key(key).instanceId("a").option("clientName", "f4j-test-a-" + tag));
        b = app(SyncOptions.uri(shared).key(key).instanceId("b").option("clientName", "f4j-test-b-" + tag));
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        DeliveryCheck.Recorder recA = DeliveryCheck.record(a);
        DeliveryCheck.Recorder recB = DeliveryCheck.record(b);
        Arrivals atB = Arrivals.of(b, "b", "a");
        sender = DeliveryCheck.send(a, "a", 500);
        StringBuilder agains = new StringBuilder();
        try (RedisClients raw = new RedisClients(shared)) {
            for (int i = 0; i < 3; i++) {
                sleep(1000);
                // only this test's two subscriptions, found by their client names
                List<Long> ids = raw.pubSubIds(n -> n.endsWith("-" + tag));
                assertThat(ids).hasSize(2);
                long sent = sender.sent();
                long at = System.nanoTime();
                assertThat(raw.kill(ids)).isEqualTo(2);
                sleep(1000);
                agains.append(atB.againAfter(at, sent)).append(" ms ");
            }
        }
        long last = sender.stop();
        recA.awaitLast("a", last, Duration.ofSeconds(15));
        recB.awaitLast("a", last, Duration.ofSeconds(15));
        System.out.printf("%n[redis gaps] 3 x CLIENT KILL of both subscriptions at 500/s; b received again after %s%n"
                + "[redis gaps] b %s%n[redis gaps] a %s%n", agains, recB.describe("a", last), recA.describe("a", last));
        assertEveryLossReported(recB, last);
        assertEveryLossReported(recA, last);
    }

    @Test
    void aSubscriberRedisCutForNotReadingIsToldExactlyWhatItMissed() {
        // a private server: the output buffer limit of pub/sub clients may not be changed on the shared one
        redis = new PrivateRedis(freePort(), "--client-output-buffer-limit", "pubsub", "256kb", "128kb", "1").start();
        String key = uniqueKey("slow-cut");
        List<Channel> channels = new CopyOnWriteArrayList<>();
        resources = DefaultClientResources.builder().nettyCustomizer(new NettyCustomizer() {
            @Override
            public void afterBootstrapInitialized(Bootstrap bootstrap) {
                bootstrap.option(ChannelOption.SO_RCVBUF, 16 * 1024); // little kernel buffering: Redis's own fills
            }

            @Override
            public void afterChannelInitialized(Channel channel) {
                channels.add(channel);
            }
        }).build();
        a = app(SyncOptions.uri(redis.uri()).key(key).instanceId("a"));
        b = app(SyncOptions.uri(redis.uri()).key(key).instanceId("b").option("clientResources", resources));
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        DeliveryCheck.Recorder rec = DeliveryCheck.record(b);
        assertThat(channels).hasSize(2); // publish, then subscribe
        Channel sub = channels.get(1);
        long subscribes = b.sync().counters().get("reconnects");

        String pad = "x".repeat(4096);
        long n = 0;
        sub.config().setAutoRead(false); // b stops reading its subscription, as a stalled consumer would
        for (int i = 0; i < 1500; i++) {
            n++;
            a.service("messages").create(Map.of("from", "a", "n", n, "pad", pad)).join();
        }
        sleep(500);
        sub.config().setAutoRead(true);
        await().atMost(Duration.ofSeconds(15)).until(() -> b.sync().counters().get("reconnects") > subscribes
                && b.sync().state() == SyncState.CONNECTED);
        for (int i = 0; i < 20; i++) {
            n++;
            a.service("messages").create(Map.of("from", "a", "n", n)).join();
        }
        long last = n;
        rec.awaitLast("a", last, Duration.ofSeconds(15));
        System.out.printf("%n[redis gaps] subscriber cut by Redis (client-output-buffer-limit pubsub 256kb) during a "
                + "burst of 1500 x ~16 KB: %s%n", rec.describe("a", last));
        assertThat(rec.lost("a", last)).as("Redis dropped what it had queued for the cut subscriber").isGreaterThan(0);
        assertEveryLossReported(rec, last);
    }
}
