package org.feathers4j.errors;

/** 409 Conflict: e.g. a duplicate key. */
public class Conflict extends FeathersError {

    /** With a message. */
    public Conflict(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public Conflict(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public Conflict(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.CONFLICT.errorName(), ErrorType.CONFLICT.className(), ErrorType.CONFLICT.code(),
                message, data, errors, cause);
    }
}
