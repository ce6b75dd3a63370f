package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.Application;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.nats.internal.JetStreamSyncAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A slow application in JetStream mode: the backlog stays on the server. The receiver's listener
 * takes 20 ms per event while 600 are published; the server's count of messages not yet handed
 * to the receiver's consumer shows that the client holds no more than {@code consumerBatch} ahead.
 */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsJetStreamFlowControlTest {

    private static final int BATCH = 32;
    private final String key = SyncTestApps.uniqueKey("nats-js-flow");
    private Application a;
    private Application b;

    @AfterEach
    void cleanUp() {
        for (Application app : new Application[] {a, b}) {
            if (app != null && app.hasSync()) app.sync().close().orTimeout(15, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        JetStreamTestSupport.deleteStream(JetStreamTestSupport.jsUri(), key);
    }

    @Test
    void aSlowApplicationLeavesTheBacklogOnTheServer() throws Exception {
        SyncOptions options = JetStreamTestSupport.options(key).option("consumerBatch", BATCH);
        a = SyncTestApps.app();
        a.configure(Sync.of(options.copy()));
        b = SyncTestApps.app();
        JetStreamSyncAdapter adapter = (JetStreamSyncAdapter) NatsSync.adapter(options.copy(), NatsSyncConfig.from(options));
        b.configure(Sync.with(adapter, options.copy()));
        AtomicLong handled = new AtomicLong();
        b.service("messages").on("created", (data, ctx) -> {
            sleep(20);
            handled.incrementAndGet();
        });
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();

        int total = 600;
        for (int i = 1; i <= total; i++) a.service("messages").create(Map.of("n", i)).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.sync().counters().get("published") >= 1); // flowing
        await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() >= 20);

        long maxHeld = 0;
        try (Connection c = JetStreamTestSupport.connect(JetStreamTestSupport.jsUri())) {
            for (int probe = 0; probe < 5; probe++) {
                long delivered = adapter.counters().get("streamDelivered");
                ConsumerInfo info = c.jetStreamManagement().getConsumerInfo(adapter.streamName(), adapter.consumerName());
                long stored = c.jetStreamManagement().getStreamInfo(adapter.streamName()).getStreamState().getMsgCount();
                // sent to the client but not yet taken by the reader = stored - still on the server - taken
                long held = stored - info.getNumPending() - delivered;
                maxHeld = Math.max(maxHeld, held);
                System.out.printf("[nats js flow] stored %d, on the server %d, taken by the app %d, held by the client %d%n",
                        stored, info.getNumPending(), delivered, held);
                assertThat(info.getNumPending()).as("a backlog stays on the server").isPositive();
                sleep(300);
            }
        }
        // a batch may be asked for as the previous one is half taken: twice the batch at most, plus one in hand
        assertThat(maxHeld).as("messages held by the client ahead of the application").isLessThanOrEqualTo(2L * BATCH + 1);
        assertThat(handled.get()).as("the application is slow").isLessThan(total);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
