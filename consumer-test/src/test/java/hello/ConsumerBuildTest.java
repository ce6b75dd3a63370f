package hello;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.Version;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A user's build: what the README promises holds for a project that imports only the BOM.
 * The instances run as separate JVMs on this build's own class path, started the way a user starts
 * {@link HelloWorld}, and are checked with the official Feathers client.
 */
class ConsumerBuildTest {

    private static final Path DIR = Path.of(System.getProperty("consumer.dir", ".")).toAbsolutePath().normalize();
    private static final Path ROOT = DIR.getParent();
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> syncUris() {
        return Stream.of(System.getProperty("consumer.sync.uris", "redis://127.0.0.1:6379").split(","));
    }

    @Test
    void theReadmeHelloWorldIsThisProgram() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher m = Pattern.compile("<!-- hello-world: consumer-test/src/main/java/hello/HelloWorld.java -->\\s*```java\\n(.*?)```",
                Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README.md has the marked hello world block").isTrue();
        String source = Files.readString(DIR.resolve("src/main/java/hello/HelloWorld.java"));
        assertThat(m.group(1).strip()).isEqualTo(source.strip());
    }

    @Test
    void oneNettyAndOneJacksonInTheVersionsTheProjectIsTestedOn() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String netty = property(parent, "netty.version");
        String jackson = property(parent, "jackson.version");

        Map<String, String> nettyJars = new TreeMap<>();
        Version.identify().forEach((artifact, v) -> nettyJars.put(artifact, v.artifactVersion()));
        assertThat(nettyJars).as("Netty jars on the class path").isNotEmpty();
        assertThat(nettyJars).allSatisfy((artifact, v) -> assertThat(v).as(artifact).isEqualTo(netty));

        assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString()).isEqualTo(jackson);
        assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString()).isEqualTo(jackson);
        assertThat(com.fasterxml.jackson.datatype.jsr310.PackageVersion.VERSION.toString()).isEqualTo(jackson);
        assertThat(com.fasterxml.jackson.datatype.jdk8.PackageVersion.VERSION.toString()).isEqualTo(jackson);
    }

    @ParameterizedTest
    @MethodSource("syncUris")
    void twoInstancesSyncForTheOfficialFeathersClient(String syncUri) throws Exception {
        List<Instance> instances = new ArrayList<>();
        try {
            instances.add(Instance.start(syncUri));
            instances.add(Instance.start(syncUri));
            for (Instance i : instances) i.awaitServing();

            Map<String, Object> seen = runFeathersClient(instances.get(0).url(), instances.get(1).url());

            assertThat(seen.get("eventOnB")).as("the event on B of a create over Socket.IO on A")
                    .isEqualTo(seen.get("createdOnA"));
            assertThat(seen.get("eventOnA")).as("the event on A of a create over REST on B")
                    .isEqualTo(seen.get("createdOnB"));
            for (Instance i : instances) {
                assertThat(i.output()).as("instance log").doesNotContain("ERROR", "Exception", "Error:");
            }
        } finally {
            for (Instance i : instances) i.stop();
        }
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        if (!m.find()) fail("no <" + name + "> in the parent pom");
        return m.group(1).trim();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runFeathersClient(String urlA, String urlB) throws Exception {
        Path nodeModules = ROOT.resolve("interop/node/node_modules");
        if (!Files.isDirectory(nodeModules.resolve("@feathersjs/socketio-client"))) {
            fail("the official Feathers client is missing: run scripts/services.sh (it runs npm ci in interop/node)");
        }
        ProcessBuilder pb = new ProcessBuilder("node", DIR.resolve("feathers-client-check.js").toString(), urlA, urlB)
                .redirectErrorStream(true);
        pb.environment().put("NODE_PATH", nodeModules.toString());
        Process p = pb.start();
        String out;
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the Feathers client check did not finish in 60 s");
        }
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("feathers-client-check.js exit code; output:\n" + out).isZero();
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) return JSON.readValue(line.substring(7), Map.class);
        }
        return fail("the Feathers client check printed no RESULT: " + out);
    }

    /** One HelloWorld JVM, started as a user would: java -cp <the build's class path> hello.HelloWorld. */
    private static final class Instance {
        private final Process process;
        private final Path log;
        private final int port;

        private Instance(Process process, Path log, int port) {
            this.process = process;
            this.log = log;
            this.port = port;
        }

        static Instance start(String syncUri) throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path log = Files.createTempFile("hello-world-" + port, ".log");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    HelloWorld.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("PORT", Integer.toString(port));
            pb.environment().put("HOST", "127.0.0.1");
            pb.environment().put("SYNC_URI", syncUri);
            return new Instance(pb.start(), log, port);
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        String output() throws IOException {
            return Files.readString(log);
        }

        /** Until its REST answers (it starts serving only once sync is ready), or fails with its log. */
        void awaitServing() throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) fail("HelloWorld exited (" + process.exitValue() + "):\n" + output());
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/messages")).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) return;
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            fail("HelloWorld did not serve within 45 s:\n" + output());
        }

        void stop() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }
}
