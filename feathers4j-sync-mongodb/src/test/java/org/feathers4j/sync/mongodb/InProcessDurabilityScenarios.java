package org.feathers4j.sync.mongodb;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The durability scenarios against the MongoDB-compatible in-process server (mongo-java-server,
 * NOT MongoDB), one per test class; B's link is the server's second relay.
 */
@Tag("slow") // each link-cut run takes ~20 s
abstract class InProcessDurabilityScenarios extends MongoDurabilityScenarios {

    protected static InProcessMongo server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new InProcessMongo();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @Override
    protected String uri(String database) {
        return server.uri(database);
    }

    @Override
    protected String cuttableUri(String database) {
        return server.secondUri(database);
    }

    @Override
    protected void cutOne() {
        server.cutSecond();
    }

    @Override
    protected void restoreOne() throws Exception {
        server.restoreSecond();
    }

    /** mongo-java-server scans whole collections for range queries and change streams: ~160-190 ev/s here. */
    @Override
    protected int rate() {
        return 50;
    }
}
