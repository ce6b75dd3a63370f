package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sleep;

import io.lettuce.core.cluster.SlotHash;
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
import org.feathers4j.sync.redis.RedisClusterTestSupport.PrivateCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Topology changes of a Redis Cluster while 500 events/s are published, on a private cluster per test (3 masters +
 * 3 replicas on free ports, torn down after the test; the shared cluster on 7000-7005 is never touched): the
 * master that owns the key's slot is killed (SIGKILL: its replica is promoted after cluster-node-timeout), or the
 * slot is moved to another master (CLUSTER SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE).
 */
@Tag("broker")
@Tag("slow")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RedisClusterFailoverTest {

    private static final int RATE = 500;

    private PrivateCluster cluster;
    private Application a;
    private Application b;

    @AfterEach
    void tearDown() throws Exception {
        closeAll(a, b);
        if (cluster != null) cluster.close();
    }

    @Test
    void shardedPubSubFollowsAFailoverAndReportsWhatWasLost() throws Exception {
        Recorder atB = failover("", "sharded pub/sub");
        // pub/sub cannot replay what was published while B had no subscription: the loss is reported. Not exactly:
        // messages A re-sends after the failover can reach B after the seq gap was reported (counted "late"), so
        // the gap over-counts by them; nothing is lost silently
        assertThat(atB.missedByGaps()).as("missed by sync-gap >= lost").isGreaterThanOrEqualTo(atB.lost("a", lastSent));
    }

    @Test
    void streamsModeResumesAfterAFailover() throws Exception {
        Recorder atB = failover("?mode=streams", "streams");
        if (atB.gaps().isEmpty()) {
            assertThat(atB.lost("a", lastSent)).as("lost across the failover").isZero();
        } else {
            // only what the dead master acknowledged and had not replicated can be lost: reported, never silent
            assertThat(atB.missedByGaps()).as("missed by sync-gap = lost").isEqualTo(atB.lost("a", lastSent));
        }
    }

    @Test
    void shardedPubSubFollowsASlotMove() throws Exception {
        Recorder atB = reshard("", "sharded pub/sub");
        assertThat(atB.missedByGaps()).as("missed by sync-gap >= lost").isGreaterThanOrEqualTo(atB.lost("a", lastSent));
    }

    @Test
    void streamsModeFollowsASlotMove() throws Exception {
        Recorder atB = reshard("?mode=streams", "streams");
        assertThat(atB.lost("a", lastSent)).as("lost across the slot move").isZero();
        // known defect, not fixed: XADDs in flight at the move wait for the command timeout and are re-added after
        // newer ones, so receivers see them late (a SEQ_GAP is reported, then they arrive): order is not kept here
        assertThat(atB.missedByGaps()).isGreaterThanOrEqualTo(atB.lost("a", lastSent));
    }

    private long lastSent;

    private Recorder failover(String query, String what) throws Exception {
        return scenario(query, what, key -> {
            int master = cluster.masterOf(key);
            cluster.crash(master);
            long t0 = System.nanoTime();
            // a replica is promoted after cluster-node-timeout (2 s), the failure report and an election: about 4 s
            // on a quiet machine, much longer when the cluster bus waits for CPU (load average 30 seen here)
            int promoted = cluster.awaitNewMaster(key, master, 90_000);
            return "killed master :" + master + ", replica :" + promoted + " promoted after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms";
        });
    }

    private Recorder reshard(String query, String what) throws Exception {
        return scenario(query, what, key -> {
            int slot = SlotHash.getSlot(key);
            int from = cluster.masterOf(key);
            int to = from == cluster.base ? cluster.base + 1 : cluster.base;
            to = cluster.masterOf(slotKeyOf(to)); // a master (base and base+1 are masters after create)
            String fromId = cluster.nodeId(from);
            String toId = cluster.nodeId(to);
            cluster.cli(to, "cluster", "setslot", String.valueOf(slot), "importing", fromId);
            cluster.cli(from, "cluster", "setslot", String.valueOf(slot), "migrating", toId);
            int moved = 0;
            while (true) {
                String keys = cluster.cli(from, "cluster", "getkeysinslot", String.valueOf(slot), "100");
                if (keys.isBlank()) break;
                for (String k : keys.split("\n")) {
                    cluster.cli(from, "migrate", "127.0.0.1", String.valueOf(to), k.trim(), "0", "5000");
                    moved++;
                }
            }
            for (int port = cluster.base; port < cluster.base + 6; port++) {
                cluster.cli(port, "cluster", "setslot", String.valueOf(slot), "node", toId);
            }
            return "moved slot " + slot + " (" + moved + " keys) from :" + from + " to :" + to;
        });
    }

    /** A key whose slot the master on {@code port} owns (for finding that master's port again). */
    private String slotKeyOf(int port) throws Exception {
        for (int i = 0; ; i++) {
            String k = "probe-" + i;
            if (cluster.masterOf(k) == port) return k;
        }
    }

    private interface Change {
        String apply(String key) throws Exception;
    }

    private Recorder scenario(String query, String what, Change change) throws Exception {
        cluster = new PrivateCluster();
        String key = uniqueKey("cluster-topology");
        a = app(cluster.uri() + query, key, "sender");
        b = app(cluster.uri() + query, key, "receiver");
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        Recorder atA = DeliveryCheck.record(a);
        Recorder atB = DeliveryCheck.record(b);
        Sender sender = DeliveryCheck.send(a, "a", RATE);
        sleep(2000);
        long atChange = sender.sent();
        long t0 = System.nanoTime();
        String done = change.apply(key);
        await().atMost(Duration.ofSeconds(60)).until(() -> a.sync().state() == SyncState.CONNECTED
                && b.sync().state() == SyncState.CONNECTED && sender.sent() > atChange + RATE);
        long backMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        long afterBack = sender.sent();
        sleep(2000);
        long sent = sender.stop();
        lastSent = sent;
        atA.awaitLast("a", sent, Duration.ofSeconds(30));
        atB.awaitLast("a", sent, Duration.ofSeconds(30));
        sleep(500);
        System.out.printf("%n[cluster %s, %s at %d/s] %s; both CONNECTED and sending %d ms after the change%n"
                        + "  at B: %s, gaps %s%n  at A: %s%n  B counters %s%n", what, done, RATE, done, backMs,
                atB.describe("a", sent), atB.gaps(), atA.describe("a", sent), b.sync().counters());
        for (Recorder r : List.of(atA, atB)) {
            List<Long> got = r.received("a");
            // everything created once both were back is delivered
            for (long n = afterBack + 1; n <= sent; n++) assertThat(got).as("event %d", n).contains(n);
            assertThat(r.duplicates("a")).as(r.describe("a", sent)).isZero();
            assertThat(r.gaps()).allMatch(g -> g.missed() != SyncGap.UNKNOWN || g.reason() == SyncGap.Reason.BROKER_DATA_LOST);
        }
        assertThat(sender.failed()).as("publishes that failed for good").isZero();
        assertThat(a.sync().counters().get("bufferDropped")).isZero();
        return atB;
    }

    private static Application app(String uri, String key, String instance) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(SyncOptions.uri(uri).key(key).instanceId(instance).bufferSize(20_000)
                .option("retryDelayMax", Duration.ofMillis(500)).option("connectTimeout", Duration.ofSeconds(2))));
        return app;
    }
}
