package org.feathers4j.sync.redis.internal;

import io.lettuce.core.RedisURI;
import java.util.Locale;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisSync;

/** Turns sync URIs into Lettuce {@link RedisURI}s; accepts the {@code +} spellings of the Sentinel schemes. */
final class RedisUris {

    private RedisUris() {
    }

    /**
     * Parses a sync URI.
     *
     * @throws IllegalArgumentException with the (redacted) URI and the reason
     */
    static RedisURI parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("the redis sync adapter needs a 'uri' such as redis://localhost:6379");
        }
        String u = uri.trim();
        int colon = u.indexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "' has no scheme");
        String scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!RedisSync.SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "': scheme '" + scheme
                    + "' is not one of " + RedisSync.SCHEMES);
        }
        String lettuceScheme = scheme.replace('+', '-');
        try {
            return RedisURI.create(lettuceScheme + u.substring(colon));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "' is not a valid Redis URI: "
                    + e.getMessage(), e);
        }
    }
}
