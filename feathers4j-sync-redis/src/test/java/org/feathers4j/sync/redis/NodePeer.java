package org.feathers4j.sync.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.Arrivals;

/**
 * A Node feathers-sync 3.1.1 receiver ({@code interop/node/redis-peer.js}) whose arrivals are timed here, for
 * figures side by side with feathers4j in one run. Optional: {@link #start} returns {@code null} when Node or the
 * peers' {@code node_modules} are not installed (the measuring tests then report feathers4j alone).
 */
final class NodePeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    final Arrivals arrivals;
    private volatile boolean ready;

    private NodePeer(Process process, Arrivals arrivals) {
        this.process = process;
        this.arrivals = arrivals;
    }

    /** Starts a Node receiver of {@code from}'s messages on {@code uri} and {@code key}, or returns null. */
    static NodePeer start(String uri, String key, String from) {
        String dir = System.getProperty("feathers4j.interop.node");
        if (dir == null || !new File(dir, "node_modules/feathers-sync").isDirectory()) {
            System.out.println("[node] no Node peers installed at " + dir + " (npm ci in interop/node, or "
                    + "-Dfeathers4j.interop.node=...): feathers4j figures only");
            return null;
        }
        Process p;
        try {
            p = new ProcessBuilder("node", "redis-peer.js", uri, key).directory(new File(dir))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (java.io.IOException e) {
            System.out.println("[node] cannot run node: " + e.getMessage() + ": feathers4j figures only");
            return null;
        }
        NodePeer peer = new NodePeer(p, new Arrivals("node feathers-sync"));
        Thread reader = new Thread(() -> peer.read(from), "node-peer-reader");
        reader.setDaemon(true);
        reader.start();
        return peer;
    }

    @SuppressWarnings("unchecked")
    private void read(String from) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Map<String, Object> m;
                try {
                    m = JSON.readValue(line, Map.class);
                } catch (Exception e) {
                    continue;
                }
                if (Boolean.TRUE.equals(m.get("ready"))) ready = true;
                if (m.get("data") instanceof Map<?, ?> d && from.equals(d.get("from")) && d.get("n") instanceof Number n) {
                    arrivals.add(n.longValue());
                }
            }
        } catch (java.io.IOException e) {
            // the process ended
        }
    }

    /** Waits until the peer is subscribed. */
    void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!ready) {
            if (System.nanoTime() > deadline || !process.isAlive()) throw new AssertionError("the Node peer did not get ready");
            RedisTestSupport.sleep(20);
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
