package org.feathers4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.MethodNotAllowed;
import org.feathers4j.hooks.Hooks;
import org.feathers4j.internal.HookRunner;
import org.feathers4j.internal.Listeners;

/**
 * A service as registered in an {@link Application}: call its methods here to run them with hooks
 * and events, listen to its events with {@link #on}, and register its hooks with {@link #hooks()}.
 * Obtain it with {@link Application#service(String)}.
 *
 * <pre>{@code
 * AppService messages = app.service("messages");
 * messages.on("created", (data, ctx) -> System.out.println("new message " + data));
 * messages.create(Map.of("text", "hello")).join();
 * }</pre>
 *
 * <p>Every method returns a {@link CompletableFuture} that fails with a {@link FeathersError}
 * (any other exception is converted to a {@link org.feathers4j.errors.GeneralError}).
 */
public final class AppService {

    private final Application app;
    private final String path;
    private final Service service;
    private final Set<Method> methods;
    private final Set<String> events;
    private final Hooks hooks = new Hooks();
    private final Listeners<ServiceEventListener> listeners;
    private volatile EventInterceptor interceptor;

    AppService(Application app, String path, Service service) {
        this.app = app;
        this.path = path;
        this.service = service;
        this.methods = Collections.unmodifiableSet(implementedMethods(service));
        Set<String> ev = new LinkedHashSet<>(Method.STANDARD_EVENTS);
        ev.addAll(service.events());
        this.events = Collections.unmodifiableSet(ev);
        this.listeners = new Listeners<>("service '" + path + "'");
    }

    /** The normalised path, e.g. {@code "messages"}. */
    public String path() { return path; }

    /** The application. */
    public Application app() { return app; }

    /** The service implementation as it was registered (a {@link BlockingService} comes wrapped). */
    public Service implementation() { return service; }

    /** The standard methods the implementation offers. */
    public Set<Method> methods() { return methods; }

    /** Whether the implementation offers this method. */
    public boolean offers(Method method) { return methods.contains(method); }

    /** The events this service publishes: the standard four, then its declared custom events. */
    public Set<String> events() { return events; }

    /** This service's hooks; register with {@code hooks().before(...)}. */
    public Hooks hooks() { return hooks; }

    // ---- methods -------------------------------------------------------------------------

    /** Finds with an empty query. */
    public CompletableFuture<Object> find() { return find(new Params()); }

    /** Finds matching {@code params.query()}. */
    public CompletableFuture<Object> find(Params params) { return call(Method.FIND, null, null, params); }

    /** Gets a record. */
    public CompletableFuture<Object> get(Object id) { return get(id, new Params()); }

    /** Gets a record. */
    public CompletableFuture<Object> get(Object id, Params params) { return call(Method.GET, id, null, params); }

    /** Creates a record (or several when data is a list). */
    public CompletableFuture<Object> create(Object data) { return create(data, new Params()); }

    /** Creates a record (or several when data is a list). */
    public CompletableFuture<Object> create(Object data, Params params) { return call(Method.CREATE, null, data, params); }

    /** Replaces a record. */
    public CompletableFuture<Object> update(Object id, Object data) { return update(id, data, new Params()); }

    /** Replaces a record. */
    public CompletableFuture<Object> update(Object id, Object data, Params params) {
        return call(Method.UPDATE, id, data, params);
    }

    /** Patches a record ({@code id == null}: every match of the query). */
    public CompletableFuture<Object> patch(Object id, Object data) { return patch(id, data, new Params()); }

    /** Patches a record ({@code id == null}: every match of the query). */
    public CompletableFuture<Object> patch(Object id, Object data, Params params) {
        return call(Method.PATCH, id, data, params);
    }

    /** Removes a record ({@code id == null}: every match of the query). */
    public CompletableFuture<Object> remove(Object id) { return remove(id, new Params()); }

    /** Removes a record ({@code id == null}: every match of the query). */
    public CompletableFuture<Object> remove(Object id, Params params) { return call(Method.REMOVE, id, null, params); }

    /**
     * Calls a method by its enum: runs the hooks, the method and, on success, emits the event.
     * Transports use this; the result future fails with a {@link FeathersError}.
     */
    public CompletableFuture<Object> call(Method method, Object id, Object data, Params params) {
        return callForContext(method, id, data, params).thenApply(HookContext::result);
    }

    /**
     * As {@link #call}, but completes with the whole hook context after the hooks ran (as Feathers'
     * {@code returnContext}): its {@code result()}, and what hooks set for the transport, such as
     * {@link HookContext#statusCode()}.
     */
    public CompletableFuture<HookContext> callForContext(Method method, Object id, Object data, Params params) {
        Objects.requireNonNull(method, "method");
        if (!methods.contains(method)) {
            return CompletableFuture.failedFuture(new MethodNotAllowed(
                    "Method `" + method.methodName() + "` is not supported by this endpoint."));
        }
        HookContext ctx = new HookContext(app, this, method, params);
        ctx.id(id).data(data);
        return HookRunner.run(ctx, app.hooks(), hooks, () -> invoke(ctx)).thenApply(c -> {
            emitFor(c);
            return c;
        });
    }

    private CompletionStage<Object> invoke(HookContext c) {
        Params p = c.params();
        return switch (c.method()) {
            case FIND -> service.find(p);
            case GET -> service.get(c.id(), p);
            case CREATE -> service.create(c.data(), p);
            case UPDATE -> service.update(c.id(), c.data(), p);
            case PATCH -> service.patch(c.id(), c.data(), p);
            case REMOVE -> service.remove(c.id(), p);
        };
    }

    private void emitFor(HookContext ctx) {
        String event = ctx.event();
        if (event == null) return;
        Object payload = ctx.eventData();
        if (payload instanceof List<?> list) {
            for (Object item : list) emit(event, item, ctx);
        } else {
            emit(event, payload, ctx);
        }
    }

    // ---- events --------------------------------------------------------------------------

    /** Listens to an event, e.g. {@code "created"} or a custom event. */
    public AppService on(String event, ServiceEventListener listener) {
        listeners.on(Objects.requireNonNull(event, "event"), Objects.requireNonNull(listener, "listener"), false);
        return this;
    }

    /** Listens to the next occurrence of an event only. */
    public AppService once(String event, ServiceEventListener listener) {
        listeners.on(Objects.requireNonNull(event, "event"), Objects.requireNonNull(listener, "listener"), true);
        return this;
    }

    /** Removes a listener. */
    public AppService off(String event, ServiceEventListener listener) {
        listeners.off(event, listener);
        return this;
    }

    /** How many listeners an event has. */
    public int listenerCount(String event) { return listeners.count(event); }

    /**
     * Emits an event. Standard and declared custom events go through the event interceptor (sync)
     * when there is one; other events, and all events without an interceptor, reach the local
     * listeners right away.
     *
     * @param context the context of the call; {@code null} makes a context with no method
     */
    public void emit(String event, Object data, HookContext context) {
        HookContext ctx = context != null ? context : new HookContext(app, this, null, null).event(event);
        EventInterceptor i = interceptor;
        if (i != null && events.contains(event) && i.intercept(this, event, data, ctx)) return;
        emitLocal(event, data, ctx);
    }

    /** Emits a custom event with a fresh context; see {@link #emit(String, Object, HookContext)}. */
    public void emit(String event, Object data) {
        emit(event, data, null);
    }

    /** Delivers an event to this instance's listeners only, bypassing the interceptor. */
    public void emitLocal(String event, Object data, HookContext context) {
        listeners.emit(event, l -> l.onEvent(data, context));
    }

    /**
     * Sets the interceptor of this service's events; {@code null} removes it.
     *
     * @throws IllegalStateException if a different interceptor is already set
     */
    public synchronized void interceptEvents(EventInterceptor interceptor) {
        if (interceptor != null && this.interceptor != null && this.interceptor != interceptor) {
            throw new IllegalStateException("service '" + path + "' already has an event interceptor");
        }
        this.interceptor = interceptor;
    }

    private static Set<Method> implementedMethods(Service service) {
        Set<Method> out = EnumSet.noneOf(Method.class);
        Class<?> type = service instanceof org.feathers4j.internal.BlockingServiceAdapter b
                ? b.delegate().getClass() : service.getClass();
        Class<?> base = service instanceof org.feathers4j.internal.BlockingServiceAdapter
                ? BlockingService.class : Service.class;
        for (Method m : Method.values()) {
            if (isOverridden(type, base, m)) out.add(m);
        }
        return out;
    }

    private static boolean isOverridden(Class<?> type, Class<?> base, Method m) {
        List<Class<?>> params = new ArrayList<>();
        if (m.takesId()) params.add(Object.class);
        if (m.takesData()) params.add(Object.class);
        params.add(Params.class);
        try {
            java.lang.reflect.Method found = type.getMethod(m.methodName(), params.toArray(Class<?>[]::new));
            return found.getDeclaringClass() != base;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "AppService{" + path + ", methods=" + methods + "}";
    }

}
