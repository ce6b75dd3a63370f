package org.feathers4j.sync.kafka;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.TcpProxy;

/**
 * Kafka nodes of the test's own (KRaft, each broker and controller in one process) on 127.0.0.1
 * and free ports, started with {@code scripts/kafka.sh run} (the same script services.sh uses), each
 * with its own data directory: one node, or a quorum of three. A node may be stopped (killed, as a
 * crash) and started again on the same ports and data. Every process is killed at {@link #close()},
 * and by a JVM shutdown hook if the test JVM ends first; the data directories are deleted at close.
 *
 * <p>Each node can have a second listener, {@code PROXIED}, whose advertised port is a
 * {@link org.feathers4j.sync.TcpProxy}'s: Kafka clients connect to the advertised address after
 * bootstrapping, so a client that bootstraps through the proxy stays on it, while others use the
 * plain listener.
 */
final class PrivateKafka implements AutoCloseable {

    private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALIVE.forEach(Process::destroyForcibly), "private-kafka-cleanup"));
    }

    private final int[] ports;
    private final int[] controllerPorts;
    private final int[] proxiedPorts;
    private final TcpProxy[] proxies;
    private final Path root;
    private final String voters;
    private final Process[] processes;
    private final int[] saslPorts;
    private final List<String> extra = new ArrayList<>();

    /**
     * {@code n} nodes (1 or 3); with {@code proxied}, node i also has a PROXIED listener reached
     * through {@link #proxy(int)} (opened here) and advertised at the proxy's port.
     */
    PrivateKafka(int n, boolean proxied) {
        ports = new int[n];
        controllerPorts = new int[n];
        proxiedPorts = new int[n];
        proxies = proxied ? new TcpProxy[n] : null;
        for (int i = 0; i < n; i++) {
            ports[i] = SyncTestApps.freePort();
            controllerPorts[i] = SyncTestApps.freePort();
            proxiedPorts[i] = SyncTestApps.freePort();
            if (proxied) {
                try {
                    proxies[i] = new TcpProxy("127.0.0.1", proxiedPorts[i]);
                    proxies[i].open();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        voters = IntStream.range(0, n).mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i]).collect(Collectors.joining(","));
        processes = new Process[n];
        saslPorts = new int[n];
        try {
            root = Files.createTempDirectory("feathers4j-kafka-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A single node that also has a SASL/PLAIN listener ({@link #saslUri}) with these users (name to
     * password) and the standard authorizer: the {@code superUser} may do anything, every other user
     * only what an ACL allows (none are made). Call before {@link #startAll()}.
     */
    PrivateKafka withSaslAndAcls(java.util.Map<String, String> users, String superUser) {
        if (ports.length != 1 || proxies != null) throw new IllegalStateException("SASL: one node without proxy only");
        saslPorts[0] = SyncTestApps.freePort();
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((u, pw) -> jaas.append(" user_").append(u).append("=\"").append(pw).append("\""));
        jaas.append(';');
        extra.add("listeners=PLAINTEXT://127.0.0.1:" + ports[0] + ",SASL_PLAINTEXT://127.0.0.1:" + saslPorts[0]
                + ",CONTROLLER://127.0.0.1:" + controllerPorts[0]);
        extra.add("advertised.listeners=PLAINTEXT://127.0.0.1:" + ports[0] + ",SASL_PLAINTEXT://127.0.0.1:" + saslPorts[0]);
        extra.add("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        extra.add("sasl.enabled.mechanisms=PLAIN");
        extra.add("listener.name.sasl_plaintext.plain.sasl.jaas.config=" + jaas);
        extra.add("authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // the plain and controller listeners (the node itself, the test's admin) are ANONYMOUS
        extra.add("super.users=User:ANONYMOUS;User:" + superUser);
        return this;
    }

    /** {@code kafka://user:password@127.0.0.1:<sasl port>} (after {@link #withSaslAndAcls}). */
    String saslUri(String user, String password) {
        return "kafka://" + user + ":" + password + "@127.0.0.1:" + saslPorts[0];
    }

    /** Starts every node and waits until each accepts connections. */
    PrivateKafka startAll() {
        for (int i = 0; i < ports.length; i++) launch(i);
        for (int i = 0; i < ports.length; i++) awaitUp(i);
        return this;
    }

    int size() {
        return ports.length;
    }

    int port(int node) {
        return ports[node];
    }

    /** The proxy in front of node i's PROXIED listener (only when made with {@code proxied}). */
    TcpProxy proxy(int node) {
        return proxies[node];
    }

    /** {@code kafka://127.0.0.1:<proxy port>} of node i: a client bootstrapped here stays on the proxy. */
    String proxiedUri(int node) {
        return "kafka://127.0.0.1:" + proxies[node].port();
    }

    /** {@code kafka://127.0.0.1:p1,127.0.0.1:p2,...} */
    String uri() {
        return "kafka://" + IntStream.of(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    Path log(int node) {
        return root.resolve("node" + (node + 1)).resolve("kafka.log");
    }

    static String script() {
        String s = System.getProperty("feathers4j.kafka.script");
        if (s == null || !new File(s).isFile()) {
            fail("scripts/kafka.sh not found (system property feathers4j.kafka.script = " + s + "); run the tests through Maven");
        }
        return s;
    }

    private synchronized void launch(int i) {
        if (processes[i] != null && processes[i].isAlive()) return;
        Path dir = root.resolve("node" + (i + 1));
        List<String> cmd = new ArrayList<>(List.of("bash", script(), "run", dir.toString(), String.valueOf(i + 1),
                String.valueOf(ports[i]), String.valueOf(controllerPorts[i]), voters));
        cmd.addAll(extra);
        if (proxies != null) {
            cmd.add("listeners=PLAINTEXT://127.0.0.1:" + ports[i] + ",PROXIED://127.0.0.1:" + proxiedPorts[i]
                    + ",CONTROLLER://127.0.0.1:" + controllerPorts[i]);
            cmd.add("advertised.listeners=PLAINTEXT://127.0.0.1:" + ports[i] + ",PROXIED://127.0.0.1:" + proxies[i].port());
            cmd.add("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT,CONTROLLER:PLAINTEXT");
        }
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile()));
            // small and quick to start: several nodes share this 2-core machine with the tests
            pb.environment().put("KAFKA_HEAP", "-Xmx256m -Xms64m");
            pb.environment().put("KAFKA_JVM_OPTS", "-XX:TieredStopAtLevel=1");
            processes[i] = pb.start();
            ALIVE.add(processes[i]);
        } catch (IOException e) {
            throw new IllegalStateException("could not start Kafka node " + (i + 1) + ": " + e.getMessage(), e);
        }
    }

    private void awaitUp(int i) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Process p = processes[i];
            if (p == null || !p.isAlive()) fail("Kafka node " + (i + 1) + " exited at start; see " + log(i));
            if (SyncTestApps.portOpen("127.0.0.1", ports[i])) return;
            sleep(100);
        }
        fail("Kafka node " + (i + 1) + " did not open port " + ports[i] + " within 90 s; see " + log(i));
    }

    /** Starts node i again (same ports and data) and waits until it accepts connections. */
    void start(int i) {
        launch(i);
        awaitUp(i);
    }

    /** Kills node i (as a crash would) and waits until it is gone. */
    synchronized void stop(int i) {
        Process p = processes[i];
        if (p == null) return;
        p.destroyForcibly();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) fail("Kafka node " + (i + 1) + " did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ALIVE.remove(p);
        processes[i] = null;
    }

    @Override
    public void close() {
        for (int i = 0; i < processes.length; i++) stop(i);
        if (proxies != null) for (TcpProxy p : proxies) p.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files; nothing else to do
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
