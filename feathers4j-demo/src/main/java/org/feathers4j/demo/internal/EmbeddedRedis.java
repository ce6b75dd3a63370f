package org.feathers4j.demo.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.embedded.RedisServer;

/**
 * A real Redis server (7.0.15, the binary {@code org.signal:embedded-redis} ships) run as a child
 * process of this JVM: no persistence, bound to one interface. {@link #close()} stops it; a JVM
 * killed without running its shutdown hooks (SIGKILL) leaves it running.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final int ATTEMPTS = 3;
    private static final long START_TIMEOUT_SECONDS = 30;

    private final RedisServer server;
    private final String host;
    private final int port;

    private EmbeddedRedis(RedisServer server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts Redis on this interface and port ({@code 0}: a free port).
     *
     * @throws IllegalStateException if it does not start (port taken, binary not runnable here)
     */
    public static EmbeddedRedis start(String host, int port) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < (port == 0 ? ATTEMPTS : 1); attempt++) {
            int p = port == 0 ? freePort(host) : port;
            RedisServer server = RedisServer.builder()
                    .port(p)
                    .setting("bind " + host)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            try {
                startWithin(server, START_TIMEOUT_SECONDS);
                return new EmbeddedRedis(server, host, p);
            } catch (RuntimeException e) {
                last = e;
                try {
                    server.stop();
                } catch (RuntimeException ignored) {
                    // it did not start
                }
            }
        }
        throw new IllegalStateException("Could not start the embedded Redis on " + host + ":" + port
                + " (use --redis-port to pick another port, or --sync to use a running broker)", last);
    }

    /** The interface it listens on. */
    public String host() { return host; }

    /** The port it listens on. */
    public int port() { return port; }

    /** The URI to sync through, {@code redis://host:port}. */
    public String uri() {
        return "redis://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether the server process runs. */
    public boolean isActive() {
        return server.isActive();
    }

    /** Stops the server process; idempotent. */
    @Override
    public void close() {
        if (server.isActive()) server.stop();
    }

    /** Whether something accepts connections on this host and port (within 500 ms). */
    public static boolean accepting(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code RedisServer.start()} blocks until the server logs that it is ready, without a time
     * limit (and the read is not interruptible): run it aside and give up after a while.
     */
    private static void startWithin(RedisServer server, long seconds) {
        CompletableFuture<Void> started = CompletableFuture.runAsync(server::start, r -> {
            Thread t = new Thread(r, "embedded-redis-start");
            t.setDaemon(true);
            t.start();
        });
        try {
            started.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Redis did not report ready within " + seconds + " s", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting Redis", e);
        }
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port on " + host, e);
        }
    }
}
