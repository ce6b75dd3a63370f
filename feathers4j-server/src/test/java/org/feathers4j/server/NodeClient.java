package org.feathers4j.server;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs interop/node/server-e2e.js (the official Feathers clients) and returns what it observed. */
final class NodeClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeClient() {
    }

    static Path nodeDir() {
        String dir = System.getProperty("feathers4j.interop.node");
        if (dir == null) fail("system property feathers4j.interop.node is not set (the parent pom sets it)");
        Path p = Path.of(dir);
        if (!Files.isDirectory(p.resolve("node_modules/@feathersjs/socketio-client"))) {
            fail("Node peers missing: run `npm ci` in " + p + " (scripts/services.sh does it)");
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> run(String scenario, String mode, String... urls) throws Exception {
        Path dir = nodeDir();
        List<String> cmd = new ArrayList<>(List.of("node", "server-e2e.js", scenario, mode));
        cmd.addAll(List.of(urls));
        Path out = Files.createTempFile("e2e-out", ".txt");
        Path err = Files.createTempFile("e2e-err", ".txt");
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(dir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                return fail("could not start node (is Node.js installed?): " + e.getMessage());
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("node " + scenario + " " + mode + " did not finish in 120 s; stderr: " + Files.readString(err));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) fail("node " + scenario + " " + mode + " failed (" + p.exitValue() + "): " + stderr + stdout);
            for (String line : stdout.split("\n")) {
                if (line.startsWith("RESULT ")) return JSON.readValue(line.substring(7), Map.class);
            }
            return fail("node printed no RESULT line: " + stdout + stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
