package org.feathers4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.feathers4j.demo.internal.EmbeddedRedis;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo as a user runs it: {@link ChatDemo#main} in its own JVM (as {@code scripts/demo.sh}
 * starts it), two of its pages in headless Chromium (driven by {@code interop/node/demo-e2e.js}
 * through playwright-core), then SIGTERM (what Ctrl-C triggers too: the shutdown hook) must stop
 * the instances and the embedded Redis. Screenshots land in {@code target/demo-e2e*.png}; with
 * {@code -Dfeathers4j.demo.docsScreenshot=true} the side-by-side one is also copied to {@code docs/demo.png}
 * (made with {@code -Dfeathers4j.demo.ports=3031,3032,3033}, the default ports; the test uses free ports).
 */
@Tag("broker")
@Timeout(240)
class ChatDemoBrowserTest {

    private static final Pattern URL = Pattern.compile("^\\s+instance (\\d+)\\s+(http://\\S+)$");
    private static final Pattern REDIS = Pattern.compile("redis://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void aMessageTypedOnInstanceOneAppearsLiveOnInstanceThreeAndBack() throws Exception {
        Path nodeDir = Path.of(System.getProperty("feathers4j.interop.node", "../interop/node"));
        if (!Files.isDirectory(nodeDir.resolve("node_modules/playwright-core"))) {
            fail("playwright-core is not installed in " + nodeDir.toAbsolutePath()
                    + ": run scripts/services.sh node (npm ci in interop/node)");
        }
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Path.of(chromium))) {
            fail(chromium + " is missing: run scripts/services.sh chromium (Debian packages chromium and chromium-driver)");
        }
        Path target = Path.of("target").toAbsolutePath();

        Process demo = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                ChatDemo.class.getName(), "--ports", System.getProperty("feathers4j.demo.ports", "0,0,0"))
                .redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    synchronized (output) {
                        output.append(l).append('\n');
                    }
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "demo-output");
        pump.setDaemon(true);
        pump.start();
        try {
            List<String> urls = new ArrayList<>();
            int redisPort = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (urls.size() < 3) {
                String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (l == null) fail("the demo printed no three URLs within 60 s:\n" + output(output));
                Matcher r = REDIS.matcher(l);
                if (l.contains("syncing through") && r.find()) redisPort = Integer.parseInt(r.group(1));
                Matcher m = URL.matcher(l);
                if (m.matches()) urls.add(m.group(2));
            }
            assertThat(redisPort).as("the banner names the embedded Redis").isPositive();
            assertThat(EmbeddedRedis.accepting("127.0.0.1", redisPort)).isTrue();

            Process node = new ProcessBuilder("node", "demo-e2e.js", urls.get(0), urls.get(2), target.toString())
                    .directory(nodeDir.toFile()).redirectErrorStream(true).start();
            String nodeOut;
            boolean done = node.waitFor(150, TimeUnit.SECONDS);
            if (!done) node.destroyForcibly();
            nodeOut = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("demo-e2e.js finished in time:\n" + nodeOut).isTrue();
            assertThat(node.exitValue()).as("demo-e2e.js:\n" + nodeOut + "\ndemo:\n" + output(output)).isZero();
            String resultLine = nodeOut.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT line:\n" + nodeOut));
            JsonNode result = new ObjectMapper().readTree(resultLine.substring("RESULT ".length()));
            System.out.println("demo-e2e: " + result);

            assertThat(result.get("instanceA").asText()).isEqualTo("instance 1");
            assertThat(result.get("instanceB").asText()).isEqualTo("instance 3");
            assertThat(result.get("chipOnB").asText()).isEqualTo("via instance 1");
            assertThat(result.get("chipOnA").asText()).isEqualTo("via instance 1 (here)");
            assertThat(result.get("chipOnAfromB").asText()).isEqualTo("via instance 3");
            assertThat(result.get("historyOnB").asText()).isEqualTo("via instance 1");
            assertThat(result.get("liveChipOnB").asText()).isEqualTo("via instance 1");
            assertThat(result.get("foreignRequests")).as("requests to other hosts").isEmpty();
            assertThat(result.get("consoleErrors")).as("browser console errors").isEmpty();
            for (String png : List.of("demo-e2e.png", "demo-e2e-a.png", "demo-e2e-b.png")) {
                byte[] head = Files.readAllBytes(target.resolve(png));
                assertThat(head).as(png).hasSizeGreaterThan(10_000);
                assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).as(png).isEqualTo("PNG");
            }
            if (Boolean.getBoolean("feathers4j.demo.docsScreenshot")) {
                Path docs = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "docs");
                Files.createDirectories(docs);
                Files.copy(target.resolve("demo-e2e.png"), docs.resolve("demo.png"), StandardCopyOption.REPLACE_EXISTING);
            }

            // Ctrl-C (SIGINT) and SIGTERM both run the shutdown hook. Process.destroy() would also
            // close our end of its output, and we want to read what it prints while stopping.
            assertThat(demo.toHandle().destroy()).as("SIGTERM sent").isTrue();
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
            pump.join(5000);
            assertThat(output(output)).as("exit status " + demo.exitValue())
                    .contains("Stopping the demo...", "Stopped.");
            assertThat(EmbeddedRedis.accepting("127.0.0.1", redisPort)).as("the embedded Redis stopped").isFalse();
            for (String u : urls) {
                assertThat(EmbeddedRedis.accepting("127.0.0.1", URI.create(u).getPort())).as(u + " closed").isFalse();
            }
        } finally {
            if (demo.isAlive()) {
                demo.destroy();
                if (!demo.waitFor(20, TimeUnit.SECONDS)) demo.destroyForcibly();
            }
        }
    }

    private static String output(StringBuilder sb) {
        synchronized (sb) {
            return sb.toString();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
