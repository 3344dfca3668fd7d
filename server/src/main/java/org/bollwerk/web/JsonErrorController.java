package org.bollwerk.web;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.ErrCode;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Errors raised before a controller runs (by the container: bad URL encoding, oversized headers)
 * still answer with a Matrix error body, never an HTML page or a stack trace.
 */
@RestController
class JsonErrorController implements ErrorController {

    @RequestMapping("/error")
    @SuppressFBWarnings(value = "SPRING_CSRF_UNRESTRICTED_REQUEST_MAPPING",
            justification = "Errors of every method are forwarded here; it changes nothing and there are no cookies to ride on")
    ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object statusAttr = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // no status: someone requested /error itself rather than the container forwarding an error here
        int status = statusAttr instanceof Integer s ? s : 404;
        ErrCode code = switch (status) {
            case 404, 405 -> ErrCode.M_UNRECOGNIZED;
            case 413 -> ErrCode.M_TOO_LARGE;
            case 401 -> ErrCode.M_MISSING_TOKEN;
            case 403 -> ErrCode.M_FORBIDDEN;
            default -> status >= 500 ? ErrCode.M_UNKNOWN : ErrCode.M_BAD_JSON;
        };
        String message = status >= 500 ? "Internal server error" : "Bad request";
        if (status == 404) message = "Unrecognized request";
        return MatrixErrorHandler.error(code, status, message);
    }
}
