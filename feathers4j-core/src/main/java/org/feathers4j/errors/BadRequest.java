package org.feathers4j.errors;

/** 400 Bad Request: the request is malformed or invalid. */
public class BadRequest extends FeathersError {

    /** With a message. */
    public BadRequest(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public BadRequest(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public BadRequest(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.BAD_REQUEST.errorName(), ErrorType.BAD_REQUEST.className(), ErrorType.BAD_REQUEST.code(),
                message, data, errors, cause);
    }
}
