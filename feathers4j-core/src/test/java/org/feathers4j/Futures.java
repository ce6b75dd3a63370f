package org.feathers4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.feathers4j.errors.FeathersError;

/** Small helpers for reading the outcome of service calls in tests. */
public final class Futures {

    private Futures() {
    }

    /** The result of a call that must succeed. */
    public static Object ok(CompletableFuture<?> future) {
        return future.join();
    }

    /** The Feathers error a call failed with; fails the test if the call succeeded. */
    public static FeathersError failure(CompletableFuture<?> future) {
        try {
            Object result = future.join();
            throw new AssertionError("expected the call to fail, but it returned " + result);
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(FeathersError.class);
            return (FeathersError) e.getCause();
        }
    }
}
