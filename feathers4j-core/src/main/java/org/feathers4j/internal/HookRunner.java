package org.feathers4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.feathers4j.HookContext;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.hooks.AroundHook;
import org.feathers4j.hooks.Hook;
import org.feathers4j.hooks.HookType;
import org.feathers4j.hooks.Hooks;

/**
 * Runs one call through its hooks in Feathers' order: application then service around hooks,
 * then application and service before hooks, the method (unless a before hook set a result),
 * service then application after hooks; on failure, service then application error hooks.
 */
public final class HookRunner {

    private HookRunner() {
    }

    /**
     * Runs the call. The returned future completes with the context (holding the result), or
     * fails with a {@link FeathersError}.
     */
    public static CompletableFuture<HookContext> run(HookContext ctx, Hooks app, Hooks service,
                                                     Supplier<CompletionStage<Object>> method) {
        List<AroundHook> around = new ArrayList<>(app.aroundFor(ctx.method()));
        around.addAll(service.aroundFor(ctx.method()));
        CompletableFuture<HookContext> out = new CompletableFuture<>();
        step(ctx, around, 0, app, service, method).whenComplete((v, e) -> {
            if (e == null) out.complete(ctx);
            else out.completeExceptionally(FeathersError.convert(e));
        });
        return out;
    }

    private static CompletableFuture<Void> step(HookContext ctx, List<AroundHook> around, int i, Hooks app,
                                                Hooks service, Supplier<CompletionStage<Object>> method) {
        if (i == around.size()) return regular(ctx, app, service, method);
        try {
            ctx.type(HookType.AROUND);
            CompletionStage<Void> stage = around.get(i).run(ctx, () -> step(ctx, around, i + 1, app, service, method));
            if (stage == null) return CompletableFuture.failedFuture(
                    new IllegalStateException("an around hook returned null instead of a CompletionStage"));
            return stage.toCompletableFuture();
        } catch (Exception | LinkageError e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<Void> regular(HookContext ctx, Hooks app, Hooks service,
                                                   Supplier<CompletionStage<Object>> method) {
        CompletableFuture<Void> before;
        try {
            ctx.type(HookType.BEFORE);
            runAll(ctx, app.hooksFor(HookType.BEFORE, ctx.method()));
            runAll(ctx, service.hooksFor(HookType.BEFORE, ctx.method()));
            before = CompletableFuture.completedFuture(null);
        } catch (Exception | LinkageError e) {
            before = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = before.thenCompose(v -> {
            if (ctx.hasResult()) return CompletableFuture.completedFuture(null);
            CompletionStage<Object> stage = method.get();
            if (stage == null) throw new IllegalStateException(
                    "service '" + ctx.path() + "' returned null from " + ctx.method().methodName());
            return stage.thenAccept(ctx::result);
        }).thenRun(() -> {
            ctx.type(HookType.AFTER);
            runAllUnchecked(ctx, service.hooksFor(HookType.AFTER, ctx.method()));
            runAllUnchecked(ctx, app.hooksFor(HookType.AFTER, ctx.method()));
        });
        return done.handle((v, e) -> {
            if (e == null) return CompletableFuture.<Void>completedFuture(null);
            ctx.type(HookType.ERROR);
            ctx.error(FeathersError.unwrap(e));
            ctx.clearResult(); // as in Feathers 5: an error hook that sets a result turns the call into a success
            for (Hook h : concat(service.hooksFor(HookType.ERROR, ctx.method()),
                    app.hooksFor(HookType.ERROR, ctx.method()))) {
                try {
                    h.run(ctx);
                } catch (Exception | LinkageError ex) {
                    ctx.error(ex);
                }
            }
            Throwable left = ctx.error();
            if (ctx.hasResult() || left == null) {
                ctx.error(null);
                return CompletableFuture.<Void>completedFuture(null);
            }
            return CompletableFuture.<Void>failedFuture(left);
        }).thenCompose(f -> f);
    }

    private static void runAll(HookContext ctx, List<Hook> hooks) throws Exception {
        for (Hook h : hooks) h.run(ctx);
    }

    private static void runAllUnchecked(HookContext ctx, List<Hook> hooks) {
        try {
            runAll(ctx, hooks);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private static List<Hook> concat(List<Hook> a, List<Hook> b) {
        List<Hook> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
