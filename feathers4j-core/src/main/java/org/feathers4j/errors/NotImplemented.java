package org.feathers4j.errors;

/** 501 Not Implemented. */
public class NotImplemented extends FeathersError {

    /** With a message. */
    public NotImplemented(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public NotImplemented(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public NotImplemented(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.NOT_IMPLEMENTED.errorName(), ErrorType.NOT_IMPLEMENTED.className(), ErrorType.NOT_IMPLEMENTED.code(),
                message, data, errors, cause);
    }
}
