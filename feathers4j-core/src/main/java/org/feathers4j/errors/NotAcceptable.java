package org.feathers4j.errors;

/** 406 Not Acceptable. */
public class NotAcceptable extends FeathersError {

    /** With a message. */
    public NotAcceptable(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public NotAcceptable(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public NotAcceptable(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.NOT_ACCEPTABLE.errorName(), ErrorType.NOT_ACCEPTABLE.className(), ErrorType.NOT_ACCEPTABLE.code(),
                message, data, errors, cause);
    }
}
