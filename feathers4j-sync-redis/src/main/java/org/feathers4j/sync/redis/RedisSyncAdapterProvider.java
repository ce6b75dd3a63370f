package org.feathers4j.sync.redis;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.internal.RedisSyncAdapter;
import org.feathers4j.sync.redis.internal.RedisUris;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/**
 * Serves {@code redis://}, {@code rediss://} (TLS), {@code redis-sentinel://} / {@code redis+sentinel://} and
 * their TLS forms {@code rediss-sentinel://} / {@code rediss+sentinel://}; found by {@code Sync.of(uri)} through
 * {@link java.util.ServiceLoader}.
 */
public final class RedisSyncAdapterProvider implements SyncAdapterProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public RedisSyncAdapterProvider() {
    }

    @Override
    public String type() {
        return "redis";
    }

    @Override
    public Set<String> schemes() {
        return RedisUris.SCHEMES;
    }

    @Override
    public SyncAdapter create(SyncOptions options) {
        return RedisSyncAdapter.fromUri(options);
    }
}
