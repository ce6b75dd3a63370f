package org.feathers4j.server.internal;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.feathers4j.errors.BadRequest;

/**
 * Parses a query string the way Feathers' REST server ({@code qs}) nests it, e.g.
 * {@code $sort[createdAt]=-1}, {@code $in[]=a&$in[]=b}, {@code $or[0][name]=x} (what
 * {@code @feathersjs/rest-client} sends), optionally restoring types the client's JSON query had:
 * {@code true}/{@code false}, {@code null} and plain decimal numbers.
 */
public final class QueryStrings {

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)\\.[0-9]+");
    private static final Pattern INDEX = Pattern.compile("0|[1-9][0-9]{0,3}");
    private static final int MAX_DEPTH = 8;
    private static final int MAX_INDEX = 1000;

    private QueryStrings() {
    }

    /** Parses the query part of a URI ({@code uri} may contain a path, which is ignored). */
    public static Map<String, Object> parse(String uri, boolean inferTypes) {
        QueryStringDecoder d = new QueryStringDecoder(uri);
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : d.parameters().entrySet()) {
            List<String> path = keyPath(e.getKey());
            for (String raw : e.getValue()) put(root, path, inferTypes ? infer(raw) : raw);
        }
        return listify(root) instanceof Map<?, ?> m ? cast(m) : root;
    }

    /** {@code a[b][]} becomes {@code [a, b, ""]}. */
    static List<String> keyPath(String key) {
        List<String> out = new ArrayList<>();
        int open = key.indexOf('[');
        if (open <= 0) {
            out.add(key);
            return out;
        }
        out.add(key.substring(0, open));
        int i = open;
        while (i < key.length() && key.charAt(i) == '[') {
            int close = key.indexOf(']', i);
            if (close < 0) break;
            out.add(key.substring(i + 1, close));
            i = close + 1;
            if (out.size() > MAX_DEPTH) throw new BadRequest("Query parameter '" + key + "' is nested too deeply");
        }
        if (i < key.length()) out.set(out.size() - 1, out.get(out.size() - 1) + key.substring(i));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, List<String> path, Object value) {
        Map<String, Object> node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String seg = path.get(i);
            String next = path.get(i + 1);
            Object child = node.get(seg);
            if (next.isEmpty()) {
                // seg[] = value: a list
                List<Object> list;
                if (child instanceof List<?> l) {
                    list = (List<Object>) l;
                } else {
                    list = new ArrayList<>();
                    if (child != null) list.add(child);
                    node.put(seg, list);
                }
                if (i + 2 == path.size()) {
                    list.add(value);
                    return;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                list.add(m);
                node = m;
                i++;
                continue;
            }
            if (!(child instanceof Map<?, ?>)) {
                Map<String, Object> m = new LinkedHashMap<>();
                node.put(seg, m);
                child = m;
            }
            node = (Map<String, Object>) child;
        }
        String last = path.get(path.size() - 1);
        Object prev = node.get(last);
        if (prev == null && !node.containsKey(last)) {
            node.put(last, value);
        } else if (prev instanceof List<?> l) {
            ((List<Object>) l).add(value);
        } else {
            List<Object> list = new ArrayList<>();
            list.add(prev);
            list.add(value);
            node.put(last, list);
        }
    }

    /** Maps whose keys are exactly 0..n-1 become lists, as {@code qs} does with indices. */
    private static Object listify(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            boolean indices = !m.isEmpty();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                out.put(k, listify(e.getValue()));
                if (!INDEX.matcher(k).matches() || Integer.parseInt(k) >= MAX_INDEX) indices = false;
            }
            if (indices) {
                Object[] slots = new Object[out.size()];
                for (Map.Entry<String, Object> e : out.entrySet()) {
                    int idx = Integer.parseInt(e.getKey());
                    if (idx >= slots.length) return out;
                    slots[idx] = e.getValue();
                }
                return new ArrayList<>(java.util.Arrays.asList(slots));
            }
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(listify(x));
            return out;
        }
        return o;
    }

    /** {@code "true"} → true, {@code "null"} → null, {@code "-1"} → -1L, {@code "2.5"} → 2.5; else the string. */
    static Object infer(String raw) {
        switch (raw) {
            case "true": return Boolean.TRUE;
            case "false": return Boolean.FALSE;
            case "null": return null;
            default:
        }
        if (INTEGER.matcher(raw).matches()) {
            long v = Long.parseLong(raw);
            return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
        }
        if (DECIMAL.matcher(raw).matches()) return Double.parseDouble(raw);
        return raw;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
