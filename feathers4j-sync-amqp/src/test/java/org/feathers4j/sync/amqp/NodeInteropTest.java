package org.feathers4j.sync.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.amqp.AmqpTestSupport.URI;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.HookContext;
import org.feathers4j.Params;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Node feathers-sync 3.1.1 (amqp) and feathers4j on one RabbitMQ exchange see each other's events. */
@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String key = AmqpTestSupport.uniqueKey();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Process node;
    private Application app;

    @BeforeAll
    static void broker() {
        AmqpTestSupport.requireBroker();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.destroy();
            if (!node.waitFor(5, TimeUnit.SECONDS)) node.destroyForcibly();
        }
        if (app != null) app.sync().close().get(10, TimeUnit.SECONDS);
        AmqpTestSupport.deleteExchange(key);
    }

    private Path nodeDir() {
        String dir = System.getProperty("feathers4j.interop.node");
        if (dir == null) fail("system property feathers4j.interop.node is not set (the parent pom sets it for surefire)");
        Path p = Path.of(dir);
        if (!Files.isDirectory(p.resolve("node_modules/feathers-sync"))) {
            fail("the Node peers are not installed in " + p + ": run `npm ci` there (scripts/services.sh node does it)");
        }
        return p;
    }

    private Writer startNode() throws Exception {
        Path dir = nodeDir();
        ProcessBuilder pb = new ProcessBuilder("node", "amqp-peer.js", URI, key).directory(dir.toFile()).redirectErrorStream(true);
        try {
            node = pb.start();
        } catch (java.io.IOException e) {
            fail("could not run node (" + e.getMessage() + "); install Node.js (scripts/services.sh node)");
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    System.out.println("[node] " + line);
                }
            } catch (java.io.IOException ignored) {
                // process ended
            }
        }, "node-reader");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("READY") || !node.isAlive()
                || lines.stream().anyMatch(l -> l.startsWith("FAILED")));
        assertThat(lines).as("node peer output").contains("READY");
        return new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
    }

    private List<Map<String, Object>> nodeEvents() throws Exception {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("EVENT ")) out.add(AmqpSyncTest.map(JSON.readValue(l.substring(6), Map.class)));
        }
        return out;
    }

    @Test
    void javaAndNodeSeeEachOthersEvents() throws Exception {
        app = AmqpTestSupport.app(AmqpTestSupport.options(URI, key));
        app.sync().ready().get(20, TimeUnit.SECONDS);
        List<Received> java = AmqpTestSupport.created(app);
        Writer toNode = startNode();

        // Java -> Node
        app.service("messages").create(Map.of("text", "from java", "n", 1), new Params().provider("socketio").query("room", "a"))
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeEvents().stream()
                .anyMatch(e -> "from java".equals(AmqpSyncTest.map(e.get("data")).get("text"))));
        Map<String, Object> atNode = nodeEvents().stream()
                .filter(e -> "from java".equals(AmqpSyncTest.map(e.get("data")).get("text"))).findFirst().orElseThrow();
        assertThat(atNode).containsEntry("method", "create").containsEntry("path", "messages").containsEntry("provider", "socketio");
        assertThat(AmqpSyncTest.map(atNode.get("query"))).containsEntry("room", "a");

        // Node -> Java
        toNode.write("create {\"text\":\"from node\",\"n\":2}\n");
        toNode.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> AmqpTestSupport.counts(java).containsKey(2L));
        int i = 0;
        while (!(AmqpSyncTest.map(java.get(i).data()).get("n") instanceof Number n && n.intValue() == 2)) i++;
        Map<String, Object> d = AmqpSyncTest.map(java.get(i).data());
        HookContext ctx = java.get(i).context();
        assertThat(d).containsEntry("text", "from node");
        assertThat(ctx.isFromSync()).isTrue();
        assertThat(ctx.method().methodName()).isEqualTo("create");
        assertThat(ctx.params().provider()).isEqualTo("rest");
        assertThat(ctx.params().query()).containsEntry("from", "node");
        // Node got its own event back through the broker, like feathers-sync always does
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeEvents().stream()
                .anyMatch(e -> "from node".equals(AmqpSyncTest.map(e.get("data")).get("text"))));
        assertThat(java.size()).as("one Java event and one Node event, nothing twice").isEqualTo(2);
        assertThat(app.sync().counters()).containsEntry("dropped", 0L);
        toNode.write("exit\n");
        toNode.flush();
    }
}
