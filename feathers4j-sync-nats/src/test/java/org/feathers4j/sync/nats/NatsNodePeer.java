package org.feathers4j.sync.nats;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.Arrivals;

/**
 * A Node feathers-sync 3.1.1 NATS receiver ({@code interop/node/nats-sync-peer.js}) whose arrivals are timed here,
 * for figures side by side with feathers4j in one run. Optional: {@link #start} returns {@code null} when Node or
 * the peers' {@code node_modules} are not installed (the tests then report feathers4j alone).
 */
final class NatsNodePeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    final Arrivals arrivals = new Arrivals("node feathers-sync");
    private volatile boolean ready;

    private NatsNodePeer(Process process) {
        this.process = process;
    }

    /** Starts a Node receiver of {@code from}'s messages on {@code uri} and {@code key}, or returns null. */
    static NatsNodePeer start(String uri, String key, String from) {
        String dir = System.getProperty("feathers4j.interop.node");
        if (dir == null || !new File(dir, "node_modules/feathers-sync").isDirectory()) {
            System.out.println("[node] no Node peers installed at " + dir + ": feathers4j figures only");
            return null;
        }
        Process p;
        try {
            p = new ProcessBuilder("node", "nats-sync-peer.js", uri, key).directory(new File(dir))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            System.out.println("[node] cannot run node: " + e.getMessage() + ": feathers4j figures only");
            return null;
        }
        NatsNodePeer peer = new NatsNodePeer(p);
        Thread reader = new Thread(() -> peer.read(from), "nats-node-peer-reader");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!peer.ready) {
            if (System.nanoTime() > deadline || !p.isAlive()) throw new AssertionError("the Node peer did not get ready");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return peer;
    }

    @SuppressWarnings("unchecked")
    private void read(String from) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals("READY")) {
                    ready = true;
                    continue;
                }
                if (!line.startsWith("EVENT ")) continue;
                try {
                    Map<String, Object> m = JSON.readValue(line.substring(6), Map.class);
                    if (m.get("data") instanceof Map<?, ?> d && from.equals(d.get("from")) && d.get("n") instanceof Number n) {
                        arrivals.add(n.longValue());
                    }
                } catch (Exception e) {
                    // not an event line
                }
            }
        } catch (java.io.IOException e) {
            // the process ended
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }
}
