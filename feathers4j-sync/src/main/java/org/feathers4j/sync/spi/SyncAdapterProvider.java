package org.feathers4j.sync.spi;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;

/**
 * Makes adapters for URI schemes; found with {@link java.util.ServiceLoader}. An adapter module
 * lists its provider in {@code META-INF/services/org.feathers4j.sync.spi.SyncAdapterProvider}.
 */
public interface SyncAdapterProvider {

    /** The adapter type, e.g. {@code "redis"}. */
    String type();

    /** The URI schemes it serves, lower case, e.g. {@code redis}, {@code rediss}. */
    Set<String> schemes();

    /**
     * Creates an adapter (not yet started).
     *
     * @throws IllegalArgumentException for options it cannot use, with a message naming the option
     */
    SyncAdapter create(SyncOptions options);
}
