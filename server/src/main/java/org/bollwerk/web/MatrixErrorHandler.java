package org.bollwerk.web;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.util.Map;
import java.util.UUID;

/** The one place where exceptions become Matrix error responses. Never a stack trace to the client. */
@RestControllerAdvice
class MatrixErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(MatrixErrorHandler.class);

    @ExceptionHandler(MatrixException.class)
    ResponseEntity<Map<String, Object>> matrix(MatrixException e) {
        return ResponseEntity.status(e.httpStatus()).body(e.body());
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    ResponseEntity<Map<String, Object>> unknownEndpoint() {
        return error(ErrCode.M_UNRECOGNIZED, 404, "Unrecognized request");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> wrongMethod() {
        return error(ErrCode.M_UNRECOGNIZED, 405, "Unrecognized request method");
    }

    @ExceptionHandler({HttpMediaTypeNotSupportedException.class, HttpMediaTypeNotAcceptableException.class})
    ResponseEntity<Map<String, Object>> mediaType() {
        return error(ErrCode.M_NOT_JSON, 400, "Content not JSON.");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable() {
        return error(ErrCode.M_NOT_JSON, 400, "Content not JSON.");
    }

    /** Tomcat refuses a query string it cannot decode (bad percent-encoding, too many parameters). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Map<String, Object>> undecodableParameters() {
        return error(ErrCode.M_INVALID_PARAM, 400, "The query string cannot be decoded");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Map<String, Object>> missingParam(MissingServletRequestParameterException e) {
        return error(ErrCode.M_MISSING_PARAM, 400, "Missing parameter: " + e.getParameterName());
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<Map<String, Object>> missingHeader(MissingRequestHeaderException e) {
        return error(ErrCode.M_MISSING_PARAM, 400, "Missing header: " + e.getHeaderName());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, Object>> typeMismatch(MethodArgumentTypeMismatchException e) {
        return error(ErrCode.M_INVALID_PARAM, 400, "Invalid value for parameter: " + e.getName());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Map<String, Object>> tooLarge() {
        return error(ErrCode.M_TOO_LARGE, 413, "Request too large");
    }

    /**
     * No database connection in time: every pooled connection busy (a burst of requests) or the database
     * unreachable (a failover). 503 with Retry-After tells clients and the load balancer to come back soon;
     * nothing was changed, and it is not a bug worth a stack trace in the log.
     */
    @ExceptionHandler(DataAccessResourceFailureException.class)
    ResponseEntity<Map<String, Object>> databaseUnavailable(DataAccessResourceFailureException e, HttpServletRequest request) {
        log.warn("No database connection for {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "1")
                .body(Map.of("errcode", ErrCode.M_UNKNOWN.name(), "error", "The server is busy; try again shortly"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e, HttpServletRequest request) {
        String requestId = UUID.randomUUID().toString();
        log.error("Unexpected error {} on {} {}", requestId, request.getMethod(), request.getRequestURI(), e);
        return error(ErrCode.M_UNKNOWN, 500, "Internal server error (request " + requestId + ")");
    }

    static ResponseEntity<Map<String, Object>> error(ErrCode code, int status, String message) {
        return ResponseEntity.status(status).body(Map.of("errcode", code.name(), "error", message));
    }
}
