package org.feathers4j.memory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.MethodNotAllowed;
import org.feathers4j.errors.NotFound;

/**
 * A thread-safe in-memory service with the common Feathers query syntax (see {@link Query}) and
 * optional pagination ({@code {total, limit, skip, data}}). Records are maps; the service stores
 * copies and returns copies. Ids are generated (0, 1, 2, ... as {@code Long}) unless the data
 * brings one; ids are compared by their string form, as Feathers' memory adapter does, so
 * {@code get("1")} finds the record with id {@code 1L}.
 *
 * <p>{@code params.get("paginate") == Boolean.FALSE} turns pagination off for one find.
 */
public class MemoryService implements Service {

    private final MemoryServiceOptions options;
    private final Map<String, Map<String, Object>> store = new LinkedHashMap<>();
    private long nextId;

    /** A service with the default options. */
    public MemoryService() {
        this(MemoryServiceOptions.defaults());
    }

    /** A service with the given options. */
    public MemoryService(MemoryServiceOptions options) {
        this.options = options;
        this.nextId = options.startId();
    }

    /** The options. */
    public MemoryServiceOptions options() {
        return options;
    }

    @Override
    public CompletionStage<Object> find(Params params) {
        return result(() -> findNow(params));
    }

    @Override
    public CompletionStage<Object> get(Object id, Params params) {
        return result(() -> {
            synchronized (store) {
                return Query.select(existing(id, params.query()), params.query().get("$select"), options.idField());
            }
        });
    }

    @Override
    public CompletionStage<Object> create(Object data, Params params) {
        return result(() -> {
            if (data instanceof Collection<?> many) {
                if (!options.multi()) throw new MethodNotAllowed("Can not create multiple entries");
                for (Object d : many) record(d); // all or nothing: reject the whole list before storing any
                List<Object> out = new ArrayList<>();
                synchronized (store) {
                    for (Object d : many) out.add(createOne(d, params));
                }
                return out;
            }
            synchronized (store) {
                return createOne(data, params);
            }
        });
    }

    @Override
    public CompletionStage<Object> update(Object id, Object data, Params params) {
        return result(() -> {
            if (id == null) throw new BadRequest("You can not replace multiple instances. Did you mean 'patch'?");
            Map<String, Object> record = record(data);
            synchronized (store) {
                Map<String, Object> old = existing(id, params.query());
                Object oldId = old.get(options.idField());
                Map<String, Object> replaced = new LinkedHashMap<>(record);
                replaced.put(options.idField(), oldId);
                store.put(key(oldId), replaced);
                return Query.select(replaced, params.query().get("$select"), options.idField());
            }
        });
    }

    @Override
    public CompletionStage<Object> patch(Object id, Object data, Params params) {
        return result(() -> {
            Map<String, Object> changes = new LinkedHashMap<>(record(data));
            changes.remove(options.idField());
            synchronized (store) {
                if (id == null) {
                    if (!options.multi()) throw new MethodNotAllowed("Can not patch multiple entries");
                    List<Object> out = new ArrayList<>();
                    for (Map<String, Object> r : matching(params.query())) out.add(patchOne(r, changes, params));
                    return out;
                }
                return patchOne(existing(id, params.query()), changes, params);
            }
        });
    }

    @Override
    public CompletionStage<Object> remove(Object id, Params params) {
        return result(() -> {
            Object select = params.query().get("$select");
            synchronized (store) {
                if (id == null) {
                    if (!options.multi()) throw new MethodNotAllowed("Can not remove multiple entries");
                    List<Object> out = new ArrayList<>();
                    for (Map<String, Object> r : matching(params.query())) {
                        store.remove(key(r.get(options.idField())));
                        out.add(Query.select(r, select, options.idField()));
                    }
                    return out;
                }
                Map<String, Object> r = existing(id, params.query());
                store.remove(key(r.get(options.idField())));
                return Query.select(r, select, options.idField());
            }
        });
    }

    // ---- internals -----------------------------------------------------------------------

    private Object findNow(Params params) {
        Map<String, Object> query = params.query();
        Integer limit = Query.intFilter(query, "$limit");
        int skip = orZero(Query.intFilter(query, "$skip"));
        boolean paginate = options.defaultPageSize() > 0 && params.get("paginate") != Boolean.FALSE;
        if (paginate) {
            limit = limit == null ? options.defaultPageSize() : limit;
            if (options.maxPageSize() > 0) limit = Math.min(limit, options.maxPageSize());
        }
        List<Map<String, Object>> all;
        synchronized (store) {
            all = matching(query);
        }
        Comparator<Map<String, Object>> sort = Query.sorter(query.get("$sort"));
        if (sort != null) all.sort(sort);
        int total = all.size();
        int from = Math.min(skip, total);
        int to = limit == null ? total : (int) Math.min((long) from + limit, total);
        List<Object> data = new ArrayList<>(to - from);
        Object select = query.get("$select");
        for (Map<String, Object> r : all.subList(from, to)) data.add(Query.select(r, select, options.idField()));
        if (!paginate) return data;
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("total", total);
        page.put("limit", limit);
        page.put("skip", skip);
        page.put("data", data);
        return page;
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private List<Map<String, Object>> matching(Map<String, Object> query) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : store.values()) if (Query.matches(r, query)) out.add(r);
        return out;
    }

    private Map<String, Object> existing(Object id, Map<String, Object> query) {
        Map<String, Object> r = id == null ? null : store.get(key(id));
        if (r == null || !Query.matches(r, query)) throw new NotFound("No record found for id '" + id + "'");
        return r;
    }

    private Object createOne(Object data, Params params) {
        Map<String, Object> r = new LinkedHashMap<>(record(data));
        Object id = r.get(options.idField());
        if (id == null) {
            id = nextId++;
            r.put(options.idField(), id);
        }
        store.put(key(id), r);
        return Query.select(r, params.query().get("$select"), options.idField());
    }

    private Object patchOne(Map<String, Object> r, Map<String, Object> changes, Params params) {
        Map<String, Object> patched = new LinkedHashMap<>(r);
        patched.putAll(changes);
        store.put(key(r.get(options.idField())), patched);
        return Query.select(patched, params.query().get("$select"), options.idField());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> record(Object data) {
        if (data instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new BadRequest("MemoryService stores objects: data must be a map, got "
                + (data == null ? "null" : data.getClass().getSimpleName()));
    }

    private static String key(Object id) {
        if (!(id instanceof Number n)) return String.valueOf(id);
        // numbers are keyed by value, as Query compares them: 1, 1L, 1.0 and BigDecimal("1") are one id
        if (n instanceof Double || n instanceof Float || n instanceof BigDecimal) {
            try {
                BigDecimal d = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
                return d.stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return String.valueOf(id); // NaN, Infinity
            }
        }
        if (n instanceof BigInteger) return n.toString();
        return Long.toString(n.longValue());
    }

    private interface Body {
        Object run();
    }

    private static CompletionStage<Object> result(Body body) {
        try {
            return CompletableFuture.completedFuture(body.run());
        } catch (FeathersError | ClassCastException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
