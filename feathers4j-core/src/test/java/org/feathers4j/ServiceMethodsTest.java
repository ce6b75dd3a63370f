package org.feathers4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.feathers4j.Futures.failure;
import static org.feathers4j.Futures.ok;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.GeneralError;
import org.feathers4j.errors.MethodNotAllowed;
import org.feathers4j.errors.NotFound;
import org.feathers4j.errors.Unprocessable;
import org.junit.jupiter.api.Test;

/** Calling the six standard methods through {@link AppService}, for async and blocking services. */
class ServiceMethodsTest {

    /** Echoes every call as a map naming the method and its arguments. */
    static final class EchoService implements Service {
        final List<Params> seenParams = new ArrayList<>();

        @Override
        public CompletionStage<Object> find(Params params) {
            seenParams.add(params);
            return done(Map.of("method", "find", "query", params.query()));
        }

        @Override
        public CompletionStage<Object> get(Object id, Params params) {
            return done(Map.of("method", "get", "id", id));
        }

        @Override
        public CompletionStage<Object> create(Object data, Params params) {
            return done(Map.of("method", "create", "data", data));
        }

        @Override
        public CompletionStage<Object> update(Object id, Object data, Params params) {
            return done(Map.of("method", "update", "id", id, "data", data));
        }

        @Override
        public CompletionStage<Object> patch(Object id, Object data, Params params) {
            return done(Map.of("method", "patch", "id", id, "data", data));
        }

        @Override
        public CompletionStage<Object> remove(Object id, Params params) {
            return done(Map.of("method", "remove", "id", id));
        }

        private static CompletionStage<Object> done(Object value) {
            return CompletableFuture.completedFuture(value);
        }
    }

    /** The same as {@link EchoService}, written in blocking style. */
    static final class BlockingEcho implements BlockingService {
        @Override
        public Object find(Params params) { return Map.of("method", "find", "query", params.query()); }

        @Override
        public Object get(Object id, Params params) { return Map.of("method", "get", "id", id); }

        @Override
        public Object create(Object data, Params params) { return Map.of("method", "create", "data", data); }

        @Override
        public Object update(Object id, Object data, Params params) {
            return Map.of("method", "update", "id", id, "data", data);
        }

        @Override
        public Object patch(Object id, Object data, Params params) {
            return Map.of("method", "patch", "id", id, "data", data);
        }

        @Override
        public Object remove(Object id, Params params) { return Map.of("method", "remove", "id", id); }
    }

    private static void assertAllSixEcho(AppService s) {
        assertThat(ok(s.find(Params.withQuery(Map.of("text", "hi")))))
                .isEqualTo(Map.of("method", "find", "query", Map.of("text", "hi")));
        assertThat(ok(s.get(7))).isEqualTo(Map.of("method", "get", "id", 7));
        assertThat(ok(s.create(Map.of("a", 1)))).isEqualTo(Map.of("method", "create", "data", Map.of("a", 1)));
        assertThat(ok(s.update(7, Map.of("a", 2))))
                .isEqualTo(Map.of("method", "update", "id", 7, "data", Map.of("a", 2)));
        assertThat(ok(s.patch(7, Map.of("a", 3))))
                .isEqualTo(Map.of("method", "patch", "id", 7, "data", Map.of("a", 3)));
        assertThat(ok(s.remove(7))).isEqualTo(Map.of("method", "remove", "id", 7));
        assertThat(s.methods()).isEqualTo(EnumSet.allOf(Method.class));
    }

    @Test
    void allSixMethodsOfAnAsyncService() {
        Application app = new Application().use("echo", new EchoService());
        assertAllSixEcho(app.service("echo"));
    }

    @Test
    void allSixMethodsOfABlockingService() {
        Application app = new Application().use("echo", new BlockingEcho());
        assertAllSixEcho(app.service("echo"));
    }

    @Test
    void callByEnumRunsTheMethod() {
        Application app = new Application().use("echo", new EchoService());
        assertThat(ok(app.service("echo").call(Method.PATCH, 3, Map.of("x", 1), null)))
                .isEqualTo(Map.of("method", "patch", "id", 3, "data", Map.of("x", 1)));
    }

    @Test
    void paramsReachTheService() {
        EchoService echo = new EchoService();
        Application app = new Application().use("echo", echo);
        Params params = Params.of().query("text", "hi").provider("rest").set("k", "v");
        ok(app.service("echo").find(params));
        assertThat(echo.seenParams).hasSize(1);
        Params seen = echo.seenParams.get(0);
        assertThat(seen.provider()).isEqualTo("rest");
        assertThat(seen.get("k")).isEqualTo("v");
        assertThat(seen.query()).containsEntry("text", "hi");
    }

    @Test
    void missingMethodOfAnAsyncServiceIsMethodNotAllowed() {
        Application app = new Application().use("readonly", new Service() {
            @Override
            public CompletionStage<Object> get(Object id, Params params) {
                return CompletableFuture.completedFuture("item " + id);
            }
        });
        AppService s = app.service("readonly");

        assertThat(s.methods()).containsExactly(Method.GET);
        assertThat(s.offers(Method.GET)).isTrue();
        assertThat(s.offers(Method.CREATE)).isFalse();
        assertThat(ok(s.get(1))).isEqualTo("item 1");

        FeathersError e = failure(s.create(Map.of()));
        assertThat(e).isInstanceOf(MethodNotAllowed.class);
        assertThat(e.code()).isEqualTo(405);
        assertThat(e.getMessage()).isEqualTo("Method `create` is not supported by this endpoint.");
        assertThat(failure(s.find())).isInstanceOf(MethodNotAllowed.class);
        assertThat(failure(s.update(1, Map.of()))).isInstanceOf(MethodNotAllowed.class);
        assertThat(failure(s.patch(1, Map.of()))).isInstanceOf(MethodNotAllowed.class);
        assertThat(failure(s.remove(1))).isInstanceOf(MethodNotAllowed.class);
    }

    @Test
    void missingMethodOfABlockingServiceIsMethodNotAllowed() {
        Application app = new Application().use("writeonly", new BlockingService() {
            @Override
            public Object create(Object data, Params params) {
                return data;
            }

            @Override
            public Object remove(Object id, Params params) {
                return id;
            }
        });
        AppService s = app.service("writeonly");

        assertThat(s.methods()).containsExactlyInAnyOrder(Method.CREATE, Method.REMOVE);
        assertThat(ok(s.create("x"))).isEqualTo("x");
        FeathersError e = failure(s.get(1));
        assertThat(e).isInstanceOf(MethodNotAllowed.class);
        assertThat(e.getMessage()).isEqualTo("Method `get` is not supported by this endpoint.");
    }

    @Test
    void notAllowedMethodRunsNoHooks() {
        Application app = new Application().use("readonly", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                return CompletableFuture.completedFuture(List.of());
            }
        });
        List<String> ran = new ArrayList<>();
        app.hooks().before(ctx -> ran.add("before"));
        assertThat(failure(app.service("readonly").remove(1))).isInstanceOf(MethodNotAllowed.class);
        assertThat(ran).isEmpty();
    }

    @Test
    void methodsOfASubclassIncludeInheritedImplementations() {
        class Base implements Service {
            @Override
            public CompletionStage<Object> find(Params params) {
                return CompletableFuture.completedFuture(List.of());
            }
        }
        class Derived extends Base {
            @Override
            public CompletionStage<Object> get(Object id, Params params) {
                return CompletableFuture.completedFuture(id);
            }
        }
        Application app = new Application().use("d", new Derived());
        assertThat(app.service("d").methods()).containsExactlyInAnyOrder(Method.FIND, Method.GET);
    }

    @Test
    void blockingServiceThrowingAFeathersErrorFailsWithIt() {
        Application app = new Application().use("b", new BlockingService() {
            @Override
            public Object get(Object id, Params params) {
                throw new Unprocessable("bad id " + id);
            }
        });
        FeathersError e = failure(app.service("b").get(5));
        assertThat(e).isInstanceOf(Unprocessable.class);
        assertThat(e.getMessage()).isEqualTo("bad id 5");
    }

    @Test
    void otherExceptionsBecomeGeneralErrors() {
        Application app = new Application()
                .use("blocking", new BlockingService() {
                    @Override
                    public Object get(Object id, Params params) throws Exception {
                        throw new java.io.IOException("disk on fire");
                    }
                })
                .use("async", new Service() {
                    @Override
                    public CompletionStage<Object> get(Object id, Params params) {
                        return CompletableFuture.failedFuture(new IllegalStateException("broken"));
                    }
                })
                .use("throwing", new Service() {
                    @Override
                    public CompletionStage<Object> get(Object id, Params params) {
                        throw new IllegalStateException("thrown, not returned");
                    }
                });

        FeathersError blocking = failure(app.service("blocking").get(1));
        assertThat(blocking).isInstanceOf(GeneralError.class).hasMessage("disk on fire");
        assertThat(blocking.getCause()).isInstanceOf(java.io.IOException.class);

        FeathersError async = failure(app.service("async").get(1));
        assertThat(async).isInstanceOf(GeneralError.class).hasMessage("broken");
        assertThat(async.getCause()).isInstanceOf(IllegalStateException.class);

        FeathersError thrown = failure(app.service("throwing").get(1));
        assertThat(thrown).isInstanceOf(GeneralError.class).hasMessage("thrown, not returned");
    }

    @Test
    void serviceReturningNullStageFailsTheCall() {
        Application app = new Application().use("nulls", new Service() {
            @Override
            public CompletionStage<Object> find(Params params) {
                return null;
            }
        });
        FeathersError e = failure(app.service("nulls").find());
        assertThat(e).isInstanceOf(GeneralError.class);
        assertThat(e.getMessage()).contains("nulls").contains("find");
    }

    @Test
    void pathsAreNormalised() {
        Application app = new Application().use("/messages/", new EchoService());
        assertThat(app.service("messages").path()).isEqualTo("messages");
        assertThat(app.service("/messages")).isSameAs(app.service("messages/"));
        assertThat(app.services()).containsOnlyKeys("messages");
        assertThat(Application.normalize("//users/messages//")).isEqualTo("users/messages");
        assertThat(app.lookup("/messages/")).isPresent();
        assertThat(app.lookup("other")).isEmpty();
    }

    @Test
    void unknownServiceIsNotFound() {
        Application app = new Application();
        assertThatThrownBy(() -> app.service("/x/"))
                .isInstanceOf(NotFound.class)
                .hasMessage("Service 'x' not found");
    }

    @Test
    void duplicateAndEmptyPathsAreRejected() {
        Application app = new Application().use("messages", new EchoService());
        EchoService second = new EchoService();
        assertThatThrownBy(() -> app.use("/messages/", second))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'messages'");
        assertThat(app.service("messages").implementation()).isNotSameAs(second);
        assertThatThrownBy(() -> app.use("/", new EchoService())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> app.use("", new EchoService())).isInstanceOf(IllegalArgumentException.class);
    }
}
