package org.feathers4j.errors;

/** 405 Method Not Allowed: the service does not offer this method. */
public class MethodNotAllowed extends FeathersError {

    /** With a message. */
    public MethodNotAllowed(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public MethodNotAllowed(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public MethodNotAllowed(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.METHOD_NOT_ALLOWED.errorName(), ErrorType.METHOD_NOT_ALLOWED.className(), ErrorType.METHOD_NOT_ALLOWED.code(),
                message, data, errors, cause);
    }
}
