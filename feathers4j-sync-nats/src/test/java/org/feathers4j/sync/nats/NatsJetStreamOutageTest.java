package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JetStream mode through failures, each on a private {@code nats-server -js} with its own store
 * directory on a free port: one receiver's link cut for 10 s (a TCP proxy) while another instance
 * creates at 500/s, and full outages (the server killed and started again on the same store) of
 * 4 s and 30 s at 20/s and 500/s. Expected everywhere: nothing lost, nothing twice, in order, no gap.
 */
@Tag("broker")
class NatsJetStreamOutageTest {

    private final List<Application> apps = new ArrayList<>();
    private final Map<Application, DeliveryCheck.Recorder> recorders = new ConcurrentHashMap<>();
    private PrivateNatsServer server;
    private Path store;
    private TcpProxy proxy;

    @AfterEach
    void stop() throws IOException {
        for (Application app : apps) {
            if (app.hasSync()) app.sync().close().orTimeout(15, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (proxy != null) proxy.close();
        if (server != null) server.close();
        if (store != null) {
            try (Stream<Path> files = Files.walk(store)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void startServer() throws IOException {
        store = Files.createTempDirectory("feathers4j-js-store-");
        server = PrivateNatsServer.started("-js", "-sd", store.toString());
    }

    private Application app(String uri, String key, int bufferSize) {
        Application app = SyncTestApps.app();
        recorders.put(app, DeliveryCheck.record(app));
        app.configure(Sync.of(SyncOptions.uri(uri + "?mode=jetstream").key(key).bufferSize(bufferSize)));
        apps.add(app);
        app.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        return app;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Milliseconds until the condition holds (polled every 10 ms), or -1 after {@code atMost}. */
    private static long millisUntil(BooleanSupplier condition, Duration atMost) {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < atMost.toNanos()) {
            if (condition.getAsBoolean()) return (System.nanoTime() - t0) / 1_000_000;
            sleep(Duration.ofMillis(10));
        }
        return -1;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void oneReceiverCutOffForTenSecondsWhileAnotherCreatesAt500PerSecondMissesNothing() throws IOException {
        startServer();
        proxy = new TcpProxy("127.0.0.1", server.port());
        proxy.open();
        String key = SyncTestApps.uniqueKey("nats-js-partial");
        Application a = app(server.uri(), key, 10_000);
        Application b = app("nats://127.0.0.1:" + proxy.port(), key, 10_000);
        Application c = app(server.uri(), key, 10_000);
        DeliveryCheck.Sender sender = DeliveryCheck.send(a, "a", 500);
        sleep(Duration.ofSeconds(2));
        proxy.shut();
        long cutAt = sender.sent();
        long disconnectedMs = millisUntil(() -> b.sync().state() != SyncState.CONNECTED, Duration.ofSeconds(5));
        sleep(Duration.ofSeconds(10));
        long beforeOpen = recorders.get(b).received("a").size();
        proxy.open();
        long backMs = millisUntil(() -> recorders.get(b).received("a").size() > beforeOpen + 10, Duration.ofSeconds(30));
        sleep(Duration.ofSeconds(3));
        long last = sender.stop();
        check("partial 10 s", last, a, b, c);
        System.out.printf("[nats js partial] cut after %d events; b noticed the cut after %d ms, received again %d ms after "
                + "the link was back; b consumer reopened %d times%n", cutAt, disconnectedMs, backMs,
                b.sync().counters().get("consumerReopened"));
        assertThat(disconnectedMs).as("b noticed the cut").isNotNegative();
        assertThat(backMs).as("b received again after the link came back").isBetween(0L, 15_000L);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFourSecondOutageAt20PerSecond() throws IOException {
        outage(Duration.ofSeconds(4), 20, 10_000);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFourSecondOutageAt500PerSecond() throws IOException {
        outage(Duration.ofSeconds(4), 500, 10_000);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aThirtySecondOutageAt20PerSecond() throws IOException {
        outage(Duration.ofSeconds(30), 20, 10_000);
    }

    /** 30 s at 500/s is 15,000 events: the publisher's buffer must hold them (the default holds 10,000). */
    @Test
    @Tag("slow")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aThirtySecondOutageAt500PerSecond() throws IOException {
        outage(Duration.ofSeconds(30), 500, 20_000);
    }

    private void outage(Duration outage, int rate, int bufferSize) throws IOException {
        startServer();
        String key = SyncTestApps.uniqueKey("nats-js-outage");
        Application a = app(server.uri(), key, bufferSize);
        Application b = app(server.uri(), key, bufferSize);
        Application c = app(server.uri(), key, bufferSize);
        DeliveryCheck.Sender sender = DeliveryCheck.send(a, "a", rate);
        sleep(Duration.ofSeconds(2));
        server.stop();
        long killedAt = sender.sent();
        sleep(outage);
        server.start();
        long restartedAt = sender.sent();
        long readyMs = millisUntil(() -> apps.stream().allMatch(x -> x.sync().state() == SyncState.CONNECTED),
                Duration.ofSeconds(30));
        long firstNew = restartedAt + 1;
        long deliveredMs = millisUntil(() -> recorders.get(b).received("a").contains(firstNew)
                && recorders.get(c).received("a").contains(firstNew), Duration.ofSeconds(60));
        sleep(Duration.ofSeconds(3));
        long last = sender.stop();
        String what = "outage " + outage.toSeconds() + " s at " + rate + "/s";
        check(what, last, a, b, c);
        System.out.printf("[nats js %s] killed after %d events, back after %d; all connected %d ms after the restart, "
                        + "the first event created after the restart on b and c %d ms after it; a resent %d, duplicates "
                        + "dropped by the server %d%n", what, killedAt, restartedAt, readyMs, deliveredMs,
                a.sync().counters().get("publishResent"), a.sync().counters().get("publishDuplicates"));
        assertThat(readyMs).as("connected again after the restart").isBetween(0L, 15_000L);
    }

    /** Where a number arrived after a higher one: up to 5 places, each with what came before and after. */
    private static String broken(List<Long> got) {
        List<String> out = new ArrayList<>();
        long max = 0;
        for (int i = 0; i < got.size() && out.size() < 5; i++) {
            if (got.get(i) < max) out.add("#" + i + " " + got.subList(Math.max(0, i - 3), Math.min(got.size(), i + 3)));
            max = Math.max(max, got.get(i));
        }
        return String.join("; ", out);
    }

    /** Everything 1..last arrived on b and c once, in order, without a gap; nothing was dropped or failed. */
    private void check(String what, long last, Application a, Application b, Application c) {
        for (Application r : List.of(b, c)) recorders.get(r).awaitLast("a", last, Duration.ofSeconds(60));
        Map<String, Long> ca = a.sync().counters();
        System.out.printf("[nats js %s] a: sent %d, failed creates %d, published %d, publishErrors %d, bufferDropped %d, "
                        + "resent %d, server duplicates %d, dropped from the publisher's queue %d%n", what, last, 0L,
                ca.get("published"), ca.get("publishErrors"), ca.get("bufferDropped"), ca.get("publishResent"),
                ca.get("publishDuplicates"), ca.get("publishDropped"));
        for (Application r : List.of(b, c)) {
            DeliveryCheck.Recorder rec = recorders.get(r);
            String name = r == b ? "b" : "c";
            System.out.printf("[nats js %s] %s: %s; sync duplicates %d, stream skipped %d%n", what, name, rec.describe("a", last),
                    r.sync().counters().get("duplicates"), r.sync().counters().get("streamSkipped"));
            if (rec.outOfOrder("a") > 0) System.out.printf("[nats js %s] %s: order broken at %s%n", what, name, broken(rec.received("a")));
            assertThat(rec.lost("a", last)).as(name + " lost: " + rec.describe("a", last)).isZero();
            assertThat(rec.duplicates("a")).as(name + " duplicates").isZero();
            assertThat(rec.outOfOrder("a")).as(name + " out of order").isZero();
            assertThat(rec.gaps()).as(name + " gaps").isEmpty();
            assertThat(r.sync().counters().get("duplicates")).as(name + ": the stream held nothing twice").isZero();
        }
        assertThat(ca.get("bufferDropped")).isZero();
        assertThat(ca.get("publishDropped")).isZero();
        assertThat(ca.get("publishErrors")).isZero();
    }
}
