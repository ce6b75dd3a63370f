package org.feathers4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of a service call, as Feathers' {@code params}: the query, the provider that
 * made the call ({@code null} for an internal call, {@code "rest"}, {@code "socketio"}...), route
 * placeholders, request headers, the authenticated user and authentication, the real-time
 * connection, and free extras for hooks to share.
 *
 * <p>Mutable and not thread-safe, like the call it belongs to; create one per call.
 */
public final class Params {

    private Map<String, Object> query = new LinkedHashMap<>();
    private String provider;
    private Map<String, Object> route = new LinkedHashMap<>();
    private Map<String, Object> headers = new LinkedHashMap<>();
    private Object user;
    private Object authentication;
    private Object connection;
    private final Map<String, Object> extras = new LinkedHashMap<>();

    /** Empty params: an internal call with no query. */
    public Params() {
    }

    /** Empty params, for reading fluently: {@code Params.of().query("text", "hi")}. */
    public static Params of() {
        return new Params();
    }

    /** Params holding a copy of this query. */
    public static Params withQuery(Map<String, ?> query) {
        return new Params().query(query);
    }

    /** The query; never {@code null}, modifiable. */
    public Map<String, Object> query() { return query; }

    /** Replaces the query with a copy of the given one ({@code null} clears it). */
    public Params query(Map<String, ?> query) {
        this.query = query == null ? new LinkedHashMap<>() : new LinkedHashMap<>(query);
        return this;
    }

    /** Sets one query entry. */
    public Params query(String key, Object value) {
        query.put(key, value);
        return this;
    }

    /** Who made the call: {@code null} for internal calls, else e.g. {@code "rest"} or {@code "socketio"}. */
    public String provider() { return provider; }

    /** Sets the provider. */
    public Params provider(String provider) {
        this.provider = provider;
        return this;
    }

    /** Route placeholders (e.g. {@code userId} of {@code users/:userId/messages}); modifiable. */
    public Map<String, Object> route() { return route; }

    /** Replaces the route placeholders. */
    public Params route(Map<String, ?> route) {
        this.route = route == null ? new LinkedHashMap<>() : new LinkedHashMap<>(route);
        return this;
    }

    /** Request headers of an external call; modifiable. Never sent over sync by default. */
    public Map<String, Object> headers() { return headers; }

    /** Replaces the headers. */
    public Params headers(Map<String, ?> headers) {
        this.headers = headers == null ? new LinkedHashMap<>() : new LinkedHashMap<>(headers);
        return this;
    }

    /** The authenticated user, or {@code null}. */
    public Object user() { return user; }

    /** Sets the authenticated user. */
    public Params user(Object user) {
        this.user = user;
        return this;
    }

    /** The authentication information (strategy, access token...), or {@code null}. */
    public Object authentication() { return authentication; }

    /** Sets the authentication information. */
    public Params authentication(Object authentication) {
        this.authentication = authentication;
        return this;
    }

    /** The real-time connection that made the call, or {@code null}. */
    public Object connection() { return connection; }

    /** Sets the real-time connection. */
    public Params connection(Object connection) {
        this.connection = connection;
        return this;
    }

    /** Free extras, e.g. values hooks pass to each other; modifiable. */
    public Map<String, Object> extras() { return extras; }

    /** Reads an extra. */
    public Object get(String key) { return extras.get(key); }

    /** Sets an extra. */
    public Params set(String key, Object value) {
        extras.put(key, value);
        return this;
    }

    /** A shallow copy: new maps with the same values. */
    public Params copy() {
        Params p = new Params();
        p.query = new LinkedHashMap<>(query);
        p.provider = provider;
        p.route = new LinkedHashMap<>(route);
        p.headers = new LinkedHashMap<>(headers);
        p.user = user;
        p.authentication = authentication;
        p.connection = connection;
        p.extras.putAll(extras);
        return p;
    }

    @Override
    public String toString() {
        return "Params{provider=" + provider + ", query=" + query + ", extras=" + extras.keySet() + "}";
    }
}
