package org.feathers4j.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.feathers4j.Method;
import org.feathers4j.errors.GeneralError;
import org.slf4j.Logger;

/**
 * The answer when a service call succeeded but its result cannot be written as JSON. A write has
 * happened by then, so the error says so (message and {@code data.succeeded}): a client that
 * retried a plain 500 would repeat the write, e.g. create a duplicate.
 */
final class UnwritableResult {

    private static final int MAX_CAUSE = 300;

    private UnwritableResult() {
    }

    /**
     * A {@link GeneralError} with {@code data = {succeeded: true, method, path, id?}}, logged on
     * {@code log} as one ERROR line with the short cause; the stack trace goes to DEBUG. A record too
     * deep to write gave a Jackson message with a ~250 KB reference chain, on every call that
     * returned it.
     *
     * @param path the service path, {@code null} if unknown
     * @param id   the id the call was made with, {@code null} if none
     */
    static GeneralError error(Logger log, Method method, String path, Object id, Throwable cause) {
        String name = method.methodName();
        String reason = shortCause(cause);
        String message = method.event() != null
                ? name + " succeeded but its result cannot be written as JSON: " + reason
                : "The result of " + name + " cannot be written as JSON: " + reason;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("succeeded", true);
        data.put("method", name);
        if (path != null) data.put("path", path);
        if (id != null) data.put("id", id);
        log.error("{} on '{}'{} succeeded but its result cannot be written as JSON ({}); the client is told so",
                name, path, id == null ? "" : " (id " + id + ")", reason);
        if (log.isDebugEnabled()) log.debug("the cause of the unwritable {} result", name, cause);
        return new GeneralError(message, data, null, cause);
    }

    /**
     * What went wrong, briefly: the exception a getter threw, else Jackson's message without the
     * reference chain (the log has the whole story).
     */
    static String shortCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String s;
        if (root instanceof JsonProcessingException j) {
            s = j.getOriginalMessage();
        } else {
            s = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        }
        if (s == null) s = root.getClass().getSimpleName();
        return s.length() <= MAX_CAUSE ? s : s.substring(0, MAX_CAUSE) + "…";
    }
}
