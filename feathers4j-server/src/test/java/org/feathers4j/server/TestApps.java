package org.feathers4j.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.feathers4j.channels.Channels;
import org.feathers4j.channels.Connection;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.memory.MemoryServiceOptions;

/** The application the end-to-end tests serve. */
final class TestApps {

    private TestApps() {
    }

    /**
     * messages (memory, multi), readonly (find/get only), echo (returns what the server saw of the
     * call), login (joins the calling connection to "authenticated"). Every event goes to
     * "authenticated" only.
     */
    static Application create() {
        Application app = new Application();
        app.use("messages", new MemoryService(MemoryServiceOptions.defaults().withMulti(true)));
        app.use("readonly", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                return CompletableFuture.completedFuture(java.util.List.of());
            }
        });
        app.use("echo", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                return CompletableFuture.completedFuture(describe(null, params));
            }

            @Override
            public CompletionStage<Object> get(Object id, Params params) {
                if ("unserializable".equals(id)) return CompletableFuture.completedFuture(new Unwritable());
                return CompletableFuture.completedFuture(describe(id, params));
            }

            @Override
            public CompletionStage<Object> create(Object data, Params params) {
                Object fail = data instanceof Map<?, ?> m ? m.get("fail") : null;
                if ("bad".equals(fail)) throw new BadRequest("bad data", Map.of("field", "fail"), null, null);
                if ("crash".equals(fail)) throw new IllegalStateException("crashed");
                if ("unserializable".equals(fail)) return CompletableFuture.completedFuture(new Unwritable());
                return CompletableFuture.completedFuture(data);
            }
        });
        Channels channels = Channels.of(app);
        app.use("login", new Service() {
            @Override
            public CompletionStage<Object> create(Object data, Params params) {
                if (!(params.connection() instanceof Connection c)) {
                    throw new BadRequest("login needs a real-time connection");
                }
                c.data().put("user", String.valueOf(((Map<?, ?>) data).get("name")));
                channels.channel("authenticated").join(c);
                return CompletableFuture.completedFuture(Map.of("user", c.data().get("user")));
            }
        });
        app.on("connection", args -> channels.channel("anonymous").join((Connection) args[0]));
        channels.publish((data, ctx) -> channels.channel("authenticated"));
        return app;
    }

    /** A result Jackson cannot write: its only property's getter throws. */
    static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("this value cannot be read");
        }
    }

    private static Map<String, Object> describe(Object id, Params params) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("idType", id == null ? null : id.getClass().getSimpleName());
        out.put("provider", params.provider());
        out.put("query", params.query());
        Map<String, Object> types = new LinkedHashMap<>();
        params.query().forEach((k, v) -> types.put(k, v == null ? null : v.getClass().getSimpleName()));
        out.put("queryTypes", types);
        out.put("connection", params.connection() == null ? null : params.connection().toString());
        out.put("hasHeaders", !params.headers().isEmpty());
        return out;
    }
}
