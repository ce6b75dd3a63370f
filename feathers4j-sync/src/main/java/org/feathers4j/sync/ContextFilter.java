package org.feathers4j.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.feathers4j.HookContext;
import org.feathers4j.Method;
import org.feathers4j.Params;

/**
 * Decides what of a call's context goes on the bus. Every subscriber of the broker receives it,
 * so by default nothing that could leak credentials is sent:
 *
 * <ul>
 *   <li>{@code params.headers}, {@code params.authentication} and {@code params.connection} are
 *       left out entirely;</li>
 *   <li>in what remains of {@code params} (user, query, route, extras) and in the call's input
 *       ({@code context.data} and {@code arguments}), every entry whose key matches
 *       {@link #DEFAULT_SENSITIVE_KEYS} (password, secret, token, jwt, api key, authorization,
 *       cookie, credential, private key, case-insensitive, at any depth) is removed.</li>
 * </ul>
 *
 * <p>The event data, {@code context.result} and {@code context.dispatch} are sent as they are:
 * they are what the service returned and what clients receive; keep secrets out of them with an
 * after hook (as Feathers' {@code protect} does) or set {@code dispatch}.
 *
 * <p>The wire context has feathers-sync 3.x's keys: {@code arguments, event, type, result,
 * dispatch?, id?, data?, params, path, method}.
 */
public final class ContextFilter {

    /** Keys removed by default wherever they occur in params and input data. */
    public static final Pattern DEFAULT_SENSITIVE_KEYS = Pattern.compile(
            "(?i).*(password|passwd|secret|token|jwt|api[-_]?key|authorization|cookie|credential|private[-_]?key).*");

    /** Params sections left out by default. */
    public static final Set<String> DEFAULT_OMITTED_PARAMS = Set.of("headers", "authentication", "connection");

    private static final com.fasterxml.jackson.databind.ObjectMapper POJO_MAPPER = JsonSyncSerializer.defaultMapper();

    private final Pattern sensitiveKeys;
    /** The pattern's verdict per key seen: the same few keys come with every event. */
    private final Map<String, Boolean> verdicts = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_VERDICTS = 4096;
    private final Set<String> omittedParams;
    private final UnaryOperator<Map<String, Object>> andThen;

    private ContextFilter(Pattern sensitiveKeys, Set<String> omittedParams, UnaryOperator<Map<String, Object>> andThen) {
        this.sensitiveKeys = sensitiveKeys;
        this.omittedParams = Set.copyOf(omittedParams);
        this.andThen = andThen;
    }

    /** The default rule described above. */
    public static ContextFilter defaults() {
        return new ContextFilter(DEFAULT_SENSITIVE_KEYS, DEFAULT_OMITTED_PARAMS, null);
    }

    /** This rule with another pattern of sensitive keys ({@code null}: remove none). */
    public ContextFilter sensitiveKeys(Pattern pattern) {
        return new ContextFilter(pattern, omittedParams, andThen);
    }

    /**
     * This rule with these params sections (of {@code headers, authentication, connection}) sent
     * after all; sensitive keys inside them are still removed. {@code connection} is never sent.
     */
    public ContextFilter keepParams(String... sections) {
        Set<String> omitted = new LinkedHashSet<>(omittedParams);
        for (String s : sections) if (!"connection".equals(s)) omitted.remove(s);
        return new ContextFilter(sensitiveKeys, omitted, andThen);
    }

    /** This rule followed by your own step, which may change or replace the wire context. */
    public ContextFilter andThen(UnaryOperator<Map<String, Object>> step) {
        Objects.requireNonNull(step, "step");
        UnaryOperator<Map<String, Object>> prev = andThen;
        return new ContextFilter(sensitiveKeys, omittedParams, prev == null ? step : m -> step.apply(prev.apply(m)));
    }

    /** The context as it goes on the wire. */
    public Map<String, Object> toWire(HookContext ctx) {
        Map<String, Object> params = params(ctx.params());
        Method method = ctx.method();
        Object data = scrub(ctx.data());
        Map<String, Object> out = new LinkedHashMap<>();
        if (method != null) {
            List<Object> args = new ArrayList<>(3);
            if (method.takesId()) args.add(ctx.id());
            if (method.takesData()) args.add(data);
            args.add(params);
            out.put("arguments", args);
        }
        out.put("event", ctx.event());
        out.put("type", ctx.type().typeName());
        out.put("result", ctx.result());
        if (ctx.dispatch() != null) out.put("dispatch", ctx.dispatch());
        if (method != null && method.takesId()) out.put("id", ctx.id());
        if (method != null && method.takesData()) out.put("data", data);
        out.put("params", params);
        out.put("path", ctx.path());
        if (method != null) out.put("method", method.methodName());
        return andThen == null ? out : andThen.apply(out);
    }

    private Map<String, Object> params(Params p) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (p.provider() != null) out.put("provider", p.provider());
        if (p.user() != null) out.put("user", scrub(p.user()));
        if (p.authentication() != null && !omittedParams.contains("authentication")) {
            out.put("authentication", scrub(p.authentication()));
        }
        if (!p.headers().isEmpty() && !omittedParams.contains("headers")) out.put("headers", scrub(p.headers()));
        if (!p.query().isEmpty()) out.put("query", scrub(p.query()));
        if (!p.route().isEmpty()) out.put("route", scrub(p.route()));
        for (Map.Entry<String, Object> e : p.extras().entrySet()) {
            if (Sync.SYNC.equals(e.getKey()) || isSensitive(e.getKey())) continue;
            out.put(e.getKey(), scrub(e.getValue()));
        }
        return out;
    }

    private boolean isSensitive(String key) {
        if (sensitiveKeys == null) return false;
        Boolean known = verdicts.get(key);
        if (known != null) return known;
        boolean sensitive = sensitiveKeys.matcher(key).matches();
        // keys come from clients too (query, data): remember a bounded number of them
        if (verdicts.size() < MAX_VERDICTS) verdicts.put(key, sensitive);
        return sensitive;
    }

    /** Copies maps and lists without sensitive keys; other values are returned as they are. */
    private Object scrub(Object value) {
        if (sensitiveKeys == null) return value;
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (isSensitive(String.valueOf(e.getKey()))) continue;
                out.put(e.getKey(), scrub(e.getValue()));
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object o : c) out.add(scrub(o));
            return out;
        }
        if (isPlain(value)) return value;
        // a record or POJO (e.g. a User with a password field): scrub its JSON form
        try {
            return scrub(POJO_MAPPER.convertValue(value, Object.class));
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static boolean isPlain(Object v) {
        return v == null || v instanceof CharSequence || v instanceof Number || v instanceof Boolean
                || v instanceof Character || v instanceof Enum<?> || v instanceof java.time.temporal.TemporalAccessor
                || v instanceof java.util.Date || v instanceof java.util.UUID || v instanceof byte[];
    }
}
