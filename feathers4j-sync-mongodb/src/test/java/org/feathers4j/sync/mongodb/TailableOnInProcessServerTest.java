package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tailable mechanism's set-up errors on the MongoDB-compatible in-process server (mongo-java-server,
 * not MongoDB): a plain collection where a capped one is needed, and a server that cannot create capped
 * collections (as Amazon DocumentDB): a clear error, not endless retries.
 * The tailable path itself is tested only against a real server ({@link TailableOnRealMongoDbTest}).
 */
@Timeout(60)
class TailableOnInProcessServerTest {

    private static InProcessMongo server;

    @BeforeAll
    static void start() throws Exception {
        server = new InProcessMongo();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNonCappedCollectionOfThatNameIsAClearError() {
        try (com.mongodb.client.MongoClient c = com.mongodb.client.MongoClients.create(server.uri("plain"))) {
            c.getDatabase("plain").createCollection("events");
            Application app = new Application().use("messages", new MemoryService());
            app.configure(Sync.of(SyncOptions.uri(server.uri("plain"))));
            try {
                assertThat(app.sync().ready()).failsWithin(Duration.ofSeconds(20)).withThrowableThat()
                        .withMessageContaining("collection 'events' in database 'plain' exists and is not capped")
                        .withMessageContaining("use mechanism 'polling' or 'change-stream'");
                assertThat(app.sync().state()).isEqualTo(SyncState.FAILED);
                assertThat(app.sync().lastError()).isInstanceOfSatisfying(SyncException.class,
                        e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.CONFIGURATION));
            } finally {
                app.sync().close().join();
            }
        }
    }

    @Test
    void aServerWithoutCappedCollectionsIsAClearError() {
        Application app = new Application().use("messages", new MemoryService());
        app.configure(Sync.of(SyncOptions.uri(server.uri("nocapped"))));
        try {
            assertThat(app.sync().ready()).failsWithin(Duration.ofSeconds(20)).withThrowableThat()
                    .withMessageContaining("cannot create the capped collection 'events'")
                    .withMessageContaining("use mechanism 'polling'");
            assertThat(app.sync().state()).isEqualTo(SyncState.FAILED);
            assertThat(app.sync().lastError()).isInstanceOfSatisfying(SyncException.class,
                    e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.CONFIGURATION));
            // events still reach this instance's own listeners rather than being lost
            java.util.List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            app.service("messages").on("created", (d, c) -> seen.add(d));
            app.service("messages").create(java.util.Map.of("text", "local")).join();
            assertThat(seen).hasSize(1);
        } finally {
            app.sync().close().join();
        }
    }
}
