package org.feathers4j.errors;

/** 429 Too Many Requests. */
public class TooManyRequests extends FeathersError {

    /** With a message. */
    public TooManyRequests(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public TooManyRequests(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public TooManyRequests(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.TOO_MANY_REQUESTS.errorName(), ErrorType.TOO_MANY_REQUESTS.className(), ErrorType.TOO_MANY_REQUESTS.code(),
                message, data, errors, cause);
    }
}
