package org.feathers4j.sync;

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
