package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, findings 5, 6 and the server items of 7, over raw HTTP, raw sockets and raw websocket
 * frames (the JDK's clients): the nesting limit, 413, the idle timeout, the Origin check, symlinks
 * out of the static root, and malformed packets logged without their payload.
 */
@Timeout(60)
class InputLimitsAndOriginTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FeathersServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop();
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String s) throws Exception {
        return JSON.readValue(s, Map.class);
    }

    /** {"a":{"a":...{"a":1}}} with {@code depth} objects. */
    static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{\"a\":1}" + "}".repeat(depth - 1);
    }

    private int stored() throws Exception {
        HttpResponse<String> all = send("GET", "/messages", null);
        assertThat(all.statusCode()).isEqualTo(200);
        return ((List<?>) JSON.readValue(all.body(), List.class)).size();
    }

    // ---- finding 5: nesting ----

    @Test
    void restBodyDeeperThanTheLimitIsRefusedAndNotStored() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).start();
        HttpResponse<String> deep = send("POST", "/messages", nested(999));
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(json(deep.body())).containsEntry("name", "BadRequest");
        assertThat((String) json(deep.body()).get("message")).contains("nested deeper than 64");
        assertThat(send("POST", "/messages", nested(65)).statusCode()).isEqualTo(400);
        assertThat(stored()).isZero();
        assertThat(send("POST", "/messages", nested(64)).statusCode()).isEqualTo(201);
        assertThat(stored()).isOne();
    }

    @Test
    void theLimitIsConfigurable() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).maxJsonDepth(8).start();
        assertThat(send("POST", "/messages", nested(9)).statusCode()).isEqualTo(400);
        assertThat(send("POST", "/messages", nested(8)).statusCode()).isEqualTo(201);
    }

    @Test
    void socketCallWithTooDeepArgumentsGetsAnErrorAckAndStoresNothing() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).start();
        try (RawSocket ws = RawSocket.open(server.port(), null)) {
            ws.send("421[\"create\",\"messages\"," + nested(999) + "]");
            String ack = ws.next(p -> p.startsWith("431"));
            Map<String, Object> error = json(ack.substring(ack.indexOf('[') + 1, ack.lastIndexOf(']')));
            assertThat(error).containsEntry("name", "BadRequest").containsEntry("code", 400);
            assertThat((String) error.get("message")).contains("nested deeper than 64");
            // the connection keeps working, and nothing was stored
            ws.send("422[\"create\",\"messages\"," + nested(64) + "]");
            assertThat(ws.next(p -> p.startsWith("432"))).startsWith("432[null,");
        }
        assertThat(stored()).isOne();
        assertThat(server.refusedPackets()).isOne();
    }

    @Test
    void aResultTooDeepToWriteAnswersAnErrorAndLogsOneShortLine() throws Exception {
        Application app = TestApps.create();
        app.use("deep", new Service() {
            @Override
            public CompletionStage<Object> get(Object id, Params params) {
                Map<String, Object> m = new LinkedHashMap<>();
                Map<String, Object> cur = m;
                for (int i = 0; i < 1500; i++) {
                    Map<String, Object> next = new LinkedHashMap<>();
                    cur.put("a", next);
                    cur = next;
                }
                return CompletableFuture.completedFuture(m);
            }
        });
        server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        String log = captureStderr(() -> {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = send("GET", "/deep/1", null);
                assertThat(r.statusCode()).isEqualTo(500);
                assertThat(json(r.body())).containsEntry("name", "GeneralError");
                assertThat((String) json(r.body()).get("message")).startsWith("The result of get cannot be written as JSON");
            }
        });
        assertThat(log.lines().filter(l -> l.contains("cannot be written as JSON")).count()).isEqualTo(3);
        assertThat(log.length()).as("no stack, no reference chain").isLessThan(3 * 1_000);
    }

    // ---- finding 7 (server): 413, idle timeout ----

    @Test
    void bodyOverTheLimitGets413WithFeathersErrorJson() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).maxPayloadBytes(4096).start();
        HttpResponse<String> r = send("POST", "/messages", "{\"text\":\"" + "x".repeat(10_000) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r.body())).containsEntry("name", "PayloadTooLarge").containsEntry("code", 413)
                .containsEntry("className", "payload-too-large");
        assertThat(stored()).isZero();
        assertThat(send("POST", "/messages", "{\"text\":\"fits\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).idleTimeoutMs(500).start();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /messages HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(readResponseHead(in)).startsWith("HTTP/1.1 200");
            long t0 = System.nanoTime();
            assertThat(drainUntilClosed(in)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(300L, 5_000L);
        }
    }

    @Test
    void secondRequestTricklingInIsCutOff() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).idleTimeoutMs(1_000).start();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("GET /messages HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponseHead(in)).startsWith("HTTP/1.1 200");
            byte[] slow = ("POST /messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 40\r\n\r\n{\"text\":\"slow\"          ").getBytes(StandardCharsets.US_ASCII);
            long t0 = System.nanoTime();
            boolean cut = false;
            for (byte b : slow) { // one byte every 100 ms: a read-idle timer would never fire
                try {
                    out.write(b);
                    out.flush();
                } catch (java.io.IOException e) {
                    cut = true;
                    break;
                }
                s.setSoTimeout(100);
                try {
                    if (in.read() == -1) {
                        cut = true;
                        break;
                    }
                } catch (SocketTimeoutException e) {
                    // still open: go on trickling
                }
            }
            assertThat(cut).as("the server closed the trickling connection").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(800L, 6_000L);
        }
        assertThat(stored()).isZero();
    }

    // ---- finding 6: Origin ----

    @Test
    void socketIoRequestsFromOtherOriginsAreRefusedBeforeTheHandshake() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0)
                .corsOrigins("https://app.example").start();
        String handshake = "/socket.io/?EIO=4&transport=polling";
        HttpResponse<String> evil = send("GET", handshake, null, "Origin", "https://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(json(evil.body())).containsEntry("name", "Forbidden");
        assertThat(send("GET", handshake, null).statusCode()).as("no Origin: not a browser").isEqualTo(200);
        assertThat(send("GET", handshake, null, "Origin", "http://127.0.0.1:" + server.port()).statusCode())
                .as("same origin").isEqualTo(200);
        assertThat(send("GET", handshake, null, "Origin", "https://app.example").statusCode())
                .as("configured origin").isEqualTo(200);
        assertThat(send("GET", handshake, null, "Origin", "http://127.0.0.1:1").statusCode())
                .as("same host, other port").isEqualTo(403);

        CompletionException refused = org.assertj.core.api.Assertions.catchThrowableOfType(CompletionException.class,
                () -> RawSocket.open(server.port(), "https://evil.example"));
        assertThat(refused).as("websocket upgrade from evil.example").isNotNull();
        assertThat(refused.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
        assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                .isEqualTo(403);
        try (RawSocket ok = RawSocket.open(server.port(), "https://app.example")) {
            ok.send("421[\"find\",\"messages\"]");
            assertThat(ok.next(p -> p.startsWith("431"))).startsWith("431[null,");
        }
        assertThat(server.refusedOrigins()).isEqualTo(3);
        // REST is not Socket.IO: CORS governs it, as before
        assertThat(send("GET", "/messages", null, "Origin", "https://evil.example").statusCode()).isEqualTo(200);
    }

    // ---- finding 7 (server): static symlinks ----

    @Test
    void symlinkInsideTheRootPointingOutsideIsNotServed(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectory(tmp.resolve("public"));
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "top secret");
        Files.writeString(root.resolve("inside.txt"), "public text");
        Files.createSymbolicLink(root.resolve("leak.txt"), secret);
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("inside.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), tmp);
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0)
                .staticFiles(root.toString()).start();
        assertThat(send("GET", "/leak.txt", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/outdir/secret.txt", null).statusCode()).isEqualTo(404);
        HttpResponse<String> alias = send("GET", "/alias.txt", null);
        assertThat(alias.statusCode()).as("a link that stays inside the root").isEqualTo(200);
        assertThat(alias.body()).isEqualTo("public text");
        assertThat(send("GET", "/inside.txt", null).body()).isEqualTo("public text");
    }

    // ---- finding 7 (server): malformed packets ----

    @Test
    void malformedPacketsAreLoggedAtWarnWithoutPayloadAndRateLimited() throws Exception {
        server = FeathersServer.create(TestApps.create()).host("127.0.0.1").port(0).start();
        String secret = "hunter2-" + "s3cr3t";
        String log = captureStderr(() -> {
            try (RawSocket ws = RawSocket.open(server.port(), null)) {
                for (int i = 0; i < 30; i++) {
                    ws.send("42" + (10 + i) + "[\"create\",\"messages\",{\"password\":\"" + secret + "\"");
                }
                ws.send("4x{\"password\":\"" + secret + "\"}");
                ws.send("9" + secret);
                for (int i = 0; i < 30; i++) {
                    String ack = ws.next(p -> p.startsWith("43"));
                    assertThat(ack).contains("BadRequest").doesNotContain(secret);
                }
                ws.send("4299[\"find\",\"messages\"]");
                assertThat(ws.next(p -> p.startsWith("4399"))).startsWith("4399[null,");
            }
            // and over long-polling: one POST with several packets
            String sid = pollingSession();
            HttpResponse<String> post = send("POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid,
                    "42[\"create\",\"messages\",{\"password\":\"" + secret + "\"\u001e42[\"x\",{" + secret,
                    "Content-Type", "text/plain;charset=UTF-8");
            assertThat(post.statusCode()).isEqualTo(200);
            // the library answers a polling POST before its packets are handled
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.refusedPackets() == 34);
        });
        assertThat(log).doesNotContain(secret).doesNotContain("ERROR");
        long lines = log.lines().filter(l -> l.contains("Socket.IO packet refused")).count();
        assertThat(lines).isBetween(1L, 11L);
        assertThat(log.lines().filter(l -> l.contains("WARN")).count()).isLessThanOrEqualTo(12);
        assertThat(stored()).isZero();
    }

    /** Opens a polling session and joins the default namespace; its sid. */
    private String pollingSession() throws Exception {
        HttpResponse<String> open = send("GET", "/socket.io/?EIO=4&transport=polling", null);
        String sid = (String) json(open.body().substring(1)).get("sid");
        HttpResponse<String> connect = send("POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid, "40",
                "Content-Type", "text/plain;charset=UTF-8");
        assertThat(connect.statusCode()).isEqualTo(200);
        return sid;
    }

    // ---- helpers ----

    interface Body {
        void run() throws Exception;
    }

    /** What slf4j-simple (which writes to the current {@code System.err}) printed while {@code body} ran. */
    static String captureStderr(Body body) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        old.print(s);
        return s;
    }

    private static String readResponseHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new java.io.EOFException("closed after: " + head);
            head.append((char) c);
        }
        String h = head.toString();
        int at = h.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        int len = Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).trim());
        in.readNBytes(len);
        return h;
    }

    private static boolean drainUntilClosed(InputStream in) throws Exception {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true; // reset: closed too
        }
    }

    /** A Socket.IO v5 client made of raw websocket frames, joined to the default namespace. */
    static final class RawSocket implements AutoCloseable {
        private final WebSocket ws;
        private final BlockingQueue<String> in;

        private RawSocket(WebSocket ws, BlockingQueue<String> in) {
            this.ws = ws;
            this.in = in;
        }

        static RawSocket open(int port, String origin) throws Exception {
            BlockingQueue<String> in = new LinkedBlockingQueue<>();
            WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
            if (origin != null) b.header("Origin", origin);
            WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"),
                    new WebSocket.Listener() {
                        private final StringBuilder part = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            part.append(data);
                            if (last) {
                                String p = part.toString();
                                part.setLength(0);
                                if (p.equals("2")) w.sendText("3", true); // Engine.IO ping
                                else in.add(p);
                            }
                            w.request(1);
                            return null;
                        }
                    }).join();
            RawSocket s = new RawSocket(ws, in);
            assertThat(s.next(p -> p.startsWith("0{"))).contains("\"sid\"");
            s.send("40");
            assertThat(s.next(p -> p.startsWith("40"))).startsWith("40{");
            return s;
        }

        void send(String packet) {
            ws.sendText(packet, true).join();
        }

        String next(java.util.function.Predicate<String> wanted) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                String p = in.poll(200, TimeUnit.MILLISECONDS);
                if (p != null && wanted.test(p)) return p;
            }
            throw new AssertionError("no such packet within 10 s; pending: " + in);
        }

        @Override
        public void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
