package org.feathers4j.demo.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import redis.embedded.RedisExecProvider;

/**
 * A real Redis server — the 7.0.15 binary that {@code org.signal:embedded-redis} ships — run as a
 * child process of this JVM: bound to one interface, no persistence.
 *
 * <p>The library's own {@code RedisServer} installs a JVM shutdown hook that kills Redis at once,
 * concurrently with the application's hooks, so the instances would lose their broker before they
 * close (and log reconnect attempts while closing). Here the library only provides the binary; the
 * process is started and stopped by this class, whose owner ({@code ChatDemo}) stops it after the
 * instances. Where {@code setsid} exists (Linux), Redis runs in a session of its own, so the
 * terminal's Ctrl-C reaches only the JVM. A JVM killed with SIGKILL runs no hooks and leaves Redis
 * running.
 */
public final class EmbeddedRedis implements AutoCloseable {

    /** The Redis version the library ships. */
    public static final String VERSION = "7.0.15";

    private static final int ATTEMPTS = 3;
    private static final long START_TIMEOUT_SECONDS = 30;
    private static final String READY = "Ready to accept connections";
    private static final Optional<String> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .filter(f -> Files.isExecutable(Path.of(f))).findFirst();

    private final Process process;
    private final String host;
    private final int port;

    private EmbeddedRedis(Process process, String host, int port) {
        this.process = process;
        this.host = host;
        this.port = port;
    }

    /**
     * Starts Redis on this interface and port ({@code 0}: a free port) and waits until it accepts
     * connections.
     *
     * @throws IllegalStateException if it does not start (port taken, binary not runnable here)
     */
    public static EmbeddedRedis start(String host, int port) {
        File binary;
        try {
            binary = RedisExecProvider.defaultProvider().get();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("No Redis binary for this system in org.signal:embedded-redis", e);
        }
        RuntimeException last = null;
        for (int attempt = 0; attempt < (port == 0 ? ATTEMPTS : 1); attempt++) {
            int p = port == 0 ? freePort(host) : port;
            try {
                return new EmbeddedRedis(launch(binary, host, p), host, p);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("Could not start the embedded Redis on " + host + ":" + port
                + " (use --redis-port to pick another port, or --sync to use a running broker): "
                + (last == null ? "" : last.getMessage()), last);
    }

    private static Process launch(File binary, String host, int port) {
        List<String> command = new ArrayList<>();
        // In a session of its own (where setsid exists) Redis does not get the terminal's Ctrl-C:
        // it must outlive the instances, which close first, then stop it.
        SETSID.ifPresent(command::add);
        command.addAll(List.of(binary.getAbsolutePath(), "--port", Integer.toString(port), "--bind", host,
                "--save", "", "--appendonly", "no", "--protected-mode", "yes"));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(binary.getParentFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("Could not run " + binary, e);
        }
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) { // read to the end, so Redis never blocks on a full pipe
                    if (!ready.isDone()) {
                        synchronized (tail) {
                            tail.addLast(line);
                            if (tail.size() > 20) tail.removeFirst();
                        }
                        if (line.contains(READY)) ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("Redis exited"));
        }, "embedded-redis-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return process;
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            String log;
            synchronized (tail) {
                log = String.join(" | ", tail);
            }
            throw new IllegalStateException((e instanceof TimeoutException
                    ? "Redis did not report ready within " + START_TIMEOUT_SECONDS + " s" : "Redis exited")
                    + "; its log: " + log, e);
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting Redis", e);
        }
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
        return process.isAlive();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it; idempotent. */
    @Override
    public void close() {
        stop(process);
    }

    private static void stop(Process process) {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
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

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port on " + host, e);
        }
    }
}
