package org.feathers4j.sync.redis;

/**
 * A Redis sync failure that retrying cannot fix (rejected credentials, ACL, TLS handshake), as {@code ready()}
 * fails with it and {@code app.sync().lastError()} reports it; also the cause of messages dropped when the adapter
 * stopped. The message names the server (password redacted) and the reason.
 */
public final class RedisSyncException extends RuntimeException {

    /**
     * @param message what failed and why
     * @param cause   the Lettuce or Redis error, or {@code null}
     */
    public RedisSyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
