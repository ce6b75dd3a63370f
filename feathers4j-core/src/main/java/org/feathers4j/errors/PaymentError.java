package org.feathers4j.errors;

/** 402 Payment Error. */
public class PaymentError extends FeathersError {

    /** With a message. */
    public PaymentError(String message) {
        this(message, null, null, null);
    }

    /** With a message and extra data for the client. */
    public PaymentError(String message, Object data) {
        this(message, data, null, null);
    }

    /** With all fields; any may be {@code null}. */
    public PaymentError(String message, Object data, Object errors, Throwable cause) {
        super(ErrorType.PAYMENT_ERROR.errorName(), ErrorType.PAYMENT_ERROR.className(), ErrorType.PAYMENT_ERROR.code(),
                message, data, errors, cause);
    }
}
