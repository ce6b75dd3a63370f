package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.record;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncTestApps.Received;
import org.feathers4j.sync.TcpProxy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The default mechanism, a capped collection read with a tailable cursor, against a real MongoDB
 * server ({@value RealMongoDbScenarios#ENV}); SKIPPED without one. The in-process server cannot
 * stand in: it rejects capped collections and ignores tailable cursors.
 */
@Tag("broker")
class TailableOnRealMongoDbTest extends RealMongoDbScenarios {

    @Override
    protected MongoSyncConfig.Mechanism mechanism() {
        return MongoSyncConfig.Mechanism.TAILABLE;
    }

    @Test
    void theCollectionIsCreatedCapped() {
        readyApp();
        Document info = db().listCollections().filter(new Document("name", "events")).first();
        assertThat(info).isNotNull();
        assertThat(info.get("options", Document.class).get("capped")).isEqualTo(true);
    }

    @Test
    void aNonCappedCollectionOfThatNameIsAClearError() {
        MongoDatabase db = db();
        db.createCollection("events");
        Application a = app(o -> { });
        assertThat(a.sync().ready()).failsWithin(Duration.ofSeconds(20))
                .withThrowableThat().withMessageContaining("exists and is not capped").withMessageContaining("polling");
        assertThat(a.sync().state()).isEqualTo(SyncState.FAILED);
    }

    @Test
    void anEmptyCollectionDoesNotStopTheReader() {
        Application a = readyApp(), b = readyApp();
        List<Received> rb = record(b);
        try {
            Thread.sleep(1_000); // cursors on the empty collection die and are made again meanwhile
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        a.service("messages").create(Map.of("text", "first")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);
    }

    /** B's connection is cut (through a TcpProxy to the real server) while A writes: B resumes from its last document. */
    @Test
    void aReaderThatWasAwayGetsWhatWasWrittenMeanwhileExactlyOnce() throws Exception {
        ConnectionString cs = new ConnectionString(serverUri());
        assumeThat(cs.getHosts()).as("a single-host URI, to relay").hasSize(1);
        assumeThat(cs.isSrvProtocol()).isFalse();
        String[] hp = cs.getHosts().get(0).split(":");
        try (TcpProxy relay = new TcpProxy(hp[0], hp.length > 1 ? Integer.parseInt(hp[1]) : 27017)) {
            relay.open();
            Application a = readyApp();
            String viaRelay = uri(database).replaceFirst("://(?<cred>[^@/]*@)?[^/?]+", "://${cred}127.0.0.1:" + relay.port())
                    + (uri(database).contains("?") ? "&" : "?") + "directConnection=true&serverSelectionTimeoutMS=3000";
            Application b = app(o -> o.setUri(viaRelay));
            b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
            List<Received> rb = record(b);
            a.service("messages").create(Map.of("n", 0)).join();
            await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);

            relay.shut();
            await().atMost(Duration.ofSeconds(20)).until(() -> b.sync().state() != SyncState.CONNECTED);
            for (int i = 1; i <= 5; i++) a.service("messages").create(Map.of("n", i)).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().counters().get("published") == 6L);
            relay.open();

            await().atMost(Duration.ofSeconds(30)).until(() -> created(rb).size() == 6);
            assertThat(created(rb)).extracting(d -> (Object) ((Map<?, ?>) d).get("n")).containsExactly(0, 1, 2, 3, 4, 5);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> created(rb).size() == 6);
            assertThat(b.sync().counters().get("gapsGivenUp")).isZero();
        }
    }
}
