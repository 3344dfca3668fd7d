package org.bollwerk.keys;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link KeyStartException} anywhere in the cause chain of a failed start into Spring Boot's
 * "APPLICATION FAILED TO START / Description / Action" report (registered in {@code META-INF/spring.factories}).
 */
public class KeyStartFailureAnalyzer extends AbstractFailureAnalyzer<KeyStartException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KeyStartException cause) {
        String detail = cause.getCause() == null || cause.getCause().getMessage() == null ? ""
                : "\n\nCause: " + cause.getCause().getClass().getSimpleName() + ": " + cause.getCause().getMessage();
        return new FailureAnalysis(cause.description() + detail, cause.action(), null);
    }
}
