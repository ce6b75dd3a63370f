package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.AbstractByteBuf;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.feathers4j.channels.Channel;
import org.feathers4j.channels.Channels;
import org.feathers4j.channels.Connection;
import org.feathers4j.json.FeathersJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20: an event is encoded once for all the Socket.IO connections that get the same data and
 * the same bytes reach every one of them (websocket and long-polling), while connections whose
 * channel sends other data get their own; a client that does not read loses events (counted)
 * while the others get all; no Netty buffer leaks (paranoid leak detection, Netty's own leak
 * listener). Real server, real Socket.IO clients over real sockets (Engine.IO v4 spoken by the
 * test clients, which keep each frame as it arrived).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EventFanOutTest {

    private static final ObjectMapper JSON = FeathersJson.newObjectMapper();

    private FeathersServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : clients) c.close();
        if (server != null) server.stop();
    }

    private static Application app() {
        Application app = new Application();
        app.use("messages", new Service() {
            @Override
            public CompletionStage<Object> create(Object data, Params params) {
                return CompletableFuture.completedFuture(data);
            }
        });
        return app;
    }

    private static Map<String, Object> message(int n, String text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        m.put("text", text);
        m.put("tags", List.of("a", "é", "\u2603"));
        m.put("nested", Map.of("ok", true));
        return m;
    }

    /** Every connection joins "all", which gets every event. */
    private static Channels everyConnectionGetsEverything(Application app) {
        Channels channels = Channels.of(app);
        channels.onConnection(c -> channels.channel("all").join(c));
        channels.publish((data, ctx) -> channels.channel("all"));
        return channels;
    }

    /** The packet a Socket.IO server writes for the event: {@code 42["messages created",data]}. */
    private static String frame(Object data) throws Exception {
        return "42" + JSON.writeValueAsString(List.of("messages created", data));
    }

    @Test
    void everyClientGetsTheSameBytesOverWebsocketAndPolling() throws Exception {
        Application app = app();
        Channels channels = everyConnectionGetsEverything(app);
        server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        List<RawSocketIoClient> ws = new ArrayList<>();
        for (int i = 0; i < 12; i++) ws.add(track(RawSocketIoClient.connect(server.port())));
        PollingClient polling = track(PollingClient.connect(server.port()));
        await().atMost(Duration.ofSeconds(10)).until(() -> channels.channel("all").length() == 13);

        List<String> expected = new ArrayList<>();
        for (int n = 0; n < 60; n++) {
            Map<String, Object> m = message(n, "hello " + n);
            expected.add(frame(m));
            app.service("messages").create(m).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        // frame lengths in all three forms of the websocket header: 7 bits, 16 bits, 64 bits
        for (int size : new int[] {1_000, 70_000}) {
            Map<String, Object> m = message(60 + expected.size(), "y".repeat(size));
            expected.add(frame(m));
            app.service("messages").create(m).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(expected.get(0).length()).isLessThan(126);
        for (RawSocketIoClient c : ws) {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.events.size() >= expected.size());
            assertThat(c.events).containsExactlyElementsOf(expected);
        }
        // more than one long-poll's worth (50 packets), in order, none lost
        await().atMost(Duration.ofSeconds(20)).until(() -> polling.events.size() >= expected.size());
        assertThat(polling.events).containsExactlyElementsOf(expected);
        assertThat(server.counters().get("eventsSent")).isEqualTo(62L * 13);
        assertThat(channels.sentCount()).isEqualTo(62L * 13);
        // the websocket clients got (nearly) all of them as the shared, ready-made frame; the queue
        // is used only while something of a client's own waits in it
        assertThat(server.counters().get("eventsSharedFrames")).isGreaterThan(62L * 12 / 2);
    }

    @Test
    void connectionsWhoseChannelSendsOtherDataGetTheirOwn() throws Exception {
        Application app = app();
        Channels channels = Channels.of(app);
        List<Connection> joined = new CopyOnWriteArrayList<>();
        channels.onConnection(c -> {
            joined.add(c);
            // the first three are admins; everybody is in "all"
            if (joined.size() <= 3) channels.channel("admins").join(c);
            channels.channel("all").join(c);
        });
        channels.publish((data, ctx) -> {
            Map<String, Object> redacted = new LinkedHashMap<>((Map<String, Object>) data);
            redacted.remove("text");
            // a connection in both gets the admins' data: the first channel decides
            return Channel.combine(channels.channel("admins"), channels.channel("all").send(redacted));
        });
        server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        List<RawSocketIoClient> admins = new ArrayList<>();
        List<RawSocketIoClient> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            admins.add(track(RawSocketIoClient.connect(server.port())));
            int k = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> joined.size() == k);
        }
        for (int i = 0; i < 5; i++) others.add(track(RawSocketIoClient.connect(server.port())));
        await().atMost(Duration.ofSeconds(10)).until(() -> channels.channel("all").length() == 8);

        List<String> full = new ArrayList<>();
        List<String> redacted = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            Map<String, Object> m = message(n, "secret " + n);
            full.add(frame(m));
            Map<String, Object> r = new LinkedHashMap<>(m);
            r.remove("text");
            redacted.add(frame(r));
            app.service("messages").create(m).toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        for (RawSocketIoClient c : admins) {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.events.size() >= 10);
            assertThat(c.events).containsExactlyElementsOf(full);
        }
        for (RawSocketIoClient c : others) {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.events.size() >= 10);
            assertThat(c.events).containsExactlyElementsOf(redacted);
        }
    }

    @Test
    void dataThatCannotBeWrittenFailsThatEventOnlyAndByteArraysGoAsBefore() throws Exception {
        Application app = app();
        Channels channels = everyConnectionGetsEverything(app);
        server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        RawSocketIoClient a = track(RawSocketIoClient.connect(server.port()));
        RawSocketIoClient b = track(RawSocketIoClient.connect(server.port()));
        await().atMost(Duration.ofSeconds(10)).until(() -> channels.channel("all").length() == 2);

        Map<String, Object> unwritable = new LinkedHashMap<>();
        unwritable.put("n", 0);
        unwritable.put("self", new Object() { // a getter that throws: Jackson cannot write it
            public String getBoom() {
                throw new IllegalStateException("boom");
            }
        });
        app.service("messages").create(unwritable).toCompletableFuture().get(5, TimeUnit.SECONDS);
        // byte[] data: a base64 string inside the JSON (events are sent as JSON trees; no binary attachments)
        Map<String, Object> bytes = new LinkedHashMap<>();
        bytes.put("n", 1);
        bytes.put("blob", new byte[] {1, 2, 3, (byte) 0xff});
        app.service("messages").create(bytes).toCompletableFuture().get(5, TimeUnit.SECONDS);
        String expected = "42[\"messages created\",{\"n\":1,\"blob\":\"AQID/w==\"}]";
        for (RawSocketIoClient c : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.events.size() >= 1);
            assertThat(c.events).containsExactly(expected);
            assertThat(c.binary).isEmpty();
        }
        assertThat(server.counters().get("eventsSent")).isEqualTo(2L);
    }

    @Test
    @Tag("slow") // ~15 s: 20 MB to each reader, a grace period, leak detection on every buffer
    void aClientThatDoesNotReadLosesEventsTheOthersGetThemAndNothingLeaks() throws Exception {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        List<String> leaks = new CopyOnWriteArrayList<>();
        ResourceLeakDetector<?> detector = byteBufLeakDetector();
        detector.setLeakListener((type, records) -> leaks.add(type + ": " + records));
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        try {
            Application app = app();
            Channels channels = everyConnectionGetsEverything(app);
            server = FeathersServer.create(app).host("127.0.0.1").port(0)
                    .outboundBufferBytes(64 * 1024).slowClientGraceMs(2_000).start();
            List<RawSocketIoClient> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) readers.add(track(RawSocketIoClient.connect(server.port())));
            NonReadingClient stalled = track(NonReadingClient.connect(server.port()));
            await().atMost(Duration.ofSeconds(10)).until(() -> channels.channel("all").length() == 5);

            int events = 2_500; // 20 MB to each: more than the kernel buffers of the stalled one take
            String text = "x".repeat(8 * 1024);
            for (int n = 0; n < events; n++) {
                app.service("messages").create(message(n, text)).toCompletableFuture().get(5, TimeUnit.SECONDS);
                if (n % 50 == 49) Thread.sleep(20); // a pace the readers keep up with
            }
            for (RawSocketIoClient c : readers) {
                await().atMost(Duration.ofSeconds(30)).until(() -> c.events.size() >= events);
                assertThat(c.events).hasSize(events);
                assertThat(c.events.get(events - 1)).isEqualTo(frame(message(events - 1, text)));
            }
            Map<String, Long> counters = server.counters();
            assertThat(counters.get("eventsDroppedSlowClient")).as("events dropped for the stalled client").isPositive();
            // every reader's events were sent; the stalled client's were sent or dropped until it was disconnected
            assertThat(counters.get("eventsSent")).isGreaterThanOrEqualTo(events * 4L);
            assertThat(counters.get("eventsSent") + counters.get("eventsDroppedSlowClient")).isBetween(events * 4L + 1, events * 5L);
            await().atMost(Duration.ofSeconds(15)).until(() -> server.counters().get("slowClientsDisconnected") == 1L);
            for (AutoCloseable c : clients) c.close();
            clients.clear();
            server.stop();
            server = null;
            // leaked buffers are reported when they have been collected and the detector next tracks one
            for (int i = 0; i < 5; i++) {
                System.gc();
                Thread.sleep(50);
                io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(16).release();
                io.netty.buffer.ByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
            assertThat(leaks).as("Netty buffers leaked").isEmpty();
        } finally {
            ResourceLeakDetector.setLevel(level);
            detector.setLeakListener(null);
        }
    }

    /** The detector every Netty ByteBuf is tracked by (package-private in Netty). */
    private static ResourceLeakDetector<?> byteBufLeakDetector() throws Exception {
        Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
        f.setAccessible(true);
        return (ResourceLeakDetector<?>) f.get(null);
    }

    private <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    /** A Socket.IO client over Engine.IO v4 long-polling, over real HTTP; keeps each packet as it arrived. */
    static final class PollingClient implements AutoCloseable {
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        final List<String> events = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final String base;
        private final Thread poller;

        private PollingClient(String base) {
            this.base = base;
            this.poller = new Thread(this::poll, "polling-client");
            poller.setDaemon(true);
        }

        static PollingClient connect(int port) throws Exception {
            String open = get("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling");
            String sid = JSON.readTree(open.substring(1)).get("sid").asText();
            PollingClient c = new PollingClient("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
            c.post("40");
            c.poller.start();
            return c;
        }

        private void poll() {
            while (running.get()) {
                try {
                    for (String packet : get(base).split("\u001e")) {
                        if (packet.startsWith("42")) events.add(packet);
                        else if (packet.equals("2")) post("3");
                    }
                } catch (Exception e) {
                    if (running.get()) sleep();
                }
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static String get(String url) throws Exception {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new String(r.body(), StandardCharsets.UTF_8);
        }

        private void post(String packet) throws Exception {
            HTTP.send(HttpRequest.newBuilder(URI.create(base)).POST(HttpRequest.BodyPublishers.ofString(packet))
                    .header("Content-Type", "text/plain;charset=UTF-8").build(), HttpResponse.BodyHandlers.discarding());
        }

        @Override
        public void close() {
            running.set(false);
            poller.interrupt();
        }
    }
}
