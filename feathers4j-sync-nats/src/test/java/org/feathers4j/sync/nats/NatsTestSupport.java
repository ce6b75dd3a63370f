package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.Application;
import org.feathers4j.HookContext;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.memory.MemoryServiceOptions;

/** Test helpers: the shared NATS server, apps with a {@code messages} service, recorded events. */
final class NatsTestSupport {

    /** Environment variable overriding the shared NATS server. */
    static final String ENV_URI = "FEATHERS4J_NATS_URI";

    private NatsTestSupport() {
    }

    /** One received event. */
    record Received(String event, Object data, HookContext context) {
    }

    /** The shared NATS server's URI; fails the test with a clear message when it is not reachable. */
    static String natsUri() {
        String uri = System.getenv(ENV_URI);
        if (uri == null || uri.isBlank()) uri = "nats://127.0.0.1:4222";
        URI u = URI.create(uri);
        int port = u.getPort() < 0 ? 4222 : u.getPort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), port), 2000);
        } catch (IOException e) {
            fail("NATS is not reachable at " + u.getHost() + ":" + port + " (" + e.getMessage()
                    + "). Start it with scripts/services.sh nats, or point " + ENV_URI + " at a NATS server.");
        }
        return uri;
    }

    /** A subject no other test uses. */
    static String uniqueKey() {
        return "feathers4j-test-" + UUID.randomUUID();
    }

    /** A free TCP port on 127.0.0.1. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** An app with a multi-enabled {@code messages} service that declares the custom event {@code typing}. */
    static Application app() {
        Application app = new Application();
        app.use("messages", new MemoryService(MemoryServiceOptions.defaults().withMulti(true)) {
            @Override
            public List<String> events() {
                return List.of("typing");
            }
        });
        return app;
    }

    /** Records every event of the {@code messages} service. */
    static List<Received> record(Application app) {
        List<Received> out = new CopyOnWriteArrayList<>();
        for (String e : app.service("messages").events()) {
            app.service("messages").on(e, (data, ctx) -> out.add(new Received(e, data, ctx)));
        }
        return out;
    }

    /** A field of the received events' data, in arrival order. */
    @SuppressWarnings("unchecked")
    static List<Object> field(List<Received> received, String name) {
        List<Object> out = new ArrayList<>();
        for (Received r : received) out.add(((Map<String, Object>) r.data()).get(name));
        return out;
    }
}
