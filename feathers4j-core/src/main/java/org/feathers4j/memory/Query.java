package org.feathers4j.memory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.feathers4j.errors.BadRequest;

/**
 * The common Feathers query syntax, evaluated in memory: equality, {@code $in}, {@code $nin},
 * {@code $lt}, {@code $lte}, {@code $gt}, {@code $gte}, {@code $ne}, {@code $or} and {@code $and}
 * to filter; {@code $sort}, {@code $skip}, {@code $limit} and {@code $select} to shape.
 *
 * <p>Values compare as Feathers' memory adapter compares them: numbers by value whatever their
 * Java type ({@code 1 == 1L == 1.0}), strings lexicographically, {@code null} below everything.
 */
public final class Query {

    private static final Set<String> FILTERS = Set.of("$limit", "$skip", "$sort", "$select");
    private static final Set<String> OPERATORS = Set.of("$in", "$nin", "$lt", "$lte", "$gt", "$gte", "$ne");

    private Query() {
    }

    /** Whether a record matches the query's conditions (filters like {@code $limit} are ignored). */
    public static boolean matches(Map<String, Object> record, Map<String, ?> query) {
        for (Map.Entry<String, ?> e : query.entrySet()) {
            String key = e.getKey();
            Object cond = e.getValue();
            if (FILTERS.contains(key)) continue;
            if (key.equals("$or")) {
                boolean any = false;
                for (Map<String, ?> q : subQueries(key, cond)) {
                    if (matches(record, q)) { any = true; break; }
                }
                if (!any) return false;
            } else if (key.equals("$and")) {
                for (Map<String, ?> q : subQueries(key, cond)) if (!matches(record, q)) return false;
            } else if (key.startsWith("$")) {
                throw new BadRequest("Invalid query parameter " + key);
            } else if (!fieldMatches(record.get(key), cond, key)) {
                return false;
            }
        }
        return true;
    }

    private static List<Map<String, ?>> subQueries(String op, Object cond) {
        if (!(cond instanceof Collection<?> list)) throw new BadRequest(op + " needs a list of queries");
        List<Map<String, ?>> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) throw new BadRequest(op + " needs a list of queries");
            out.add(stringKeys(m));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> stringKeys(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }

    private static boolean fieldMatches(Object value, Object cond, String field) {
        if (!(cond instanceof Map<?, ?> ops) || ops.isEmpty() || !isOperatorMap(ops)) return same(value, cond);
        for (Map.Entry<?, ?> op : ops.entrySet()) {
            Object arg = op.getValue();
            boolean ok = switch (String.valueOf(op.getKey())) {
                case "$in" -> containsValue(list(arg, field, "$in"), value);
                case "$nin" -> !containsValue(list(arg, field, "$nin"), value);
                case "$ne" -> !same(value, arg);
                case "$lt" -> value != null && compare(value, arg) < 0;
                case "$lte" -> value != null && compare(value, arg) <= 0;
                case "$gt" -> value != null && compare(value, arg) > 0;
                case "$gte" -> value != null && compare(value, arg) >= 0;
                default -> throw new BadRequest("Invalid query parameter " + op.getKey());
            };
            if (!ok) return false;
        }
        return true;
    }

    private static boolean isOperatorMap(Map<?, ?> ops) {
        for (Object k : ops.keySet()) if (!String.valueOf(k).startsWith("$")) return false;
        return true;
    }

    private static Collection<?> list(Object arg, String field, String op) {
        if (arg instanceof Collection<?> c) return c;
        if (arg instanceof Object[] a) return List.of(a);
        // a single value is accepted as a one-element list, as query strings often carry one
        if (arg != null && !(arg instanceof Map)) return List.of(arg);
        throw new BadRequest(op + " of '" + field + "' needs a list");
    }

    private static boolean containsValue(Collection<?> values, Object value) {
        for (Object v : values) if (same(value, v)) return true;
        return false;
    }

    /** Equality as the query sees it: numbers by value, everything else by {@link Objects#equals}. */
    public static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return compareNumbers(x, y) == 0;
        return Objects.equals(a, b);
    }

    /** Ordering as the query sees it: null first, numbers by value, strings lexicographically. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object a, Object b) {
        if (a == b) return 0;
        if (a == null) return -1;
        if (b == null) return 1;
        if (a instanceof Number x && b instanceof Number y) return compareNumbers(x, y);
        if (a instanceof Comparable ca && a.getClass().isInstance(b)) return ca.compareTo(b);
        if (b instanceof Comparable cb && b.getClass().isInstance(a)) return -cb.compareTo(a);
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

    private static int compareNumbers(Number x, Number y) {
        if (isIntegral(x) && isIntegral(y)) return Long.compare(x.longValue(), y.longValue());
        return Double.compare(x.doubleValue(), y.doubleValue());
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    /** A comparator for a {@code $sort} object such as {@code {createdAt: -1, text: 1}}. */
    public static Comparator<Map<String, Object>> sorter(Object sort) {
        if (sort == null) return null;
        if (!(sort instanceof Map<?, ?> fields)) throw new BadRequest("$sort needs an object of field: 1 or -1");
        Comparator<Map<String, Object>> cmp = null;
        for (Map.Entry<?, ?> f : fields.entrySet()) {
            String field = String.valueOf(f.getKey());
            int dir = direction(f.getValue(), field);
            Comparator<Map<String, Object>> c = (r1, r2) -> dir * compare(r1.get(field), r2.get(field));
            cmp = cmp == null ? c : cmp.thenComparing(c);
        }
        return cmp;
    }

    private static int direction(Object v, String field) {
        int d;
        if (v instanceof Number n) d = n.intValue();
        else {
            try {
                d = Integer.parseInt(String.valueOf(v));
            } catch (NumberFormatException e) {
                throw new BadRequest("$sort of '" + field + "' must be 1 or -1");
            }
        }
        if (d != 1 && d != -1) throw new BadRequest("$sort of '" + field + "' must be 1 or -1");
        return d;
    }

    /** Applies {@code $select} (a list of field names; the id field is always kept). */
    public static Map<String, Object> select(Map<String, Object> record, Object select, String idField) {
        if (select == null) return new LinkedHashMap<>(record);
        Collection<?> fields = select instanceof Collection<?> c ? c
                : select instanceof String s ? List.of(s.split(",")) : null;
        if (fields == null) throw new BadRequest("$select needs a list of fields");
        Map<String, Object> out = new LinkedHashMap<>();
        if (record.containsKey(idField)) out.put(idField, record.get(idField));
        for (Object f : fields) {
            String k = String.valueOf(f).trim();
            if (record.containsKey(k)) out.put(k, record.get(k));
        }
        return out;
    }

    /** Reads a non-negative integer filter such as {@code $limit}; {@code null} when absent. */
    public static Integer intFilter(Map<String, ?> query, String name) {
        Object v = query.get(name);
        if (v == null) return null;
        try {
            int n = v instanceof Number num ? num.intValue() : Integer.parseInt(String.valueOf(v));
            if (n < 0) throw new BadRequest(name + " must not be negative");
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a number");
        }
    }
}
