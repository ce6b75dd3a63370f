package org.feathers4j.sync.mongodb;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.TcpProxy;

/**
 * A MongoDB-compatible in-process server (de.bwaldvogel mongo-java-server, memory backend, oplog
 * on so that change streams work) — NOT MongoDB: it has no capped collections and ignores
 * tailable cursors. Bound to 127.0.0.1 on a free port, reached through {@link TcpProxy}s that a
 * test can cut ({@link #cut()}) and restore ({@link #restore()}) on the same port to make an
 * outage in which the server keeps its data, as a network failure or a restarted mongod with its
 * data on disk would.
 */
final class InProcessMongo implements AutoCloseable {

    private MongoServer server;
    private final int serverPort;
    private final TcpProxy relay;
    private final TcpProxy second;

    InProcessMongo() throws IOException {
        server = newServer();
        serverPort = SyncTestApps.freePort();
        server.bind("127.0.0.1", serverPort);
        relay = new TcpProxy("127.0.0.1", serverPort);
        relay.open();
        second = new TcpProxy("127.0.0.1", serverPort);
        second.open();
    }

    private static MongoServer newServer() {
        MongoServer s = new MongoServer(new MemoryBackend());
        s.enableOplog();
        return s;
    }

    /** The connection string clients use (through the proxy). */
    String uri(String database) {
        return "mongodb://127.0.0.1:" + relay.port() + "/" + database + "?serverSelectionTimeoutMS=3000&connectTimeoutMS=2000";
    }

    /** A second way to the same server, which {@link #cutSecond()} cuts alone (one instance's network fails). */
    String secondUri(String database) {
        return "mongodb://127.0.0.1:" + second.port() + "/" + database + "?serverSelectionTimeoutMS=3000&connectTimeoutMS=2000";
    }

    /** Cuts every connection and stops listening: an outage. The server keeps its data. */
    void cut() {
        relay.shut();
        second.shut();
    }

    /** Listens again on the same ports. */
    void restore() throws IOException {
        relay.open();
        second.open();
    }

    /** Cuts the second way only. */
    void cutSecond() {
        second.shut();
    }

    /** Restores the second way. */
    void restoreSecond() throws IOException {
        second.open();
    }

    /** Restarts the server itself on the same internal port: all its data is lost. */
    void restartLosingData() {
        cut();
        server.shutdownNow();
        server = newServer();
        server.bind("127.0.0.1", serverPort);
        try {
            restore();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        cut();
        server.shutdownNow();
    }
}
