package org.feathers4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.memory.MemoryService;
import org.junit.jupiter.api.Test;

/** Mixins, plugins, application events, settings and the setup/teardown lifecycle. */
class ApplicationTest {

    /** A service that records its lifecycle calls into a shared log. */
    static final class LifecycleService implements Service {
        private final String name;
        private final List<String> log;

        LifecycleService(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public CompletionStage<Void> setup(Application app, String path) {
            log.add("setup " + name + " at " + path);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> teardown(Application app, String path) {
            log.add("teardown " + name + " at " + path);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void mixinsRunForServicesRegisteredBeforeAndAfter() {
        Application app = new Application().use("early", new MemoryService());
        List<String> applied = new ArrayList<>();
        app.mixin(s -> applied.add(s.path()));
        assertThat(applied).containsExactly("early");

        app.use("/late/", new MemoryService());
        assertThat(applied).containsExactly("early", "late");
    }

    @Test
    void mixinCanExtendEveryService() {
        Application app = new Application().use("a", new MemoryService());
        app.mixin(s -> s.hooks().before(ctx -> ctx.params().set("mixedIn", s.path())));
        app.use("b", new MemoryService());
        List<Object> seen = new ArrayList<>();
        app.hooks().after(ctx -> seen.add(ctx.params().get("mixedIn")));

        app.service("a").find().join();
        app.service("b").find().join();
        assertThat(seen).containsExactly("a", "b");
    }

    @Test
    void configureRunsThePluginWithTheApplication() {
        Application app = new Application();
        List<Application> seen = new ArrayList<>();
        Application returned = app.configure(a -> {
            seen.add(a);
            a.use("fromPlugin", new MemoryService());
        });
        assertThat(returned).isSameAs(app);
        assertThat(seen).containsExactly(app);
        assertThat(app.lookup("fromPlugin")).isPresent();
    }

    @Test
    void appEventsOnEmitOff() {
        Application app = new Application();
        List<String> got = new ArrayList<>();
        AppEventListener listener = args -> got.add(Arrays.toString(args));
        app.on("connection", listener);

        assertThat(app.listenerCount("connection")).isEqualTo(1);
        assertThat(app.emit("connection", "conn-1", 42)).isTrue();
        assertThat(got).containsExactly("[conn-1, 42]");

        app.off("connection", listener);
        assertThat(app.listenerCount("connection")).isZero();
        assertThat(app.emit("connection", "conn-2")).isFalse();
        assertThat(got).containsExactly("[conn-1, 42]");
    }

    @Test
    void appOnceListenerFiresOnce() {
        Application app = new Application();
        List<Object> got = new ArrayList<>();
        app.once("login", args -> got.add(args[0]));
        app.emit("login", "first");
        app.emit("login", "second");
        assertThat(got).containsExactly("first");
        assertThat(app.listenerCount("login")).isZero();
    }

    @Test
    void throwingAppListenerDoesNotStopOthers() {
        Application app = new Application();
        List<Object> got = new ArrayList<>();
        app.on("e", args -> { throw new IllegalStateException("listener bug (expected in this test)"); });
        app.on("e", args -> got.add(args[0]));
        assertThat(app.emit("e", "x")).isTrue();
        assertThat(got).containsExactly("x");
    }

    @Test
    void settings() {
        Application app = new Application();
        assertThat(app.get("port")).isNull();
        assertThat(app.set("port", 3030)).isSameAs(app);
        assertThat(app.get("port")).isEqualTo(3030);
        app.set("port", 8080);
        assertThat(app.get("port")).isEqualTo(8080);
        app.set("port", null);
        assertThat(app.get("port")).isNull();
    }

    @Test
    void setupAndTeardownCallServicesInRegistrationOrder() {
        List<String> log = new CopyOnWriteArrayList<>();
        Application app = new Application()
                .use("first", new LifecycleService("one", log))
                .use("/second/", new LifecycleService("two", log));
        app.on("setup", args -> log.add("app setup event"));
        app.on("teardown", args -> log.add("app teardown event"));
        assertThat(app.isSetUp()).isFalse();

        app.setup().join();
        assertThat(app.isSetUp()).isTrue();
        assertThat(log).containsExactly("setup one at first", "setup two at second", "app setup event");

        log.clear();
        app.teardown().join();
        assertThat(app.isSetUp()).isFalse();
        assertThat(log).containsExactly("teardown one at first", "teardown two at second", "app teardown event");
    }

    @Test
    void serviceRegisteredAfterSetupIsSetUpRightAway() {
        List<String> log = new ArrayList<>();
        Application app = new Application();
        app.setup().join();
        app.use("late", new LifecycleService("late", log));
        assertThat(log).containsExactly("setup late at late");
    }

    @Test
    void blockingServiceIsWrappedAndKeepsItsEvents() {
        Application app = new Application().use("b", new BlockingService() {
            @Override
            public java.util.List<String> events() {
                return List.of("typing");
            }
        });
        AppService s = app.service("b");
        assertThat(s.methods()).isEmpty();
        assertThat(s.events()).containsExactly("created", "updated", "patched", "removed", "typing");
    }

    @Test
    void syncIsAbsentByDefault() {
        Application app = new Application();
        assertThat(app.hasSync()).isFalse();
        assertThatThrownBy(app::sync).isInstanceOf(IllegalStateException.class);
    }
}
