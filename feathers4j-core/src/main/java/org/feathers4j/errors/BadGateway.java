package org.feathers4j.errors;

/** 502 Bad Gateway. */
public class BadGateway extends FeathersError {

    /** With a message. */
    public BadGateway(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public BadGateway(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public BadGateway(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.BAD_GATEWAY.errorName(), ErrorType.BAD_GATEWAY.className(), ErrorType.BAD_GATEWAY.code(),
                message, data, errors, cause);
    }
}
