package org.feathers4j.errors;

/** The Feathers error types with their names, class names and codes. */
public enum ErrorType {
    BAD_REQUEST("BadRequest", "bad-request", 400),
    NOT_AUTHENTICATED("NotAuthenticated", "not-authenticated", 401),
    PAYMENT_ERROR("PaymentError", "payment-error", 402),
    FORBIDDEN("Forbidden", "forbidden", 403),
    NOT_FOUND("NotFound", "not-found", 404),
    METHOD_NOT_ALLOWED("MethodNotAllowed", "method-not-allowed", 405),
    NOT_ACCEPTABLE("NotAcceptable", "not-acceptable", 406),
    TIMEOUT("Timeout", "timeout", 408),
    CONFLICT("Conflict", "conflict", 409),
    LENGTH_REQUIRED("LengthRequired", "length-required", 411),
    UNPROCESSABLE("Unprocessable", "unprocessable", 422),
    TOO_MANY_REQUESTS("TooManyRequests", "too-many-requests", 429),
    GENERAL_ERROR("GeneralError", "general-error", 500),
    NOT_IMPLEMENTED("NotImplemented", "not-implemented", 501),
    BAD_GATEWAY("BadGateway", "bad-gateway", 502),
    UNAVAILABLE("Unavailable", "unavailable", 503);

    private final String errorName;
    private final String className;
    private final int code;

    ErrorType(String errorName, String className, int code) {
        this.errorName = errorName;
        this.className = className;
        this.code = code;
    }

    /** The name, e.g. {@code "NotFound"}. */
    public String errorName() { return errorName; }

    /** The class name, e.g. {@code "not-found"}. */
    public String className() { return className; }

    /** The HTTP status code. */
    public int code() { return code; }

    /** The type with this name, or {@code null}. */
    public static ErrorType byName(String name) {
        for (ErrorType t : values()) if (t.errorName.equals(name)) return t;
        return null;
    }

    /** The type with this status code, or {@code null}. */
    public static ErrorType byCode(int code) {
        for (ErrorType t : values()) if (t.code == code) return t;
        return null;
    }

    /** Creates an error of this type as its specific subclass. */
    public FeathersError create(String message, Object data, Object errors, Throwable cause) {
        return switch (this) {
            case BAD_REQUEST -> new BadRequest(message, data, errors, cause);
            case NOT_AUTHENTICATED -> new NotAuthenticated(message, data, errors, cause);
            case PAYMENT_ERROR -> new PaymentError(message, data, errors, cause);
            case FORBIDDEN -> new Forbidden(message, data, errors, cause);
            case NOT_FOUND -> new NotFound(message, data, errors, cause);
            case METHOD_NOT_ALLOWED -> new MethodNotAllowed(message, data, errors, cause);
            case NOT_ACCEPTABLE -> new NotAcceptable(message, data, errors, cause);
            case TIMEOUT -> new Timeout(message, data, errors, cause);
            case CONFLICT -> new Conflict(message, data, errors, cause);
            case LENGTH_REQUIRED -> new LengthRequired(message, data, errors, cause);
            case UNPROCESSABLE -> new Unprocessable(message, data, errors, cause);
            case TOO_MANY_REQUESTS -> new TooManyRequests(message, data, errors, cause);
            case GENERAL_ERROR -> new GeneralError(message, data, errors, cause);
            case NOT_IMPLEMENTED -> new NotImplemented(message, data, errors, cause);
            case BAD_GATEWAY -> new BadGateway(message, data, errors, cause);
            case UNAVAILABLE -> new Unavailable(message, data, errors, cause);
        };
    }
}
