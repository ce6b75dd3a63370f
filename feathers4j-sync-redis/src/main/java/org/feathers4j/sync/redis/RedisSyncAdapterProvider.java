package org.feathers4j.sync.redis;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/**
 * Serves the {@link RedisSync#SCHEMES} for {@code Sync.of(uri)}, found through {@link java.util.ServiceLoader}:
 * {@link RedisSync#adapter(SyncOptions, RedisSyncConfig)} with {@link RedisSyncConfig#from(SyncOptions)}.
 */
public final class RedisSyncAdapterProvider implements SyncAdapterProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public RedisSyncAdapterProvider() {
    }

    /** {@inheritDoc} */
    @Override
    public String type() {
        return "redis";
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> schemes() {
        return RedisSync.SCHEMES;
    }

    /** {@inheritDoc} */
    @Override
    public SyncAdapter create(SyncOptions options) {
        return RedisSync.adapter(options, RedisSyncConfig.from(options));
    }
}
