package org.feathers4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.Futures.failure;
import static org.feathers4j.Futures.ok;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.NotFound;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.memory.MemoryServiceOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standard and custom service events. */
class ServiceEventsTest {

    /** One received event. */
    record Received(String event, Object data, HookContext context) {
    }

    private Application app;
    private AppService messages;
    private final List<Received> received = new ArrayList<>();

    @BeforeEach
    void setUp() {
        app = new Application().use("messages", new MemoryService(MemoryServiceOptions.defaults().withMulti(true)));
        messages = app.service("messages");
        for (String event : List.of("created", "updated", "patched", "removed")) {
            messages.on(event, (data, ctx) -> received.add(new Received(event, data, ctx)));
        }
    }

    @Test
    void standardEventsCarryTheResultAndTheContext() {
        ok(messages.create(Map.of("text", "a")));
        ok(messages.update(0L, Map.of("text", "b")));
        ok(messages.patch(0L, Map.of("read", true)));
        ok(messages.remove(0L));

        assertThat(received).extracting(Received::event).containsExactly("created", "updated", "patched", "removed");
        assertThat(received).extracting(Received::data).containsExactly(
                Map.of("id", 0L, "text", "a"),
                Map.of("id", 0L, "text", "b"),
                Map.of("id", 0L, "text", "b", "read", true),
                Map.of("id", 0L, "text", "b", "read", true));
        assertThat(received).extracting(r -> r.context().method())
                .containsExactly(Method.CREATE, Method.UPDATE, Method.PATCH, Method.REMOVE);
        assertThat(received).extracting(r -> r.context().event())
                .containsExactly("created", "updated", "patched", "removed");
        assertThat(received.get(1).context().id()).isEqualTo(0L);
        assertThat(received.get(0).context().service()).isSameAs(messages);
        assertThat(received.get(0).context().result()).isEqualTo(received.get(0).data());
    }

    @Test
    void findAndGetEmitNothing() {
        ok(messages.create(Map.of("text", "a")));
        received.clear();
        ok(messages.find());
        ok(messages.get(0L));
        assertThat(received).isEmpty();
    }

    @Test
    void failedCallsEmitNothing() {
        assertThat(failure(messages.create("not a map"))).isInstanceOf(BadRequest.class);
        assertThat(failure(messages.update(99, Map.of()))).isInstanceOf(NotFound.class);
        assertThat(failure(messages.patch(99, Map.of()))).isInstanceOf(NotFound.class);
        assertThat(failure(messages.remove(99))).isInstanceOf(NotFound.class);
        assertThat(received).isEmpty();
    }

    @Test
    void failingAfterHookEmitsNothing() {
        messages.hooks().after(ctx -> { throw new BadRequest("rejected after"); });
        assertThat(failure(messages.create(Map.of("text", "a")))).hasMessage("rejected after");
        assertThat(received).isEmpty();
    }

    @Test
    void listResultEmitsOneEventPerItem() {
        List<?> created = (List<?>) ok(messages.create(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3))));
        assertThat(created).hasSize(3);
        assertThat(received).extracting(Received::event).containsExactly("created", "created", "created");
        assertThat(received).extracting(Received::data).containsExactly(
                Map.of("id", 0L, "n", 1), Map.of("id", 1L, "n", 2), Map.of("id", 2L, "n", 3));
        assertThat(received.get(0).context()).isSameAs(received.get(2).context());

        received.clear();
        ok(messages.remove(null, Params.withQuery(Map.of("n", Map.of("$gte", 2)))));
        assertThat(received).extracting(Received::event).containsExactly("removed", "removed");
        assertThat(received).extracting(Received::data).containsExactly(
                Map.of("id", 1L, "n", 2), Map.of("id", 2L, "n", 3));
    }

    @Test
    void dispatchIsSentInsteadOfTheResult() {
        messages.hooks().after(Method.CREATE, ctx -> ctx.dispatch(Map.of("public", true)));
        Object result = ok(messages.create(Map.of("text", "a", "secret", "s3cr3t")));

        assertThat(result).isEqualTo(Map.of("id", 0L, "text", "a", "secret", "s3cr3t"));
        assertThat(received).extracting(Received::data).containsExactly(Map.of("public", true));
    }

    @Test
    void nullEventSuppressesTheEvent() {
        messages.hooks().before(Method.CREATE, ctx -> ctx.event(null));
        ok(messages.create(Map.of("text", "quiet")));
        ok(messages.patch(0L, Map.of("text", "loud")));
        assertThat(received).extracting(Received::event).containsExactly("patched");
    }

    @Test
    void hookCanRenameTheEvent() {
        List<Object> renamed = new ArrayList<>();
        messages.on("archived", (data, ctx) -> renamed.add(data));
        messages.hooks().after(Method.PATCH, ctx -> ctx.event("archived"));
        ok(messages.create(Map.of("text", "a")));
        ok(messages.patch(0L, Map.of("archived", true)));
        assertThat(received).extracting(Received::event).containsExactly("created");
        assertThat(renamed).containsExactly(Map.of("id", 0L, "text", "a", "archived", true));
    }

    @Test
    void customEventsAreDeclaredAndEmitted() {
        app.use("chat", new Service() {
            @Override
            public List<String> events() {
                return List.of("typing", "stopped-typing");
            }
        });
        AppService chat = app.service("chat");
        assertThat(chat.events()).containsExactly("created", "updated", "patched", "removed", "typing",
                "stopped-typing");

        List<Received> got = new ArrayList<>();
        chat.on("typing", (data, ctx) -> got.add(new Received("typing", data, ctx)));
        chat.emit("typing", Map.of("user", "ann"));

        assertThat(got).hasSize(1);
        assertThat(got.get(0).data()).isEqualTo(Map.of("user", "ann"));
        HookContext ctx = got.get(0).context();
        assertThat(ctx.method()).isNull();
        assertThat(ctx.event()).isEqualTo("typing");
        assertThat(ctx.service()).isSameAs(chat);
        assertThat(ctx.app()).isSameAs(app);
    }

    @Test
    void throwingListenerIsLoggedAndDoesNotBreakTheCallOrOtherListeners() {
        List<Object> later = new ArrayList<>();
        messages.on("created", (data, ctx) -> { throw new IllegalStateException("listener bug (expected in this test)"); });
        messages.on("created", (data, ctx) -> later.add(data));

        Object result = ok(messages.create(Map.of("text", "a")));
        assertThat(result).isEqualTo(Map.of("id", 0L, "text", "a"));
        assertThat(received).hasSize(1);
        assertThat(later).containsExactly(Map.of("id", 0L, "text", "a"));
    }

    @Test
    void onceListenerFiresOnce() {
        List<Object> once = new ArrayList<>();
        messages.once("created", (data, ctx) -> once.add(data));
        assertThat(messages.listenerCount("created")).isEqualTo(2);

        ok(messages.create(Map.of("n", 1)));
        ok(messages.create(Map.of("n", 2)));

        assertThat(once).containsExactly(Map.of("id", 0L, "n", 1));
        assertThat(received).hasSize(2);
        assertThat(messages.listenerCount("created")).isEqualTo(1);
    }

    @Test
    void offRemovesAListener() {
        List<Object> got = new ArrayList<>();
        ServiceEventListener listener = (data, ctx) -> got.add(data);
        messages.on("created", listener);
        ok(messages.create(Map.of("n", 1)));
        messages.off("created", listener);
        ok(messages.create(Map.of("n", 2)));
        assertThat(got).containsExactly(Map.of("id", 0L, "n", 1));
    }

    @Test
    void interceptorTakesStandardAndDeclaredEventsOnly() {
        List<String> intercepted = new ArrayList<>();
        messages.interceptEvents((service, event, data, ctx) -> {
            intercepted.add(event);
            return true;
        });
        List<Object> other = new ArrayList<>();
        messages.on("undeclared", (data, ctx) -> other.add(data));

        ok(messages.create(Map.of("n", 1)));
        messages.emit("undeclared", "x");

        assertThat(intercepted).containsExactly("created");
        assertThat(received).isEmpty();
        assertThat(other).containsExactly("x");
    }

    @Test
    void eventsOfAServiceWithoutHooksComeFromAPlainAsyncService() {
        app.use("plain", new Service() {
            @Override
            public CompletionStage<Object> create(Object data, Params params) {
                return CompletableFuture.completedFuture(List.of("a", "b"));
            }
        });
        List<Object> got = new ArrayList<>();
        app.service("plain").on("created", (data, ctx) -> got.add(data));
        ok(app.service("plain").create(Map.of()));
        assertThat(got).containsExactly("a", "b");
    }
}
