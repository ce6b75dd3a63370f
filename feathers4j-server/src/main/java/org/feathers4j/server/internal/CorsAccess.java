package org.feathers4j.server.internal;

import java.util.Set;

/** Which origins may call from other origins: exact origins, or {@code "*"} for any (then reflected). */
public record CorsAccess(Set<String> origins) {

    /** Whether this origin gets CORS headers. */
    public boolean allows(String origin) {
        return origin != null && (origins.contains("*") || origins.contains(origin));
    }

    /** Whether no origin is allowed. */
    public boolean isEmpty() {
        return origins.isEmpty();
    }
}
