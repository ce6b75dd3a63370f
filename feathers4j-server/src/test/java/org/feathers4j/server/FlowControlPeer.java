package org.feathers4j.server;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A running {@code interop/node/flow-control.js} (the official socket.io-client). */
final class FlowControlPeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path stderr;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CompletableFuture<Map<String, Object>> result = new CompletableFuture<>();
    private final List<String> output = new ArrayList<>();

    private FlowControlPeer(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "flow-control-peer");
        reader.setDaemon(true);
        reader.start();
    }

    static FlowControlPeer start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", "flow-control.js"));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("flow-control-err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(NodeClient.nodeDir().toFile())
                .redirectError(err.toFile()).start();
        return new FlowControlPeer(p, err);
    }

    @SuppressWarnings("unchecked")
    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                if (line.equals("READY")) ready.countDown();
                if (line.startsWith("RESULT ")) result.complete(JSON.readValue(line.substring(7), Map.class));
            }
            result.completeExceptionally(new IllegalStateException("node ended without a RESULT line"));
        } catch (IOException e) {
            result.completeExceptionally(e);
        }
    }

    void awaitReady(long seconds) throws Exception {
        if (!ready.await(seconds, TimeUnit.SECONDS)) fail("node peer not ready in " + seconds + " s: " + diagnostics());
    }

    Map<String, Object> result(long seconds) throws Exception {
        try {
            return result.get(seconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            return fail("node peer gave no result in " + seconds + " s: " + diagnostics(), e);
        }
    }

    private String diagnostics() throws IOException {
        synchronized (output) {
            return "stdout " + output + ", stderr " + Files.readString(stderr);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }
}
