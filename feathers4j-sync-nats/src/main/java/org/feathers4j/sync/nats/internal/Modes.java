package org.feathers4j.sync.nats.internal;

import java.net.URI;
import java.util.Locale;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.NatsSyncConfig;
import org.feathers4j.sync.nats.NatsSyncConfig.Mode;

/** Which mode an adapter runs in: the URI's {@code ?mode=} or the config's {@code mode}. */
public final class Modes {

    private Modes() {
    }

    /**
     * The mode for these options and settings: the URI's {@code mode} query parameter when it has
     * one, else the config's. The URI understands no other query parameter.
     *
     * @throws IllegalArgumentException for an unknown mode or query parameter, or when the URI and a
     *                                  non-default config mode disagree
     */
    public static Mode resolve(SyncOptions options, NatsSyncConfig config) {
        String query = query(options.uri());
        if (query == null || query.isEmpty()) return config.mode();
        Mode fromUri = null;
        for (String part : query.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            if (!name.equals("mode")) {
                throw new IllegalArgumentException("nats sync URI: unknown query parameter '" + name.toLowerCase(Locale.ROOT)
                        + "'; the only one is mode (core or jetstream); other settings are options");
            }
            fromUri = Mode.parse(value);
        }
        if (fromUri == null) return config.mode();
        if (config.mode() != NatsSyncConfig.DEFAULT_MODE && config.mode() != fromUri) {
            throw new IllegalArgumentException("nats sync: the URI says mode=" + fromUri.name().toLowerCase(Locale.ROOT)
                    + " but the option 'mode' says " + config.mode().name().toLowerCase(Locale.ROOT));
        }
        return fromUri;
    }

    /** The URI without its query (the client is given server addresses only); {@code null} stays {@code null}. */
    public static String withoutQuery(String uri) {
        if (uri == null) return null;
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /**
     * Refuses {@code resume=LAST} in core mode, which keeps nothing to resume from.
     *
     * @throws IllegalArgumentException naming the mode that can
     */
    public static void refuseResumeLast(SyncOptions options) {
        if (options.resume() == SyncOptions.Resume.LAST) {
            throw new IllegalArgumentException("nats sync: resume=LAST needs mode=jetstream (core NATS keeps nothing for an "
                    + "instance that is not connected); use nats://host:4222?mode=jetstream or the option mode=jetstream");
        }
    }

    private static String query(String uri) {
        if (uri == null || uri.isBlank()) return null;
        try {
            return URI.create(uri.trim()).getRawQuery();
        } catch (IllegalArgumentException e) {
            int q = uri.indexOf('?');
            return q < 0 ? null : uri.substring(q + 1);
        }
    }
}
