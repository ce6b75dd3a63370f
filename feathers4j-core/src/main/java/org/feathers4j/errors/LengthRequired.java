package org.feathers4j.errors;

/** 411 Length Required. */
public class LengthRequired extends FeathersError {

    /** With a message. */
    public LengthRequired(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public LengthRequired(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public LengthRequired(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.LENGTH_REQUIRED.errorName(), ErrorType.LENGTH_REQUIRED.className(), ErrorType.LENGTH_REQUIRED.code(),
                message, data, errors, cause);
    }
}
