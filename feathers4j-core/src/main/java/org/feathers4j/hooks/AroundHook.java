package org.feathers4j.hooks;

import java.util.concurrent.CompletionStage;
import org.feathers4j.HookContext;

/**
 * A hook that wraps the rest of the call: do work, call {@code next.call()}, then work on the
 * result when the returned stage completes. Not calling {@code next} skips the rest of the call
 * (set a result first). The stage it returns decides when and how the call ends.
 *
 * <pre>{@code
 * (ctx, next) -> { long t = System.nanoTime(); return next.call().whenComplete((v, e) -> log(t)); }
 * }</pre>
 */
@FunctionalInterface
public interface AroundHook {

    /** Runs the hook around {@code next}. */
    CompletionStage<Void> run(HookContext context, Next next) throws Exception;

    /** The rest of the call. */
    @FunctionalInterface
    interface Next {
        /** Runs the rest of the call; the stage completes when it is done. */
        CompletionStage<Void> call();
    }
}
