package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.audit.AuditTrail;
import org.bollwerk.matrix.MatrixException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.function.Supplier;

/**
 * Runs one portal action and records it in the audit trail whatever the outcome: done, refused (no
 * permission) or failed (invalid input). The outcome is shown on the next page (post/redirect/get).
 */
@Component
class PortalActions {
    private static final Logger log = LoggerFactory.getLogger(PortalActions.class);
    private final AuditTrail audit;

    PortalActions(AuditTrail audit) {
        this.audit = audit;
    }

    /** {@code work} checks the permission, does the action and returns the role that allowed it. */
    boolean run(HttpServletRequest request, RedirectAttributes flash, String action, String target, String tenantId,
                Supplier<String> work) {
        String actor = PortalSession.signedInUser(request);
        try {
            String role = work.get();
            record(actor, role, action, target, tenantId, request, 200);
            flash.addFlashAttribute("notice", "notice.done");
            return true;
        } catch (PortalAccess.Forbidden e) {
            record(actor, null, action, target, e.tenantId != null ? e.tenantId : tenantId, request, 403);
            flash.addFlashAttribute("problem", "problem.forbidden");
        } catch (MatrixException e) {
            record(actor, null, action, target, tenantId, request, e.httpStatus());
            flash.addFlashAttribute("problemText", e.getMessage());
        }
        return false;
    }

    void record(String actor, String role, String action, String target, String tenantId, HttpServletRequest request,
                int status) {
        try {
            audit.record(actor, role, "portal " + action, target, tenantId, request.getRemoteAddr(), status);
        } catch (RuntimeException e) {
            log.error("Could not record a portal action in the audit trail", e);
        }
    }
}
