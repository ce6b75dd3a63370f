package org.feathers4j.errors;

/** 500 General Error: an unexpected failure. */
public class GeneralError extends FeathersError {

    /** With a message. */
    public GeneralError(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public GeneralError(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public GeneralError(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.GENERAL_ERROR.errorName(), ErrorType.GENERAL_ERROR.className(), ErrorType.GENERAL_ERROR.code(),
                message, data, errors, cause);
    }
}
