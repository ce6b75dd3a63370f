package org.feathers4j;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.feathers4j.hooks.HookType;

/**
 * Everything about one service call, as hooks and event listeners see it: the application, the
 * service and its path, the method, the hook type currently running, the id, data and params of
 * the call, its result or error, the event it will emit, the data to dispatch to clients, and free
 * flags (e.g. the sync switch).
 *
 * <p>Contexts of events that arrived from another instance through sync are rebuilt locally:
 * {@link #app()} and {@link #service()} are this instance's objects, and {@link #isFromSync()} is
 * true.
 */
public final class HookContext {

    private final Application app;
    private final AppService service;
    private final Method method;
    private HookType type = HookType.AROUND;
    private Object id;
    private Object data;
    private Params params;
    private Object result;
    private boolean resultSet;
    private Throwable error;
    private String event;
    private Object dispatch;
    private Integer statusCode;
    private boolean fromSync;
    private final Map<String, Object> flags = new ConcurrentHashMap<>();

    /**
     * Creates a context; the application does this for every call, and sync for every event it
     * receives.
     *
     * @param app     the application
     * @param service the service
     * @param method  the method, or {@code null} for a custom event not tied to a call
     * @param params  the params; {@code null} gives empty params
     */
    public HookContext(Application app, AppService service, Method method, Params params) {
        this.app = Objects.requireNonNull(app, "app");
        this.service = Objects.requireNonNull(service, "service");
        this.method = method;
        this.params = params == null ? new Params() : params;
        this.event = method == null ? null : method.event();
    }

    /** The application. */
    public Application app() { return app; }

    /** The service as registered in the application. */
    public AppService service() { return service; }

    /** The service path, e.g. {@code "messages"}. */
    public String path() { return service.path(); }

    /** The method, or {@code null} for a custom event emitted outside a call. */
    public Method method() { return method; }

    /** The hook type currently running. */
    public HookType type() { return type; }

    /** Sets the hook type; used by the hook runner. */
    public HookContext type(HookType type) { this.type = Objects.requireNonNull(type); return this; }

    /** The id of get/update/patch/remove, else {@code null}. */
    public Object id() { return id; }

    /** Sets the id. */
    public HookContext id(Object id) { this.id = id; return this; }

    /** The data of create/update/patch, else {@code null}. */
    public Object data() { return data; }

    /** Sets the data. */
    public HookContext data(Object data) { this.data = data; return this; }

    /** The params of the call; never {@code null}. */
    public Params params() { return params; }

    /** Replaces the params. */
    public HookContext params(Params params) { this.params = params == null ? new Params() : params; return this; }

    /** The result, once the method (or a hook) set it. */
    public Object result() { return result; }

    /** Sets the result; in a before hook this skips the service method. */
    public HookContext result(Object result) {
        this.result = result;
        this.resultSet = true;
        return this;
    }

    /** Whether a result was set (it may be {@code null}). */
    public boolean hasResult() { return resultSet; }

    /** Forgets the result, so the method runs after all. */
    public HookContext clearResult() {
        this.result = null;
        this.resultSet = false;
        return this;
    }

    /** The error in error hooks, else {@code null}. */
    public Throwable error() { return error; }

    /** Sets or (with {@code null}, in an error hook) clears the error; a cleared error returns the result. */
    public HookContext error(Throwable error) { this.error = error; return this; }

    /**
     * The event the call emits on success ({@code "created"} for create...); set it to
     * {@code null} to emit none.
     */
    public String event() { return event; }

    /** Sets the event name. */
    public HookContext event(String event) { this.event = event; return this; }

    /** Data to send to clients instead of the result (e.g. without private fields), or {@code null}. */
    public Object dispatch() { return dispatch; }

    /** Sets the dispatch data. */
    public HookContext dispatch(Object dispatch) { this.dispatch = dispatch; return this; }

    /**
     * The HTTP status a hook wants a successful REST call answered with (e.g. 202 for a create that
     * is only queued), or {@code null} for the default (201 for create, 204 without a result, else
     * 200); 204 sends no body. Errors answer with their own code. Other transports ignore it.
     */
    public Integer statusCode() { return statusCode; }

    /** Sets the HTTP status code. */
    public HookContext statusCode(Integer statusCode) { this.statusCode = statusCode; return this; }

    /** Whether this context was rebuilt from an event that arrived through sync. */
    public boolean isFromSync() { return fromSync; }

    /** Marks this context as rebuilt from sync; used by the sync plugin. */
    public HookContext fromSync(boolean fromSync) { this.fromSync = fromSync; return this; }

    /** Reads a flag. */
    public Object get(String flag) { return flags.get(flag); }

    /** Sets a flag ({@code null} removes it). */
    public HookContext set(String flag, Object value) {
        if (value == null) flags.remove(flag); else flags.put(flag, value);
        return this;
    }

    /** All flags; modifiable. */
    public Map<String, Object> flags() { return flags; }

    /** The data an event of this call carries: {@link #dispatch()} if set, else {@link #result()}. */
    public Object eventData() { return dispatch != null ? dispatch : result; }

    @Override
    public String toString() {
        return "HookContext{" + path() + "." + (method == null ? "-" : method.methodName()) + ", type=" + type.typeName()
                + ", event=" + event + (fromSync ? ", fromSync" : "") + "}";
    }
}
