package org.feathers4j.errors;

/** 408 Timeout. */
public class Timeout extends FeathersError {

    /** With a message. */
    public Timeout(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public Timeout(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public Timeout(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.TIMEOUT.errorName(), ErrorType.TIMEOUT.className(), ErrorType.TIMEOUT.code(),
                message, data, errors, cause);
    }
}
