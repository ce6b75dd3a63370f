package org.feathers4j.sync.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.DeliveryCheck.Recorder;
import org.feathers4j.sync.DeliveryCheck.Sender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16, full outage: the broker process stopped and started again while instance A creates at
 * 20/s or 500/s and A, B and C receive. The broker is a private RabbitMQ node of this class
 * ({@link PrivateRabbit}); the shared one is not touched. Durable queues and persistent messages
 * (the default): nothing lost, nothing duplicated, per-origin order.
 */
@Tag("broker")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AmqpBrokerRestartTest {

    private static PrivateRabbit rabbit;
    private final List<Application> apps = new ArrayList<>();
    private String key;

    @BeforeAll
    static void startNode() throws Exception {
        rabbit = PrivateRabbit.started();
    }

    @AfterAll
    static void stopNode() {
        if (rabbit != null) rabbit.close();
    }

    @BeforeEach
    void newKey() {
        key = AmqpTestSupport.uniqueKey();
        rabbit.start(); // after a test that failed while it was down
    }

    @AfterEach
    void cleanUp() {
        AmqpTestSupport.closeAll(apps);
    }

    private Application started() throws Exception {
        // the buffer must hold what A creates during the outage (30 s at 500/s)
        Application a = AmqpTestSupport.app(AmqpTestSupport.options(rabbit.uri(), key).bufferSize(50_000));
        apps.add(a);
        a.sync().ready().get(20, TimeUnit.SECONDS);
        return a;
    }

    private void outage(int seconds, int rate) throws Exception {
        Application a = started();
        Application b = started();
        Application c = started();
        List<Recorder> rs = List.of(DeliveryCheck.record(a), DeliveryCheck.record(b), DeliveryCheck.record(c));
        Sender sender = DeliveryCheck.send(a, "a", rate);
        long last;
        long stopMs;
        long startMs;
        long backMs;
        try {
            Thread.sleep(2000);
            long t0 = System.nanoTime();
            rabbit.stop();
            stopMs = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(seconds * 1000L);
            long t1 = System.nanoTime();
            rabbit.start();
            startMs = (System.nanoTime() - t1) / 1_000_000;
            long up = System.nanoTime();
            int before = rs.get(1).received("a").size();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> rs.get(1).received("a").size() > before);
            backMs = (System.nanoTime() - up) / 1_000_000;
            Thread.sleep(3000);
        } finally {
            last = sender.stop();
        }
        for (Recorder r : rs) r.awaitLast("a", last, Duration.ofSeconds(40));
        Thread.sleep(500); // late duplicates, if any, would show now
        String[] names = {"a (sender)", "b", "c"};
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            report.append(String.format("%n  %-10s %s; sync dropped %d duplicate(s); redelivered %d; reconnects %d", names[i],
                    rs.get(i).describe("a", last), apps.get(i).sync().counters().get("duplicates"),
                    apps.get(i).sync().counters().get("redelivered"), apps.get(i).sync().counters().get("reconnects")));
        }
        System.out.printf("BROKER RESTART (private node stopped %d s, at %d/s): stopping took %d ms, starting %d ms; b received"
                        + " again %d ms after the node accepted connections; a re-sent %d, bufferDropped %d%s%n", seconds, rate, stopMs,
                startMs, backMs, apps.get(0).sync().counters().get("resent"), apps.get(0).sync().counters().get("bufferDropped"),
                report);
        for (Recorder r : rs) {
            assertThat(r.lost("a", last)).as(r.describe("a", last)).isZero();
            assertThat(r.duplicates("a")).as(r.describe("a", last)).isZero();
            assertThat(r.outOfOrder("a")).as(r.describe("a", last)).isZero();
            assertThat(r.gaps()).isEmpty();
        }
        assertThat(sender.failed()).isZero();
        for (Application x : apps) {
            assertThat(x.sync().state()).isEqualTo(SyncState.CONNECTED);
            assertThat(x.sync().counters().get("reconnects")).as("the broker really went away").isPositive();
        }
        assertThat(backMs).as("received again within a generous bound after the broker is back").isLessThan(15_000);
    }

    @Test
    void stopped4sAt20PerSecond() throws Exception {
        outage(4, 20);
    }

    @Test
    void stopped4sAt500PerSecond() throws Exception {
        outage(4, 500);
    }

    @Test
    @Tag("slow")
    void stopped30sAt20PerSecond() throws Exception {
        outage(30, 20);
    }

    @Test
    @Tag("slow")
    void stopped30sAt500PerSecond() throws Exception {
        outage(30, 500);
    }
}
