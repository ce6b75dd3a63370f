package org.feathers4j.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.Futures.failure;
import static org.feathers4j.Futures.ok;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.BlockingService;
import org.feathers4j.HookContext;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.Forbidden;
import org.feathers4j.errors.GeneralError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hook order and the ways hooks change a call. */
class HooksTest {

    private final List<String> log = new ArrayList<>();
    private Application app;
    private AppService service;
    /** When set, the service method fails with it. */
    private RuntimeException methodFailure;

    @BeforeEach
    void setUp() {
        app = new Application().use("things", new BlockingService() {
            @Override
            public Object get(Object id, Params params) {
                log.add("method");
                if (methodFailure != null) throw methodFailure;
                return Map.of("id", id);
            }

            @Override
            public Object create(Object data, Params params) {
                log.add("method");
                if (methodFailure != null) throw methodFailure;
                return data;
            }
        });
        service = app.service("things");
    }

    private Hook logs(String name) {
        return ctx -> log.add(name);
    }

    private AroundHook aroundLogs(String name) {
        return (ctx, next) -> {
            log.add(name + " in");
            return next.call().whenComplete((v, e) -> log.add(name + " out"));
        };
    }

    private void registerEverywhere() {
        app.hooks().around(aroundLogs("app around"))
                .before(logs("app before")).after(logs("app after")).error(logs("app error"));
        service.hooks().around(aroundLogs("service around"))
                .before(logs("service before")).after(logs("service after")).error(logs("service error"));
    }

    @Test
    void feathersOrderOnSuccess() {
        registerEverywhere();
        ok(service.get(1));
        assertThat(log).containsExactly(
                "app around in", "service around in",
                "app before", "service before",
                "method",
                "service after", "app after",
                "service around out", "app around out");
    }

    @Test
    void feathersOrderOnError() {
        registerEverywhere();
        methodFailure = new BadRequest("nope");
        assertThat(failure(service.get(1))).isInstanceOf(BadRequest.class).hasMessage("nope");
        assertThat(log).containsExactly(
                "app around in", "service around in",
                "app before", "service before",
                "method",
                "service error", "app error",
                "service around out", "app around out");
    }

    @Test
    void hooksForAllMethodsRunBeforeMethodSpecificOnesInRegistrationOrder() {
        service.hooks()
                .before(Method.GET, logs("get before 1"))
                .before(logs("all before 1"))
                .before(Method.GET, logs("get before 2"))
                .before(Method.CREATE, logs("create before"))
                .before(logs("all before 2"))
                .after(Method.GET, logs("get after"))
                .after(logs("all after"))
                .around(Method.GET, aroundLogs("get around"))
                .around(aroundLogs("all around"));
        ok(service.get(1));
        assertThat(log).containsExactly(
                "all around in", "get around in",
                "all before 1", "all before 2", "get before 1", "get before 2",
                "method",
                "all after", "get after",
                "get around out", "all around out");
    }

    @Test
    void methodSpecificErrorHooksRunAfterGeneralOnes() {
        service.hooks().error(Method.GET, logs("get error")).error(logs("all error"))
                .error(Method.CREATE, logs("create error"));
        methodFailure = new BadRequest("x");
        failure(service.get(1));
        assertThat(log).containsExactly("method", "all error", "get error");
    }

    @Test
    void beforeHookSettingResultSkipsTheMethodButNotAfterHooks() {
        service.hooks().before(ctx -> ctx.result("cached")).after(logs("after"));
        assertThat(ok(service.get(1))).isEqualTo("cached");
        assertThat(log).containsExactly("after");
    }

    @Test
    void beforeHookSettingNullResultAlsoSkipsTheMethod() {
        service.hooks().before(ctx -> ctx.result(null));
        assertThat(ok(service.get(1))).isNull();
        assertThat(log).isEmpty();
    }

    @Test
    void beforeHookCanChangeIdDataAndParams() {
        service.hooks().before(Method.CREATE, ctx -> ctx.data(Map.of("changed", true)));
        service.hooks().before(Method.GET, ctx -> ctx.id(42));
        assertThat(ok(service.create(Map.of("original", true)))).isEqualTo(Map.of("changed", true));
        assertThat(ok(service.get(1))).isEqualTo(Map.of("id", 42));
    }

    @Test
    void afterHookCanReplaceTheResult() {
        service.hooks().after(ctx -> ctx.result(Map.of("wrapped", ctx.result())));
        assertThat(ok(service.get(1))).isEqualTo(Map.of("wrapped", Map.of("id", 1)));
    }

    @Test
    void throwingBeforeHookSkipsTheMethodAndRunsErrorHooks() {
        List<Throwable> seen = new ArrayList<>();
        service.hooks().before(ctx -> { throw new Forbidden("no access"); })
                .before(logs("second before"))
                .after(logs("after"))
                .error(ctx -> seen.add(ctx.error()));
        assertThat(failure(service.get(1))).isInstanceOf(Forbidden.class).hasMessage("no access");
        assertThat(log).isEmpty();
        assertThat(seen).singleElement().isInstanceOf(Forbidden.class);
    }

    @Test
    void errorHookCanClearTheErrorToReturnAResult() {
        methodFailure = new BadRequest("broken");
        service.hooks().error(ctx -> ctx.error(null).result("fallback"));
        assertThat(ok(service.get(1))).isEqualTo("fallback");
    }

    @Test
    void errorHookCanReplaceTheError() {
        methodFailure = new IllegalStateException("internal detail");
        service.hooks().error(ctx -> ctx.error(new BadRequest("friendly")));
        assertThat(failure(service.get(1))).isInstanceOf(BadRequest.class).hasMessage("friendly");
    }

    @Test
    void errorHookSeesTheUnwrappedOriginalError() {
        methodFailure = new IllegalStateException("raw");
        List<Throwable> seen = new ArrayList<>();
        service.hooks().error(ctx -> seen.add(ctx.error()));
        FeathersError e = failure(service.get(1));
        assertThat(seen).singleElement().isSameAs(methodFailure);
        assertThat(e).isInstanceOf(GeneralError.class).hasMessage("raw");
        assertThat(e.getCause()).isSameAs(methodFailure);
    }

    @Test
    void throwingAfterHookRunsErrorHooks() {
        List<Throwable> seen = new ArrayList<>();
        service.hooks().after(ctx -> { throw new Exception("checked after"); })
                .after(logs("second after"));
        app.hooks().after(logs("app after")).error(ctx -> seen.add(ctx.error()));
        FeathersError e = failure(service.get(1));
        assertThat(e).isInstanceOf(GeneralError.class).hasMessage("checked after");
        assertThat(log).containsExactly("method");
        assertThat(seen).singleElement().satisfies(t -> assertThat(t).hasMessage("checked after"));
    }

    @Test
    void throwingErrorHookReplacesTheErrorAndLaterErrorHooksStillRun() {
        methodFailure = new BadRequest("first");
        List<Throwable> seenByApp = new ArrayList<>();
        service.hooks().error(ctx -> { throw new Forbidden("second"); });
        app.hooks().error(ctx -> seenByApp.add(ctx.error()));
        assertThat(failure(service.get(1))).isInstanceOf(Forbidden.class).hasMessage("second");
        assertThat(seenByApp).singleElement().isInstanceOf(Forbidden.class);
    }

    @Test
    void aroundHookCanSkipNext() {
        service.hooks().around((ctx, next) -> {
            ctx.result("short-circuited");
            return CompletableFuture.completedFuture(null);
        });
        service.hooks().before(logs("before"));
        assertThat(ok(service.get(1))).isEqualTo("short-circuited");
        assertThat(log).isEmpty();
    }

    @Test
    void aroundHookObservesAndChangesTheResult() {
        List<Object> observed = new ArrayList<>();
        service.hooks().around((ctx, next) -> next.call().thenRun(() -> {
            observed.add(ctx.result());
            ctx.result(Map.of("around", ctx.result()));
        }));
        assertThat(ok(service.get(1))).isEqualTo(Map.of("around", Map.of("id", 1)));
        assertThat(observed).containsExactly(Map.of("id", 1));
    }

    @Test
    void aroundHookSeesTheFailureOfNext() {
        methodFailure = new BadRequest("inner");
        List<Throwable> observed = new ArrayList<>();
        service.hooks().around((ctx, next) -> next.call().whenComplete((v, e) -> observed.add(e)));
        assertThat(failure(service.get(1))).isInstanceOf(BadRequest.class).hasMessage("inner");
        assertThat(observed).singleElement().satisfies(e -> assertThat(FeathersError.unwrap(e)).isSameAs(methodFailure));
    }

    @Test
    void aroundHookCanRecoverFromAFailure() {
        methodFailure = new BadRequest("inner");
        service.hooks().around((ctx, next) -> next.call().exceptionally(e -> {
            ctx.result("recovered");
            return null;
        }));
        assertThat(ok(service.get(1))).isEqualTo("recovered");
    }

    @Test
    void throwingAroundHookFailsTheCall() {
        service.hooks().around((ctx, next) -> { throw new Forbidden("around says no"); });
        assertThat(failure(service.get(1))).isInstanceOf(Forbidden.class).hasMessage("around says no");
        assertThat(log).isEmpty();
    }

    @Test
    void aroundHookReturningNullFailsTheCall() {
        service.hooks().around((ctx, next) -> null);
        assertThat(failure(service.get(1))).isInstanceOf(GeneralError.class);
    }

    @Test
    void asyncAroundHookCanCompleteLater() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        service.hooks().around((ctx, next) -> gate.thenCompose(v -> next.call()));
        CompletableFuture<Object> call = service.get(1);
        assertThat(call).isNotDone();
        assertThat(log).isEmpty();
        gate.complete(null);
        assertThat(ok(call)).isEqualTo(Map.of("id", 1));
    }

    @Test
    void contextFieldsSeenByHooks() {
        List<String> types = new ArrayList<>();
        List<HookContext> contexts = new ArrayList<>();
        Hook record = ctx -> {
            types.add(ctx.type().typeName());
            contexts.add(ctx);
        };
        service.hooks().around((ctx, next) -> {
            types.add(ctx.type().typeName());
            return next.call();
        }).before(record).after(record);
        service.hooks().before(ctx -> ctx.set("flag", "on"));

        Params params = Params.of().query("q", 1);
        ok(service.create(Map.of("text", "hi"), params));

        assertThat(types).containsExactly("around", "before", "after");
        HookContext ctx = contexts.get(0);
        assertThat(contexts.get(1)).isSameAs(ctx);
        assertThat(ctx.app()).isSameAs(app);
        assertThat(ctx.service()).isSameAs(service);
        assertThat(ctx.path()).isEqualTo("things");
        assertThat(ctx.method()).isEqualTo(Method.CREATE);
        assertThat(ctx.id()).isNull();
        assertThat(ctx.data()).isEqualTo(Map.of("text", "hi"));
        assertThat(ctx.params()).isSameAs(params);
        assertThat(ctx.result()).isEqualTo(Map.of("text", "hi"));
        assertThat(ctx.hasResult()).isTrue();
        assertThat(ctx.error()).isNull();
        assertThat(ctx.event()).isEqualTo("created");
        assertThat(ctx.get("flag")).isEqualTo("on");
        assertThat(ctx.flags()).containsEntry("flag", "on");
        assertThat(ctx.isFromSync()).isFalse();
    }

    @Test
    void contextInBeforeAndErrorHooks() {
        List<String> seen = new ArrayList<>();
        service.hooks().before(ctx -> seen.add(ctx.type().typeName() + " id=" + ctx.id() + " result=" + ctx.hasResult()
                + " event=" + ctx.event()));
        service.hooks().error(ctx -> seen.add(ctx.type().typeName() + " error=" + ctx.error().getMessage()));
        methodFailure = new BadRequest("bad");
        failure(service.get(7));
        assertThat(seen).containsExactly("before id=7 result=false event=null", "error error=bad");
    }

    @Test
    void contextFlagsAndClearResult() {
        HookContext ctx = new HookContext(app, service, Method.PATCH, null);
        assertThat(ctx.params()).isNotNull();
        assertThat(ctx.event()).isEqualTo("patched");
        assertThat(ctx.type()).isEqualTo(HookType.AROUND);
        ctx.set("a", 1);
        ctx.set("a", null);
        assertThat(ctx.flags()).isEmpty();
        ctx.result("r");
        ctx.clearResult();
        assertThat(ctx.hasResult()).isFalse();
        assertThat(ctx.result()).isNull();
        ctx.result("r").dispatch("d");
        assertThat(ctx.eventData()).isEqualTo("d");
        ctx.dispatch(null);
        assertThat(ctx.eventData()).isEqualTo("r");
    }

    @Test
    void asyncServiceMethodRunsBetweenBeforeAndAfterHooks() {
        CompletableFuture<Object> pending = new CompletableFuture<>();
        app.use("slow", new org.feathers4j.Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                log.add("method started");
                return pending;
            }
        });
        AppService slow = app.service("slow");
        slow.hooks().before(logs("before")).after(ctx -> log.add("after " + ctx.result()));
        CompletableFuture<Object> call = slow.find();
        assertThat(log).containsExactly("before", "method started");
        pending.complete("done");
        assertThat(ok(call)).isEqualTo("done");
        assertThat(log).containsExactly("before", "method started", "after done");
    }

    @Test
    void anErrorHookThatSetsAResultTurnsTheCallIntoASuccessAndSeesNoEarlierResult() {
        methodFailure = new BadRequest("nope");
        List<Boolean> hadResult = new ArrayList<>();
        service.hooks().after(Method.CREATE, ctx -> {
            throw new Forbidden("after hook refuses " + ctx.result());
        });
        methodFailure = null;
        service.hooks().error(Method.CREATE, ctx -> {
            hadResult.add(ctx.hasResult());
            ctx.result(Map.of("recovered", ctx.error().getMessage()));
        });
        assertThat(ok(service.create(Map.of("a", 1)))).isEqualTo(Map.of("recovered", "after hook refuses {a=1}"));
        assertThat(hadResult).containsExactly(false);
    }

    @Test
    void anErrorHookThatLeavesTheErrorFailsTheCall() {
        methodFailure = new BadRequest("still failing");
        service.hooks().error(ctx -> log.add("seen " + ctx.error().getMessage()));
        assertThat(failure(service.create(Map.of()))).isInstanceOf(BadRequest.class).hasMessage("still failing");
        assertThat(log).containsExactly("method", "seen still failing");
    }
}
