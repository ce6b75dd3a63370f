package org.feathers4j.internal;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.BlockingService;
import org.feathers4j.Params;
import org.feathers4j.Service;

/** Presents a {@link BlockingService} as a {@link Service}, running each call on the caller's thread. */
public record BlockingServiceAdapter(BlockingService delegate) implements Service {

    @Override
    public CompletionStage<Object> find(Params params) {
        return call(() -> delegate.find(params));
    }

    @Override
    public CompletionStage<Object> get(Object id, Params params) {
        return call(() -> delegate.get(id, params));
    }

    @Override
    public CompletionStage<Object> create(Object data, Params params) {
        return call(() -> delegate.create(data, params));
    }

    @Override
    public CompletionStage<Object> update(Object id, Object data, Params params) {
        return call(() -> delegate.update(id, data, params));
    }

    @Override
    public CompletionStage<Object> patch(Object id, Object data, Params params) {
        return call(() -> delegate.patch(id, data, params));
    }

    @Override
    public CompletionStage<Object> remove(Object id, Params params) {
        return call(() -> delegate.remove(id, params));
    }

    @Override
    public List<String> events() {
        return delegate.events();
    }

    private static CompletionStage<Object> call(Callable<Object> body) {
        try {
            return CompletableFuture.completedFuture(body.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
