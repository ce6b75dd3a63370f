package org.feathers4j.errors;

/** 403 Forbidden: the caller may not do this. */
public class Forbidden extends FeathersError {

    /** With a message. */
    public Forbidden(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public Forbidden(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public Forbidden(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.FORBIDDEN.errorName(), ErrorType.FORBIDDEN.className(), ErrorType.FORBIDDEN.code(),
                message, data, errors, cause);
    }
}
