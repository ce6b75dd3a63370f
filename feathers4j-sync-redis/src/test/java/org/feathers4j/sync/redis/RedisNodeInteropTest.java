package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.field;
import static org.feathers4j.sync.SyncTestApps.record;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Node app with npm feathers-sync 3.1.1 and a feathers4j app on one Redis channel see each other's events. */
@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisNodeInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private Process node;
    private Application java;

    @AfterEach
    void tearDown() throws Exception {
        closeAll(java);
        if (node != null) {
            node.getOutputStream().close();
            if (!node.waitFor(5, TimeUnit.SECONDS)) node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static File nodeDir() {
        String dir = System.getProperty("feathers4j.interop.node");
        if (dir == null) fail("system property feathers4j.interop.node is not set (the parent pom's surefire config sets it)");
        File d = new File(dir);
        if (!new File(d, "node_modules/feathers-sync").isDirectory() || !new File(d, "node_modules/@feathersjs/feathers").isDirectory()) {
            fail("the Node peers are not installed in " + d + ": run `npm ci` there (scripts/services.sh node does it)");
        }
        return d;
    }

    @Test
    @SuppressWarnings("unchecked")
    void nodeAndJavaSeeEachOthersEvents() throws Exception {
        String uri = sharedRedis();
        String key = uniqueKey("node");
        File dir = nodeDir();
        try {
            node = new ProcessBuilder("node", "redis-peer.js", uri, key).directory(dir)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (java.io.IOException e) {
            fail("cannot run node (needed for the interop test; install Node.js 18+): " + e.getMessage());
        }
        List<Map<String, Object>> fromNode = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    try {
                        fromNode.add(JSON.readValue(line, Map.class));
                    } catch (Exception e) {
                        System.err.println("[node] " + line);
                    }
                }
            } catch (Exception e) {
                // the process ended
            }
        }, "node-peer-reader");
        reader.setDaemon(true);
        reader.start();

        java = app(uri, key);
        List<Received> rj = record(java);
        java.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(node.isAlive()).as("node peer is running").isTrue();
            assertThat(fromNode).anySatisfy(m -> assertThat(m).containsEntry("ready", true));
        });
        assertThat(fromNode).noneSatisfy(m -> assertThat(m).containsKey("error"));

        // Java -> Node
        java.service("messages").create(Map.of("text", "from java"), new Params().provider("socketio")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fromNode).anySatisfy(m -> {
            assertThat(m).containsEntry("event", "created").containsEntry("method", "create")
                    .containsEntry("provider", "socketio");
            assertThat((Map<String, Object>) m.get("data")).containsEntry("text", "from java").containsKey("id");
        }));

        // Node -> Java
        OutputStream in = node.getOutputStream();
        in.write("{\"text\":\"from node\"}\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(rj, "text")).contains("from node"));
        int i = field(rj, "text").indexOf("from node");
        assertThat((Map<String, Object>) rj.get(i).data()).containsEntry("from", "node");
        assertThat(rj.get(i).context().method()).isEqualTo(Method.CREATE);
        assertThat(rj.get(i).context().params().provider()).isEqualTo("rest");
        assertThat(rj.get(i).context().isFromSync()).isTrue();
        assertThat(java.sync().counters()).containsEntry("dropped", 0L);
    }
}
