package org.feathers4j.benchmarks.instance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.AppService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;

/**
 * A feathers4j application with a {@code messages} service, synced through the adapter the URI
 * names. The service stores nothing (it returns the input with an id), like the Node instance's,
 * so the figures measure sync and not storage.
 */
class SyncDriver implements Driver {

    private final String uri;
    private final String key;
    private final boolean batch;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    protected final Application app = new Application();
    private AppService messages;

    SyncDriver(String uri, String key, boolean batch) {
        this.uri = uri;
        this.key = key;
        this.batch = batch;
    }

    /** An adapter option for this configuration, e.g. {@code directDelivery}; before {@link #start}. */
    SyncDriver option(String name, Object value) {
        extra.put(name, value);
        return this;
    }

    @Override
    public void start(Recorder recorder) throws Exception {
        app.use("messages", new EchoService());
        messages = app.service("messages");
        messages.on("created", (data, ctx) -> {
            long now = System.nanoTime();
            if (data instanceof Map<?, ?> m && m.get("phase") instanceof String phase
                    && m.get("n") instanceof Number n && m.get("t") instanceof Number t) {
                recorder.record(phase, n.intValue(), t.longValue(), now);
            }
        });
        SyncOptions options = SyncOptions.uri(uri).key(key).batch(batch);
        extra.forEach(options::option);
        extraOptions(System.getenv("FEATHERS4J_BENCH_SYNC_OPTIONS")).forEach(options::option);
        app.configure(Sync.of(options));
        app.sync().ready().get(60, TimeUnit.SECONDS);
    }

    /**
     * Adapter options for an experiment, {@code name=value,name=value} (values as strings, as a URI
     * query gives them), e.g. {@code persistent=false} for AMQP; none when unset.
     */
    static Map<String, Object> extraOptions(String spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return out;
        for (String kv : spec.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("FEATHERS4J_BENCH_SYNC_OPTIONS: '" + kv + "' is not name=value");
            }
            out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return out;
    }

    @Override
    public CompletionStage<?> send(String phase, int n, long sentNs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("text", RawMessages.TEXT);
        data.put("phase", phase);
        data.put("n", n);
        data.put("t", sentNs);
        return messages.create(data);
    }

    @Override
    public String counters() {
        return app.sync().counters().toString();
    }

    @Override
    public void close() throws Exception {
        app.sync().close().get(10, TimeUnit.SECONDS);
    }
}
