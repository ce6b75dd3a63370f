package org.feathers4j.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.sync.kafka.OutageChecks.millisUntil;
import static org.feathers4j.sync.kafka.OutageChecks.sleep;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Through failures, on a private Kafka node (started once for the class, its own data directory,
 * free ports; never the shared :9092): one receiver's link cut for 10 s (a TCP proxy in front of a
 * listener advertised at the proxy's port) while another instance creates at 500/s, and full
 * outages (the node killed and started again on the same data) of 4 s and 30 s at 20/s and 500/s.
 * Expected everywhere: nothing lost, nothing twice, in order, no gap.
 */
@Tag("broker")
class KafkaOutageTest {

    private static PrivateKafka kafka;
    private OutageChecks checks;

    @BeforeAll
    static void startNode() {
        kafka = new PrivateKafka(1, true).startAll();
    }

    @AfterAll
    static void stopNode() {
        if (kafka != null) kafka.close();
    }

    @BeforeEach
    void nodeUp() throws Exception {
        kafka.start(0); // no-op when running
        kafka.proxy(0).open();
        checks = new OutageChecks("kafka");
    }

    @AfterEach
    void closeApps() {
        checks.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneReceiverCutOffForTenSecondsWhileAnotherCreatesAt500PerSecondMissesNothing() {
        String key = SyncTestApps.uniqueKey("kafka-partial");
        Application a = checks.app(kafka.uri(), key, 10_000);
        Application b = checks.app(kafka.proxiedUri(0), key, 10_000);
        Application c = checks.app(kafka.uri(), key, 10_000);
        DeliveryCheck.Sender sender = DeliveryCheck.send(a, "a", 500);
        sleep(Duration.ofSeconds(2));
        kafka.proxy(0).shut();
        long cutAt = sender.sent();
        long disconnectedMs = millisUntil(() -> b.sync().state() != SyncState.CONNECTED, Duration.ofSeconds(8));
        sleep(Duration.ofSeconds(10));
        long beforeOpen = checks.recorder(b).received("a").size();
        try {
            kafka.proxy(0).open();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        long backMs = millisUntil(() -> checks.recorder(b).received("a").size() > beforeOpen + 10, Duration.ofSeconds(30));
        sleep(Duration.ofSeconds(3));
        long last = sender.stop();
        checks.check("partial 10 s", last, a, List.of(a, b, c));
        System.out.printf("[kafka partial] cut after %d events; b noticed the cut after %d ms, received again %d ms after the "
                + "link was back%n", cutAt, disconnectedMs, backMs);
        assertThat(disconnectedMs).as("b noticed the cut").isNotNegative();
        assertThat(backMs).as("b received again after the link came back").isBetween(0L, 20_000L);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFourSecondOutageAt20PerSecond() {
        outage(Duration.ofSeconds(4), 20, 10_000);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFourSecondOutageAt500PerSecond() {
        outage(Duration.ofSeconds(4), 500, 10_000);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aThirtySecondOutageAt20PerSecond() {
        outage(Duration.ofSeconds(30), 20, 10_000);
    }

    /**
     * 30 s at 500/s, plus the node's own start (about 10 s here) and the clients' return, is about 21,000
     * events held while the node is away: the buffer must hold them (the default holds 10,000).
     */
    @Test
    @Tag("slow")
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aThirtySecondOutageAt500PerSecond() {
        outage(Duration.ofSeconds(30), 500, 40_000);
    }

    private void outage(Duration outage, int rate, int bufferSize) {
        String key = SyncTestApps.uniqueKey("kafka-outage");
        Application a = checks.app(kafka.uri(), key, bufferSize);
        Application b = checks.app(kafka.uri(), key, bufferSize);
        Application c = checks.app(kafka.uri(), key, bufferSize);
        DeliveryCheck.Sender sender = DeliveryCheck.send(a, "a", rate);
        sleep(Duration.ofSeconds(2));
        long t0 = System.nanoTime();
        kafka.stop(0);
        long killedAt = sender.sent();
        long disconnectedMs = millisUntil(() -> a.sync().state() != SyncState.CONNECTED, Duration.ofSeconds(10));
        sleep(outage.minusNanos(System.nanoTime() - t0));
        long t1 = System.nanoTime();
        kafka.start(0);
        long startMs = (System.nanoTime() - t1) / 1_000_000;
        long restartedAt = sender.sent();
        long readyMs = millisUntil(() -> checks.apps().stream().allMatch(x -> x.sync().state() == SyncState.CONNECTED),
                Duration.ofSeconds(40));
        long firstNew = restartedAt + 1;
        long deliveredMs = millisUntil(() -> checks.recorder(b).received("a").contains(firstNew)
                && checks.recorder(c).received("a").contains(firstNew), Duration.ofSeconds(60));
        sleep(Duration.ofSeconds(3));
        long last = sender.stop();
        String what = "outage " + outage.toSeconds() + " s at " + rate + "/s";
        checks.check(what, last, a, List.of(a, b, c));
        System.out.printf("[kafka %s] killed after %d events (a disconnected after %d ms), node up again %d ms after its start "
                        + "(%d events by then); all connected %d ms after that, the first event created after it on b and c "
                        + "%d ms after it%n", what, killedAt, disconnectedMs, startMs, restartedAt, readyMs, deliveredMs);
        assertThat(readyMs).as("connected again after the restart").isBetween(0L, 30_000L);
    }
}
