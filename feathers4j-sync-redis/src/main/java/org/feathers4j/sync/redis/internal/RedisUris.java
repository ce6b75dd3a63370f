package org.feathers4j.sync.redis.internal;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import java.util.List;
import java.util.Locale;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisSync;
import org.feathers4j.sync.redis.RedisSyncConfig;
import org.feathers4j.sync.spi.support.SyncAssert;

/**
 * Turns sync URIs into Lettuce {@link RedisURI}s; accepts the {@code +} spellings of the Sentinel schemes. A
 * cluster URI ({@code redis-cluster://host1:7000,host2:7001}, TLS: {@code rediss-cluster://}) lists seed nodes the
 * way Lettuce's cluster client reads {@code redis://host1:7000,host2:7001}: user info, database and query apply to
 * every seed, a seed without a port gets 6379.
 */
final class RedisUris {

    private RedisUris() {
    }

    /**
     * Parses a sync URI.
     *
     * @throws IllegalArgumentException with the (redacted) URI and the reason
     */
    static RedisURI parse(String uri) {
        String u = checked(uri);
        String scheme = scheme(u);
        SyncAssert.isTrue(!isCluster(scheme), () -> "sync uri '" + SyncOptions.redact(u) + "' is a Redis "
                + "Cluster URI: a RedisClient cannot serve it; use RedisSync.of(uri) or RedisSync.with(RedisClusterClient, options)");
        String lettuceScheme = scheme.replace('+', '-');
        try {
            return RedisURI.create(lettuceScheme + escapeUserInfo(withoutOwnParameters(u.substring(scheme.length()))));
        } catch (RuntimeException e) {
            // neither Lettuce's message nor the exception as cause: they echo parts of the URI, the password's too
            throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "' is not a valid Redis URI ("
                    + e.getClass().getSimpleName() + "); check the host, port, database and sentinel master", null);
        }
    }

    /**
     * Parses a cluster URI into the seed nodes' URIs.
     *
     * @throws IllegalArgumentException with the (redacted) URI and the reason
     */
    static List<RedisURI> parseCluster(String uri) {
        String u = checked(uri);
        String scheme = scheme(u);
        SyncAssert.isTrue(isCluster(scheme), () -> "sync uri '" + SyncOptions.redact(u) + "' is not a cluster URI");
        String lettuceScheme = scheme.startsWith("rediss") ? "rediss" : "redis";
        List<RedisURI> seeds;
        try {
            seeds = RedisClusterURIUtil.toRedisURIs(java.net.URI.create(lettuceScheme
                    + escapeUserInfo(withoutOwnParameters(u.substring(scheme.length())))));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "' is not a valid Redis Cluster URI ("
                    + e.getClass().getSimpleName() + "); expected redis-cluster://host1:port1,host2:port2", null);
        }
        SyncAssert.isTrue(!seeds.isEmpty() && seeds.stream().allMatch(s -> s.getHost() != null && !s.getHost().isBlank()),
                () -> "sync uri '" + SyncOptions.redact(u) + "' names no cluster node; expected redis-cluster://host1:port1,host2:port2");
        return seeds;
    }

    /** Whether a scheme (lower case) is a cluster one. */
    static boolean isCluster(String scheme) {
        return scheme.equals("redis-cluster") || scheme.equals("rediss-cluster");
    }

    /** The URI's scheme, lower case; refuses an unknown one. */
    static String scheme(String u) {
        int colon = u.indexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "' has no scheme");
        String scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!RedisSync.SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("sync uri '" + SyncOptions.redact(u) + "': scheme '" + scheme
                    + "' is not one of " + RedisSync.SCHEMES);
        }
        return scheme;
    }

    private static String checked(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("the redis sync adapter needs a 'uri' such as redis://localhost:6379");
        }
        return uri.trim();
    }

    /**
     * Removes the query parameters the adapter reads itself ({@link RedisSyncConfig#URI_PARAMETERS}, e.g.
     * {@code mode=streams}): Lettuce would ignore them silently today, and might give them a meaning of its own
     * tomorrow. The query starts at the first {@code ?} after the user info.
     */
    static String withoutOwnParameters(String afterScheme) {
        int at = afterScheme.lastIndexOf('@');
        int q = afterScheme.indexOf('?', Math.max(at, 0));
        if (q < 0) return afterScheme;
        int hash = afterScheme.indexOf('#', q);
        String query = afterScheme.substring(q + 1, hash < 0 ? afterScheme.length() : hash);
        StringBuilder kept = new StringBuilder();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (RedisSyncConfig.URI_PARAMETERS.contains(eq < 0 ? pair : pair.substring(0, eq))) continue;
            kept.append(kept.length() == 0 ? "" : "&").append(pair);
        }
        return afterScheme.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept)
                + (hash < 0 ? "" : afterScheme.substring(hash));
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
