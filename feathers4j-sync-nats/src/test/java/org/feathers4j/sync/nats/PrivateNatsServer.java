package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.SyncTestApps;

/**
 * A nats-server of the test's own on 127.0.0.1 and a free port, which the test may stop and
 * start again on the same port. The binary is {@code $FEATHERS4J_NATS_SERVER}, else
 * {@code /usr/sbin/nats-server}, else {@code nats-server} on the PATH.
 */
final class PrivateNatsServer implements AutoCloseable {

    private final int port;
    private final List<String> extraArgs;
    private final Path log;
    private Process process;

    PrivateNatsServer(int port, String... extraArgs) {
        this.port = port;
        this.extraArgs = List.of(extraArgs);
        try {
            this.log = Files.createTempFile("feathers4j-nats-" + port + "-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a server on a free port. */
    static PrivateNatsServer started(String... extraArgs) {
        PrivateNatsServer s = new PrivateNatsServer(SyncTestApps.freePort(), extraArgs);
        s.start();
        return s;
    }

    int port() {
        return port;
    }

    String uri() {
        return "nats://127.0.0.1:" + port;
    }

    static String binary() {
        String env = System.getenv("FEATHERS4J_NATS_SERVER");
        if (env != null && !env.isBlank()) return env;
        if (new File("/usr/sbin/nats-server").canExecute()) return "/usr/sbin/nats-server";
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "nats-server");
            if (f.canExecute()) return f.getPath();
        }
        fail("nats-server not found (looked at $FEATHERS4J_NATS_SERVER, /usr/sbin/nats-server and the PATH); "
                + "install it (scripts/services.sh nats does) to run the outage tests");
        return null;
    }

    /** Starts the server and waits until it accepts connections. */
    synchronized void start() {
        if (process != null && process.isAlive()) return;
        List<String> cmd = new ArrayList<>(List.of(binary(), "-a", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start nats-server: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) fail("nats-server exited at start; see " + log);
            if (SyncTestApps.portOpen("127.0.0.1", port)) return;
            sleep(50);
        }
        fail("nats-server did not open port " + port + " within 15 s; see " + log);
    }

    /** Kills the server (as a crash would) and waits until it is gone. */
    synchronized void stop() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) fail("nats-server on port " + port + " did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
