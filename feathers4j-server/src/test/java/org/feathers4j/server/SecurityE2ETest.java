package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Origin check and the nesting limit with the official Feathers client
 * ({@code interop/node/server-security.js}): a page of another origin (played with extraHeaders)
 * cannot open a socket over websocket or polling, Node without Origin can, and a 999-deep create
 * is answered with a BadRequest (never a missing ack) and stores nothing.
 */
@Tag("broker")
@Timeout(120)
class SecurityE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private FeathersServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    @Test
    @SuppressWarnings("unchecked")
    void officialClientFromAnotherOriginIsRefusedAndDeepArgumentsGetBadRequest() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).start();
        Map<String, Object> r = run("http://127.0.0.1:" + server.port());
        for (String t : List.of("websocket", "polling")) {
            assertThat((Map<String, Object>) r.get(t + "Evil")).as(t + " from evil.example").containsEntry("connected", false);
            assertThat((Map<String, Object>) r.get(t + "NoOrigin")).as(t + " without Origin").containsEntry("connected", true);
            assertThat((Map<String, Object>) r.get(t + "Deep")).as(t + " 999-deep create")
                    .containsEntry("name", "BadRequest").containsEntry("code", 400);
            assertThat(r.get(t + "Stored")).as(t + " nothing stored").isEqualTo(0);
        }
        assertThat(server.refusedOrigins()).isGreaterThanOrEqualTo(2);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String url) throws Exception {
        Path dir = NodeClient.nodeDir();
        Path out = Files.createTempFile("security-out", ".txt");
        try {
            Process p = new ProcessBuilder("node", "server-security.js", url).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("node server-security.js did not finish in 90 s: " + Files.readString(out));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(stdout).isZero();
            for (String line : stdout.split("\n")) {
                if (line.startsWith("RESULT ")) return JSON.readValue(line.substring(7), Map.class);
            }
            throw new AssertionError("no RESULT line: " + stdout);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
