package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Node feathers-sync 3.1.1 (nats adapter, @feathersjs/feathers 5) and feathers4j on the shared
 * NATS server see each other's events. The Node peer is {@code interop/node/nats-sync-peer.js}.
 */
@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Process node;
    private Writer toNode;
    private final List<Map<String, Object>> nodeEvents = new CopyOnWriteArrayList<>();
    private final List<String> nodeOutput = new CopyOnWriteArrayList<>();
    private volatile boolean nodeReady;
    private Application java;

    static File nodeDir() {
        String dir = System.getProperty("feathers4j.interop.node");
        if (dir == null) fail("system property feathers4j.interop.node is not set (the parent pom's surefire config sets it)");
        File d = new File(dir);
        if (!new File(d, "node_modules/feathers-sync").isDirectory()) {
            fail("the Node peers are not installed in " + d + ": run `npm ci` there (scripts/services.sh node does)");
        }
        return d;
    }

    @BeforeEach
    void start() throws Exception {
        String uri = NatsTestSupport.natsUri();
        String key = SyncTestApps.uniqueKey("nats");
        File dir = nodeDir();
        try {
            node = new ProcessBuilder("node", "nats-sync-peer.js", uri, key).directory(dir).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("cannot run node (" + e.getMessage() + "); install Node.js (scripts/services.sh node does)");
        }
        toNode = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> readNode(node), "node-peer-reader");
        reader.setDaemon(true);
        reader.start();

        java = SyncTestApps.app();
        java.configure(Sync.of(SyncOptions.uri(uri).key(key)));
        java.sync().ready().orTimeout(10, TimeUnit.SECONDS).join();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> nodeReady || !node.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail("the Node peer did not become ready within 30 s; its output: " + nodeOutput);
        }
        if (!nodeReady) fail("the Node peer exited: " + nodeOutput);
    }

    @SuppressWarnings("unchecked")
    private void readNode(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("READY")) nodeReady = true;
                else if (line.startsWith("EVENT ")) nodeEvents.add(JSON.readValue(line.substring(6), Map.class));
                else nodeOutput.add(line);
            }
        } catch (IOException e) {
            nodeOutput.add("reader: " + e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (java != null && java.hasSync()) java.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        if (node != null) {
            try {
                toNode.write("exit\n");
                toNode.flush();
            } catch (IOException ignored) {
                // already gone
            }
            if (!node.waitFor(5, TimeUnit.SECONDS)) node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void tellNode(String command) throws IOException {
        toNode.write(command + "\n");
        toNode.flush();
    }

    @Test
    @SuppressWarnings("unchecked")
    void nodeReceivesJavaEventsWithTheirContext() {
        java.service("messages").create(Map.of("text", "from java"), new Params().provider("rest").query("q", 1)).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> !nodeEvents.isEmpty());
        Map<String, Object> e = nodeEvents.get(0);
        assertThat(e.get("event")).isEqualTo("created");
        assertThat(e.get("data")).isEqualTo(Map.of("id", 0, "text", "from java"));
        Map<String, Object> ctx = (Map<String, Object>) e.get("context");
        assertThat(ctx.get("method")).isEqualTo("create");
        assertThat(ctx.get("path")).isEqualTo("messages");
        assertThat((Map<String, Object>) ctx.get("params")).containsEntry("provider", "rest");
        assertThat(ctx.get("result")).isEqualTo(Map.of("id", 0, "text", "from java"));
    }

    @Test
    void javaReceivesNodeEventsWithTheirContext() throws Exception {
        List<Received> onJava = SyncTestApps.record(java);
        tellNode("create {\"text\":\"from node\"}");
        await().atMost(Duration.ofSeconds(15)).until(() -> !onJava.isEmpty());
        Received r = onJava.get(0);
        assertThat(r.event()).isEqualTo("created");
        assertThat(r.data()).isEqualTo(Map.of("id", 1000, "text", "from node"));
        assertThat(r.context().isFromSync()).isTrue();
        assertThat(r.context().method()).isEqualTo(Method.CREATE);
        assertThat(r.context().params().provider()).isEqualTo("rest");
        assertThat(r.context().params().extras()).containsEntry("fromNode", true);
        assertThat(r.context().data()).isEqualTo(Map.of("text", "from node"));
        assertThat(java.sync().counters()).containsEntry("dropped", 0L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJavaBurstReachesNodeCompleteAndInOrder() {
        int n = 500;
        for (int i = 0; i < n; i++) java.service("messages").create(Map.of("n", i));
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeEvents.size() >= n);
        List<Integer> got = new ArrayList<>();
        for (Map<String, Object> e : nodeEvents) got.add(((Number) ((Map<String, Object>) e.get("data")).get("n")).intValue());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) expected.add(i);
        assertThat(got).isEqualTo(expected);
    }
}
