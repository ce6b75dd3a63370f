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
            return RedisURI.create(lettuceScheme + escapeUserInfo(u.substring(colon)));
        } catch (RuntimeException e) {
            // neither Lettuce's message nor the exception as cause: they echo parts of the URI, the password's too
            throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "' is not a valid Redis URI ("
                    + e.getClass().getSimpleName() + "); check the host, port, database and sentinel master", null);
        }
    }

    /**
     * Percent-encodes the characters of the user info (up to the URI's last {@code @}) that would end it early
     * for Lettuce's parser: {@code / ? # @}, and a {@code %} that starts no escape. A password holding them then
     * reaches Redis as written, and no part of it is taken for a host, port or database (which would show in
     * Lettuce's error messages). Escapes already in the URI are kept.
     */
    static String escapeUserInfo(String afterScheme) {
        if (!afterScheme.startsWith("://")) return afterScheme;
        int at = afterScheme.lastIndexOf('@');
        if (at < 3) return afterScheme;
        StringBuilder out = new StringBuilder(afterScheme.length() + 16).append("://");
        for (int i = 3; i < at; i++) {
            char c = afterScheme.charAt(i);
            boolean escape = c == '/' || c == '?' || c == '#' || c == '@'
                    || (c == '%' && !(i + 2 < at && isHex(afterScheme.charAt(i + 1)) && isHex(afterScheme.charAt(i + 2))));
            if (escape) out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            else out.append(c);
        }
        return out.append(afterScheme, at, afterScheme.length()).toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
