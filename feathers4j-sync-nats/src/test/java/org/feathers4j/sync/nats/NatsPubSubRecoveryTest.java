package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.Arrivals;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Core NATS pub/sub loses what is published while a subscriber is cut off; these tests prove every such loss is
 * reported (the receiver's {@code sync-gap} events add up to exactly what it lost) and measure how fast a receiver
 * gets messages again: one receiver behind a TCP proxy cut for 10 s on the shared server, and a private
 * nats-server killed for 4 s or 30 s while app "a" creates at 20/s or 500/s. Default settings throughout.
 */
@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NatsPubSubRecoveryTest {

    private Application a;
    private Application b;
    private DeliveryCheck.Sender sender;
    private TcpProxy proxy;
    private PrivateNatsServer server;
    private TcpProxy nodeProxy;
    private NatsNodePeer node;

    @AfterEach
    void tearDown() throws Exception {
        if (sender != null) sender.stop();
        for (Application app : new Application[] {a, b}) {
            if (app != null && app.hasSync()) app.sync().close().get(15, TimeUnit.SECONDS);
        }
        if (node != null) node.close();
        if (proxy != null) proxy.close();
        if (nodeProxy != null) nodeProxy.close();
        if (server != null) server.close();
    }

    private static Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options));
        return app;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertEveryLossReported(DeliveryCheck.Recorder r, long last) {
        String what = r.describe("a", last);
        assertThat(r.missedByGaps()).as("missed by sync-gap events vs lost: " + what).isEqualTo(r.lost("a", last));
        assertThat(r.gaps()).as(what).allSatisfy(g -> assertThat(g.reason()).isEqualTo(SyncGap.Reason.SEQ_GAP));
        assertThat(r.duplicates("a")).as(what).isZero();
    }

    @Test
    @Tag("slow")
    void aReceiverCutOffFor10sByAProxyIsToldExactlyWhatItMissed() throws Exception {
        String shared = NatsTestSupport.natsUri();
        URI u = URI.create(shared);
        proxy = new TcpProxy(u.getHost(), u.getPort() < 0 ? 4222 : u.getPort());
        proxy.open();
        String key = SyncTestApps.uniqueKey("nats-proxy-cut");
        a = app(SyncOptions.uri(shared).key(key).instanceId("a"));
        b = app(SyncOptions.uri("nats://127.0.0.1:" + proxy.port()).key(key).instanceId("b"));
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        DeliveryCheck.Recorder rec = DeliveryCheck.record(b);
        Arrivals atB = Arrivals.of(b, "b", "a");
        // a Node feathers-sync receiver behind a proxy of its own, cut and restored at the same instants
        nodeProxy = new TcpProxy(u.getHost(), u.getPort() < 0 ? 4222 : u.getPort());
        nodeProxy.open();
        node = NatsNodePeer.start("nats://127.0.0.1:" + nodeProxy.port(), key, "a");
        sender = DeliveryCheck.send(a, "a", 500);

        sleep(1000);
        proxy.shut();
        nodeProxy.shut();
        long cutAt = sender.sent();
        await().atMost(Duration.ofSeconds(5)).until(() -> b.sync().state() != SyncState.CONNECTED);
        sleep(10_000);
        long openAt = System.nanoTime();
        long sentAtOpen = sender.sent();
        proxy.open();
        nodeProxy.open();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.sync().state() == SyncState.CONNECTED);
        sleep(node == null ? 1000 : 3000); // Node's client waits 2 s between attempts
        long last = sender.stop();
        rec.awaitLast("a", last, Duration.ofSeconds(15));

        long again = atB.againAfter(openAt, sentAtOpen);
        System.out.printf("%n[nats gaps] proxy shut 10 s at #%d: %s; received again %d ms after the proxy opened%s%n",
                cutAt, rec.describe("a", last), again, node == null ? "" : "; node feathers-sync (same run): lost "
                        + node.arrivals.lostIn(0, last) + ", received again " + node.arrivals.againAfter(openAt, sentAtOpen) + " ms");
        assertThat(rec.lost("a", last)).as("a 10 s cut at 500/s loses events").isGreaterThan(1000);
        assertEveryLossReported(rec, last);
        assertThat(rec.outOfOrder("a")).isZero();
        assertThat(again).as("ms to receive again after the link is back (target ~1 s)").isBetween(0L, 5000L);
    }

    @Test
    void down4sAt20PerSecond() {
        outage(4, 20);
    }

    @Test
    void down4sAt500PerSecond() {
        outage(4, 500);
    }

    @Test
    @Tag("slow")
    void down30sAt20PerSecond() {
        outage(30, 20);
    }

    @Test
    @Tag("slow")
    void down30sAt500PerSecond() {
        outage(30, 500);
    }

    private void outage(int seconds, int perSecond) {
        server = PrivateNatsServer.started();
        String key = SyncTestApps.uniqueKey("nats-full-outage");
        a = app(SyncOptions.uri(server.uri()).key(key).instanceId("a"));
        b = app(SyncOptions.uri(server.uri()).key(key).instanceId("b"));
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        DeliveryCheck.Recorder recA = DeliveryCheck.record(a);
        DeliveryCheck.Recorder recB = DeliveryCheck.record(b);
        Arrivals atA = Arrivals.of(a, "a", "a");
        Arrivals atB = Arrivals.of(b, "b", "a");
        node = NatsNodePeer.start(server.uri(), key, "a");
        sender = DeliveryCheck.send(a, "a", perSecond);

        sleep(1500);
        server.stop();
        long killedAt = sender.sent();
        sleep(seconds * 1000L);
        server.start();
        long back = System.nanoTime();
        long sentAtBack = sender.sent();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.sync().state() == SyncState.CONNECTED
                && b.sync().state() == SyncState.CONNECTED);
        long connectedMs = (System.nanoTime() - back) / 1_000_000;
        sleep(2000);
        long last = sender.stop();
        recA.awaitLast("a", last, Duration.ofSeconds(20));
        recB.awaitLast("a", last, Duration.ofSeconds(20));

        long bufferDropped = a.sync().counters().get("bufferDropped");
        System.out.printf("%n[nats outage %ds at %d/s] killed at #%d, back at #%d; both CONNECTED %d ms after the server was back; "
                        + "first event received %d ms (b), %d ms (a, own echo) after it%n"
                        + "[nats outage %ds at %d/s] b %s%n[nats outage %ds at %d/s] a %s; bufferDropped %d%n",
                seconds, perSecond, killedAt, sentAtBack, connectedMs, atB.firstAfter(back), atA.firstAfter(back),
                seconds, perSecond, recB.describe("a", last), seconds, perSecond, recA.describe("a", last), bufferDropped);
        if (node != null) {
            System.out.printf("[nats outage %ds at %d/s] node feathers-sync (same run): first event %d ms after the server was back, "
                    + "lost %d%n", seconds, perSecond, node.arrivals.firstAfter(back), node.arrivals.lostIn(0, last));
        }

        for (DeliveryCheck.Recorder r : new DeliveryCheck.Recorder[] {recA, recB}) {
            assertEveryLossReported(r, last);
            // beyond the buffer's overflow, only what the server or the client's socket held when it died may be missing
            assertThat(r.lost("a", last)).as(r.describe("a", last)).isBetween(bufferDropped, bufferDropped + 50);
        }
        if ((long) seconds * perSecond < 9_000) assertThat(bufferDropped).isZero();
        else assertThat(bufferDropped).as("the buffer keeps the newest 10,000").isPositive();
        assertThat(connectedMs).as("ms from the server back to both CONNECTED").isLessThan(8000);
        // reconnect (at most reconnectWait + jitter, 600 ms) + resumeDelay (750 ms); measured 0.5-1.3 s
        assertThat(atB.firstAfter(back)).as("ms from the server back to the first event at b").isBetween(0L, 4000L);
    }
}
