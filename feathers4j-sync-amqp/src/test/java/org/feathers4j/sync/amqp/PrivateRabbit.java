package org.feathers4j.sync.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.SyncTestApps;

/**
 * A RabbitMQ node of the tests' own (rabbitmq-server on free ports of 127.0.0.1, its data in a
 * temporary directory, no plugins), so that outage tests can stop and start a broker process
 * without touching the shared one. {@link #stop()} stops the process (SIGTERM: RabbitMQ's own
 * orderly shutdown), {@link #start()} starts it again on the same ports and data (durable queues
 * and persistent messages survive). {@link #close()} kills it and deletes its data.
 */
final class PrivateRabbit implements AutoCloseable {

    static final String SERVER = System.getenv().getOrDefault("FEATHERS4J_RABBITMQ_SERVER", "/usr/lib/rabbitmq/bin/rabbitmq-server");
    static final String CTL = System.getenv().getOrDefault("FEATHERS4J_RABBITMQCTL_BIN", "/usr/lib/rabbitmq/bin/rabbitmqctl");

    private final Path dir;
    private final String node;
    private final int port;
    private final int distPort;
    private Process process;

    private PrivateRabbit() throws IOException {
        dir = Files.createTempDirectory("f4j-rabbit-");
        port = SyncTestApps.freePort();
        int d;
        do {
            d = SyncTestApps.freePort();
        } while (d == port);
        distPort = d;
        node = "f4jtest" + port + "@localhost";
        for (String sub : List.of("home", "mnesia", "log", "base")) Files.createDirectories(dir.resolve(sub));
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
    }

    /** Starts a node and waits until it accepts connections; fails the test clearly if it cannot. */
    static PrivateRabbit started() throws IOException {
        if (!Files.isExecutable(Path.of(SERVER))) {
            throw new AssertionError("the broker-restart tests start a private RabbitMQ node with " + SERVER
                    + ", which is not there; install rabbitmq-server or set FEATHERS4J_RABBITMQ_SERVER");
        }
        PrivateRabbit r = new PrivateRabbit();
        try {
            r.start();
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** {@code amqp://guest:guest@127.0.0.1:<port>} (guest may log in from the loopback interface). */
    String uri() {
        return "amqp://guest:guest@127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    private Map<String, String> env(Map<String, String> e) {
        e.put("HOME", dir.resolve("home").toString()); // its own Erlang cookie
        e.put("RABBITMQ_NODENAME", node);
        e.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        e.put("RABBITMQ_NODE_PORT", String.valueOf(port));
        e.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
        e.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        e.put("RABBITMQ_BASE", dir.resolve("base").toString());
        e.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        e.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq").toString());
        e.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        e.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        return e;
    }

    /** Starts the node process and waits (up to 60 s) until it accepts AMQP connections. */
    synchronized void start() {
        if (process != null && process.isAlive()) return;
        ProcessBuilder pb = new ProcessBuilder(SERVER).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").resolve("console.log").toFile());
        env(pb.environment());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + SERVER, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the private RabbitMQ node exited at start (" + process.exitValue() + "); see "
                        + dir.resolve("log"));
            }
            if (accepts()) return;
            sleep(200);
        }
        throw new AssertionError("the private RabbitMQ node did not accept connections within 60 s; see " + dir.resolve("log"));
    }

    /** Stops the node process (orderly: SIGTERM) and waits until it is gone (then kills it). */
    synchronized void stop() {
        Process p = process;
        if (p == null) return;
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : tree) {
            if (h.isAlive()) h.destroyForcibly();
        }
        for (ProcessHandle h : tree) h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> null).join();
        process = null;
    }

    boolean accepts() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(1000);
        try (Connection c = f.newConnection("feathers4j-test-probe")) {
            return c.isOpen();
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs rabbitmqctl against this node. */
    String ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(CTL, "-n", node));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        env(pb.environment());
        try {
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: " + out);
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        stop();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
