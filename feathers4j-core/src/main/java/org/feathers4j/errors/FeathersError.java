package org.feathers4j.errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Base of the Feathers error family. Each error carries the fields the Feathers client expects
 * ({@code name, message, code, className, data, errors}) and converts to and from that JSON shape
 * with {@link #toJson()} and {@link #fromJson(Map)}.
 *
 * <p>Throw a subclass ({@link NotFound}, {@link BadRequest}, ...) from a service or hook; the
 * transports send it to clients with its status code.
 */
public class FeathersError extends RuntimeException {

    private final String name;
    private final int code;
    private final String className;
    private final Object data;
    private final Object errors;

    /**
     * Creates an error of any name and code; prefer the specific subclasses.
     *
     * @param name      the error name, e.g. {@code "NotFound"}
     * @param className the class name, e.g. {@code "not-found"}
     * @param code      the HTTP status code
     * @param message   a human readable message
     * @param data      extra data for the client, may be {@code null}
     * @param errors    field errors for the client, may be {@code null}
     * @param cause     the underlying cause, may be {@code null}
     */
    public FeathersError(String name, String className, int code, String message, Object data, Object errors,
                         Throwable cause) {
        super(message == null ? "Error" : message, cause);
        this.name = Objects.requireNonNull(name, "name");
        this.className = Objects.requireNonNull(className, "className");
        this.code = code;
        this.data = data;
        this.errors = errors;
    }

    /** The error name as the Feathers client knows it, e.g. {@code "NotFound"}. */
    public String name() { return name; }

    /** The HTTP status code, e.g. 404. */
    public int code() { return code; }

    /** The kebab-case class name, e.g. {@code "not-found"}. */
    public String className() { return className; }

    /** Extra data sent to the client, or {@code null}. */
    public Object data() { return data; }

    /** Field errors sent to the client, or {@code null}. */
    public Object errors() { return errors; }

    /**
     * The JSON form as the Feathers client expects it:
     * {@code {name, message, code, className, data?, errors?}} (absent fields are left out).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("message", getMessage());
        json.put("code", code);
        json.put("className", className);
        if (data != null) json.put("data", data);
        if (errors != null) json.put("errors", errors);
        return json;
    }

    /**
     * Rebuilds an error from its JSON form; a known {@code name} or {@code code} gives the matching
     * subclass, anything else a {@link GeneralError}.
     */
    public static FeathersError fromJson(Map<?, ?> json) {
        Object n = json.get("name");
        Object m = json.get("message");
        Object c = json.get("code");
        String message = m == null ? null : String.valueOf(m);
        Object data = json.get("data");
        Object errors = json.get("errors");
        ErrorType type = n == null ? null : ErrorType.byName(String.valueOf(n));
        if (type == null && c instanceof Number num) type = ErrorType.byCode(num.intValue());
        if (type == null) type = ErrorType.GENERAL_ERROR;
        return type.create(message, data, errors, null);
    }

    /**
     * Converts any throwable to a Feathers error: Feathers errors are returned as they are
     * (after unwrapping {@link CompletionException} and {@link ExecutionException}), anything else
     * becomes a {@link GeneralError} with the original as its cause.
     */
    public static FeathersError convert(Throwable t) {
        Throwable u = unwrap(t);
        if (u instanceof FeathersError fe) return fe;
        if (u == null) return new GeneralError("Unknown error", null, null, null);
        // an exception without a message (e.g. a bare NullPointerException) is named by its class
        return new GeneralError(u.getMessage() != null ? u.getMessage() : u.toString(), null, null, u);
    }

    /** Strips {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public String toString() {
        return name + "(" + code + "): " + getMessage();
    }
}
