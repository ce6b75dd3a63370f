package org.feathers4j.errors;

/** 503 Unavailable: a dependency is down. */
public class Unavailable extends FeathersError {

    /** With a message. */
    public Unavailable(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public Unavailable(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public Unavailable(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.UNAVAILABLE.errorName(), ErrorType.UNAVAILABLE.className(), ErrorType.UNAVAILABLE.code(),
                message, data, errors, cause);
    }
}
