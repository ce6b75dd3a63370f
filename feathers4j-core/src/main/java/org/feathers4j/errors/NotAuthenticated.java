package org.feathers4j.errors;

/** 401 Not Authenticated: valid credentials are missing. */
public class NotAuthenticated extends FeathersError {

    /** With a message. */
    public NotAuthenticated(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public NotAuthenticated(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public NotAuthenticated(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.NOT_AUTHENTICATED.errorName(), ErrorType.NOT_AUTHENTICATED.className(), ErrorType.NOT_AUTHENTICATED.code(),
                message, data, errors, cause);
    }
}
