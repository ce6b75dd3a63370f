package org.feathers4j.sync.mongodb;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A MongoDB-compatible in-process server (de.bwaldvogel mongo-java-server, memory backend, oplog
 * on so that change streams work) — NOT MongoDB: it has no capped collections and ignores
 * tailable cursors. Bound to 127.0.0.1 on a free port, reached through a small TCP relay that a
 * test can cut ({@link #cut()}) and restore ({@link #restore()}) on the same port to make an
 * outage in which the server keeps its data, as a network failure or a restarted mongod with its
 * data on disk would.
 */
final class InProcessMongo implements AutoCloseable {

    private MongoServer server;
    private final int serverPort;
    private final Relay relay;
    private final Relay second;

    InProcessMongo() throws IOException {
        server = newServer();
        serverPort = server.bind().getPort();
        relay = new Relay(freePort(), serverPort);
        relay.open();
        second = new Relay(freePort(), serverPort);
        second.open();
    }

    private static MongoServer newServer() {
        MongoServer s = new MongoServer(new MemoryBackend());
        s.enableOplog();
        return s;
    }

    /** The connection string clients use (through the relay). */
    String uri(String database) {
        return "mongodb://127.0.0.1:" + relay.port + "/" + database + "?serverSelectionTimeoutMS=3000&connectTimeoutMS=2000";
    }

    /** A second way to the same server, which {@link #cutSecond()} cuts alone (one instance's network fails). */
    String secondUri(String database) {
        return "mongodb://127.0.0.1:" + second.port + "/" + database + "?serverSelectionTimeoutMS=3000&connectTimeoutMS=2000";
    }

    /** Cuts every connection and stops listening: an outage. The server keeps its data. */
    void cut() {
        relay.close();
        second.close();
    }

    /** Listens again on the same ports. */
    void restore() throws IOException {
        relay.open();
        second.open();
    }

    /** Cuts the second way only. */
    void cutSecond() {
        second.close();
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A byte relay 127.0.0.1:port → 127.0.0.1:target. */
    private static final class Relay {
        final int port;
        final int target;
        private volatile ServerSocket listener;
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

        Relay(int port, int target) {
            this.port = port;
            this.target = target;
        }

        synchronized void open() throws IOException {
            if (listener != null) return;
            ServerSocket l = new ServerSocket();
            l.setReuseAddress(true);
            l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = l;
            Thread t = new Thread(() -> accept(l), "relay-accept-" + port);
            t.setDaemon(true);
            t.start();
        }

        private void accept(ServerSocket l) {
            while (!l.isClosed()) {
                try {
                    Socket in = l.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(in);
                    sockets.add(out);
                    pump(in, out);
                    pump(out, in);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                    int n;
                    while ((n = i.read(buf)) >= 0) o.write(buf, 0, n);
                } catch (IOException ignored) {
                    // connection cut
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "relay-pump-" + port);
            t.setDaemon(true);
            t.start();
        }

        synchronized void close() {
            ServerSocket l = listener;
            listener = null;
            if (l != null) closeQuietly(l);
            for (Socket s : sockets) closeQuietly(s);
            sockets.clear();
        }

        private static void closeQuietly(AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing
            }
        }
    }
}
