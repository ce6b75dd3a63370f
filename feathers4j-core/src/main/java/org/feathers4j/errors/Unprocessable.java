package org.feathers4j.errors;

/** 422 Unprocessable: the data fails validation. */
public class Unprocessable extends FeathersError {

    /** With a message. */
    public Unprocessable(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public Unprocessable(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public Unprocessable(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.UNPROCESSABLE.errorName(), ErrorType.UNPROCESSABLE.className(), ErrorType.UNPROCESSABLE.code(),
                message, data, errors, cause);
    }
}
