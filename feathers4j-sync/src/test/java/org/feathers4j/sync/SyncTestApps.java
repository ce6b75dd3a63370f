package org.feathers4j.sync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.Application;
import org.feathers4j.HookContext;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.memory.MemoryServiceOptions;

/** Test helpers: apps with a {@code messages} service and recorded events. */
public final class SyncTestApps {

    private SyncTestApps() {
    }

    /** One received event. */
    public record Received(String event, Object data, HookContext context) {
    }

    /** A key (channel, exchange, subject) no other test uses. */
    public static String uniqueKey(String test) {
        return "feathers4j-test-" + test + "-" + UUID.randomUUID();
    }

    /** A free TCP port on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Whether something accepts TCP connections at {@code host:port} (within 500 ms). */
    public static boolean portOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One field of each received event's data (a map), in arrival order; {@code null} where absent. */
    public static List<Object> field(List<Received> received, String name) {
        List<Object> out = new ArrayList<>();
        for (Received r : received) out.add(r.data() instanceof Map<?, ?> m ? m.get(name) : null);
        return out;
    }

    /** A unique memory bus URI, so tests don't hear each other. */
    public static String memoryUri() {
        return "memory://test-" + UUID.randomUUID();
    }

    /** An app with a multi-enabled {@code messages} service that declares the custom event {@code typing}. */
    public static Application app() {
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
    public static List<Received> record(Application app) {
        List<Received> out = new CopyOnWriteArrayList<>();
        for (String e : app.service("messages").events()) {
            app.service("messages").on(e, (data, ctx) -> out.add(new Received(e, data, ctx)));
        }
        return out;
    }

    /** The data of the received events, as maps. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> data(List<Received> received) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Received r : received) out.add((Map<String, Object>) r.data());
        return out;
    }
}
