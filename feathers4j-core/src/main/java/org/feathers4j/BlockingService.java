package org.feathers4j;

import java.util.List;
import org.feathers4j.errors.MethodNotAllowed;

/**
 * A service written in plain blocking style: override the methods you offer, return the result,
 * throw to fail. Register it with {@link Application#use(String, BlockingService)}; each call runs
 * on the caller's thread (the transports call services from a worker pool, never from an I/O
 * thread) and its outcome becomes a completed future.
 *
 * <pre>{@code
 * app.use("hello", new BlockingService() {
 *     public Object get(Object id, Params params) { return Map.of("id", id, "text", "Hello " + id); }
 * });
 * }</pre>
 */
public interface BlockingService {

    /** Finds records; see {@link Service#find(Params)}. */
    default Object find(Params params) throws Exception {
        throw notAllowed("find");
    }

    /** Gets a record; see {@link Service#get(Object, Params)}. */
    default Object get(Object id, Params params) throws Exception {
        throw notAllowed("get");
    }

    /** Creates records; see {@link Service#create(Object, Params)}. */
    default Object create(Object data, Params params) throws Exception {
        throw notAllowed("create");
    }

    /** Replaces a record; see {@link Service#update(Object, Object, Params)}. */
    default Object update(Object id, Object data, Params params) throws Exception {
        throw notAllowed("update");
    }

    /** Patches records; see {@link Service#patch(Object, Object, Params)}. */
    default Object patch(Object id, Object data, Params params) throws Exception {
        throw notAllowed("patch");
    }

    /** Removes records; see {@link Service#remove(Object, Params)}. */
    default Object remove(Object id, Params params) throws Exception {
        throw notAllowed("remove");
    }

    /** Custom events; see {@link Service#events()}. */
    default List<String> events() {
        return List.of();
    }

    private static MethodNotAllowed notAllowed(String method) {
        return new MethodNotAllowed("Method `" + method + "` is not supported by this endpoint.");
    }
}
