package org.bollwerk.matrix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception type that becomes a Matrix error response {@code {"errcode","error",...}}.
 * Extra fields (retry_after_ms, soft_logout, UIA flows) travel in {@link #extra()}.
 */
public class MatrixException extends RuntimeException {
    private final ErrCode errCode;
    private final int httpStatus;
    private final Map<String, Object> extra;

    public MatrixException(ErrCode errCode, String message) {
        this(errCode, errCode.httpStatus(), message, Map.of());
    }

    public MatrixException(ErrCode errCode, int httpStatus, String message, Map<String, Object> extra) {
        super(message, null, false, false);
        this.errCode = errCode;
        this.httpStatus = httpStatus;
        this.extra = Map.copyOf(extra);
    }

    public ErrCode errCode() {
        return errCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    /** The response body as the spec shapes it. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>(extra);
        body.put("errcode", errCode.name());
        body.put("error", getMessage());
        return body;
    }

    public static MatrixException forbidden(String message) {
        return new MatrixException(ErrCode.M_FORBIDDEN, message);
    }

    public static MatrixException notFound(String message) {
        return new MatrixException(ErrCode.M_NOT_FOUND, message);
    }

    public static MatrixException badJson(String message) {
        return new MatrixException(ErrCode.M_BAD_JSON, message);
    }

    public static MatrixException invalidParam(String message) {
        return new MatrixException(ErrCode.M_INVALID_PARAM, message);
    }

    public static MatrixException missingParam(String message) {
        return new MatrixException(ErrCode.M_MISSING_PARAM, message);
    }
}
