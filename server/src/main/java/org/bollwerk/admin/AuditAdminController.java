package org.bollwerk.admin;

import jakarta.servlet.http.HttpServletResponse;
import org.bollwerk.account.Requester;
import org.bollwerk.account.ServiceAccounts;
import org.bollwerk.audit.AuditEntry;
import org.bollwerk.audit.AuditQuery;
import org.bollwerk.audit.AuditTrail;
import org.bollwerk.audit.AuditVerifier;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit log API under {@code /_bollwerk/admin/v1/audit}. Search ({@code GET .../audit}): newest first;
 * operators see all, tenant admins (and roles with {@code audit.read}) the actions on their tenant
 * ({@code tenant_id} required when they administer several); page with {@code before=<next_token>}.
 * Export, checkpoints and verification cover the whole chain of every tenant: operators only.
 * Every call, a read included, is itself recorded by {@link AdminAuditInterceptor}.
 */
@RestController
class AuditAdminController {
    private static final String BASE = "/_bollwerk/admin/v1/audit";
    private static final int MAX_LIMIT = 1000;
    private static final int MAX_TRUSTED_CHECKPOINTS = 10_000;
    private static final Set<String> OUTCOMES = Set.of("ok", "refused", "failed");
    private final AuditTrail audit;
    private final AdminAccess access;

    AuditAdminController(AuditTrail audit, AdminAccess access) {
        this.audit = audit;
        this.access = access;
    }

    @GetMapping(BASE)
    Map<String, Object> audit(Requester requester, @RequestParam(name = "tenant_id", required = false) String tenantId,
                              @RequestParam(required = false) Long before, @RequestParam(required = false) Integer limit,
                              @RequestParam(required = false) Long from, @RequestParam(required = false) Long to,
                              @RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                              @RequestParam(required = false) String target,
                              @RequestParam(required = false) String outcome) {
        List<String> scope = access.scope(requester, TenantRoles.AUDIT_READ, tenantId);
        if (scope != null && scope.size() > 1) throw MatrixException.missingParam("Give tenant_id");
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw MatrixException.invalidParam("outcome must be ok, refused or failed");
        }
        if (from != null && to != null && from > to) throw MatrixException.invalidParam("from must not be after to");
        int size = limit == null ? 100 : Math.max(1, Math.min(MAX_LIMIT, limit));
        AuditQuery query = new AuditQuery(from, to, blankToNull(actor), blankToNull(action), blankToNull(target),
                outcome, before);
        List<AuditEntry> entries = audit.search(query, scope == null ? null : scope.getFirst(), size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries.stream().map(AuditAdminController::json).toList());
        if (entries.size() == size) body.put("next_token", entries.getLast().id());
        return body;
    }

    /** The whole chain as JSON Lines (header, entries, signed checkpoints), for {@code bin/audit-verify}. */
    @GetMapping(BASE + "/export")
    void export(Requester requester, HttpServletResponse response) throws IOException {
        AdminAccess.requireAdmin(requester, ServiceAccounts.AUDIT_EXPORT);
        response.setContentType("application/x-ndjson");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Content-Disposition", "attachment; filename=\"bollwerk-audit-"
                + System.currentTimeMillis() + ".jsonl\"");
        Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        audit.export(out);
        out.flush();
    }

    /** Signs a checkpoint of the chain head now (returns the existing one if the head is signed already). */
    @PostMapping(BASE + "/checkpoints")
    Map<String, Object> checkpoint(Requester requester) {
        AdminAccess.requireAdmin(requester, ServiceAccounts.AUDIT_EXPORT);
        AuditTrail.Checkpoint checkpoint;
        try {
            checkpoint = audit.checkpoint().orElseThrow(() -> MatrixException.notFound("The audit log is empty"));
        } catch (IllegalStateException e) {
            // the chain since the last checkpoint does not verify: nothing is signed, and the refusal is recorded
            AdminAccess.noteDetail(e.getMessage());
            throw new MatrixException(ErrCode.M_UNKNOWN, 409, e.getMessage(), Map.of());
        }
        return json(checkpoint);
    }

    @GetMapping(BASE + "/checkpoints")
    Map<String, Object> checkpoints(Requester requester, @RequestParam(required = false) Long before,
                                    @RequestParam(required = false) Integer limit) {
        AdminAccess.requireAdmin(requester, ServiceAccounts.AUDIT_EXPORT);
        int size = limit == null ? 100 : Math.max(1, Math.min(MAX_LIMIT, limit));
        List<AuditTrail.Checkpoint> list = audit.checkpoints(before, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("checkpoints", list.stream().map(AuditAdminController::json).toList());
        if (list.size() == size) body.put("next_token", list.getLast().seq());
        return body;
    }

    /**
     * Verifies the stored chain against the stored checkpoints and, optionally, signed checkpoints kept
     * elsewhere: {@code {"checkpoints": [<signed checkpoint>, ...]}}. 200 either way; {@code ok} says.
     */
    @PostMapping(BASE + "/verify")
    Map<String, Object> verify(Requester requester, @RequestBody(required = false) byte[] raw) {
        AdminAccess.requireAdmin(requester, ServiceAccounts.AUDIT_EXPORT);
        List<JsonNode> trusted = new ArrayList<>();
        if (raw != null && raw.length > 0) {
            JsonNode list = Json.parseObject(raw).get("checkpoints");
            if (list != null && !list.isNull()) {
                if (!list.isArray()) throw MatrixException.invalidParam("checkpoints must be an array");
                if (list.size() > MAX_TRUSTED_CHECKPOINTS) throw MatrixException.invalidParam("Too many checkpoints");
                for (JsonNode c : list) {
                    if (!c.isObject()) throw MatrixException.invalidParam("Every checkpoint must be a JSON object");
                    trusted.add(c);
                }
            }
        }
        AuditVerifier.Result result = audit.verify(trusted);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", result.ok());
        body.put("entries", result.entries());
        body.put("first_seq", result.firstSeq());
        body.put("last_seq", result.lastSeq());
        body.put("checkpoints_matched", result.checkpointsMatched());
        if (!result.ok()) {
            body.put("broken_seq", result.brokenSeq());
            body.put("broken_id", result.brokenId());
            body.put("problem", result.problem());
        }
        body.put("notes", result.notes());
        return body;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static Map<String, Object> json(AuditTrail.Checkpoint c) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("seq", c.seq());
        body.put("entry_id", c.entryId());
        body.put("hash", c.hash());
        body.put("ts", c.ts());
        body.put("key_id", c.keyId());
        body.put("signed", Json.parseObject(c.signedJson().getBytes(StandardCharsets.UTF_8)));
        return body;
    }

    private static Map<String, Object> json(AuditEntry e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", e.id());
        body.put("ts", e.ts());
        body.put("actor", e.actor());
        body.put("role", e.role());
        body.put("action", e.action());
        body.put("target", e.target());
        body.put("tenant_id", e.tenantId());
        body.put("client_ip", e.clientIp());
        body.put("status", e.status());
        body.put("outcome", e.outcome());
        body.put("detail", e.detail());
        body.put("seq", e.seq());
        body.put("hash", e.hash());
        return body;
    }
}
