package org.feathers4j.benchmarks.instance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.Params;
import org.feathers4j.Service;

/**
 * The benchmarks' {@code messages} service: returns the input with an id and stores nothing, like
 * the Node instance's, so the figures measure sync and not storage.
 */
public final class EchoService implements Service {

    private final AtomicLong ids = new AtomicLong();

    @Override
    @SuppressWarnings("unchecked")
    public CompletionStage<Object> create(Object data, Params params) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", ids.incrementAndGet());
        out.putAll((Map<String, Object>) data);
        return CompletableFuture.completedFuture(out);
    }
}
