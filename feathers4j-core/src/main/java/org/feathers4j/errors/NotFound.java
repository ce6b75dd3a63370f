package org.feathers4j.errors;

/** 404 Not Found: the record or service does not exist. */
public class NotFound extends FeathersError {

    /** With a message. */
    public NotFound(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public NotFound(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public NotFound(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.NOT_FOUND.errorName(), ErrorType.NOT_FOUND.className(), ErrorType.NOT_FOUND.code(),
                message, data, errors, cause);
    }
}
