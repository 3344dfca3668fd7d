package org.bollwerk.admin;

import org.bollwerk.account.Requester;
import org.bollwerk.alerts.AlertRequest;
import org.bollwerk.alerts.AlertService;
import org.bollwerk.alerts.AlertStatus;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.bollwerk.web.JsonBody;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts with acknowledgement (docs/alerts.md): send one to the tenant or some of its groups, list them, read
 * one's figures and export who got, read and acknowledged it when. Everything needs {@code alerts.send} in the
 * tenant (tenant admins have it; operators may do everything); every call is audited like any admin request.
 */
@RestController
@RequestMapping("/_bollwerk/admin/v1/tenants/{tenantId}/alerts")
class AlertAdminController {
    private static final int MAX_LIMIT = 200;
    private final AlertService alerts;
    private final TenantService tenants;
    private final AdminAccess access;

    AlertAdminController(AlertService alerts, TenantService tenants, AdminAccess access) {
        this.alerts = alerts;
        this.tenants = tenants;
        this.access = access;
    }

    /** {@code {"body": "…", "groups": […], "remind_after_ms": n, "escalate_to_groups": […], "escalate_after_ms": n}}. */
    @PostMapping
    ResponseEntity<Map<String, Object>> send(Requester requester, @PathVariable String tenantId,
                                             @RequestBody(required = false) byte[] raw) {
        allowed(requester, tenantId);
        ObjectNode body = Json.parseObject(raw);
        AlertRequest request = new AlertRequest(JsonBody.string(body, "body", true), groups(body, "groups"),
                JsonBody.integer(body, "remind_after_ms"), groups(body, "escalate_to_groups"),
                JsonBody.integer(body, "escalate_after_ms"));
        String alertId = alerts.send(tenantId, requester.userId(), request);
        AlertStatus status = alerts.status(tenantId, alertId);
        AdminAccess.noteDetail("alert_id=" + alertId + " groups=" + request.groups() + " recipients="
                + status.figures().recipients() + " delivered=" + status.figures().delivered());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("alert_id", alertId);
        response.put("recipients", status.figures().recipients());
        response.put("delivered", status.figures().delivered());
        return ResponseEntity.status(201).body(response);
    }

    /** {@code {"groups": […]}}: joins that audience to its alert room now, so its first real alert is fast. */
    @PostMapping("/prepare")
    Map<String, Object> prepare(Requester requester, @PathVariable String tenantId,
                                @RequestBody(required = false) byte[] raw) {
        allowed(requester, tenantId);
        List<String> groups = groups(Json.parseObject(raw), "groups");
        int members = alerts.prepare(tenantId, groups);
        AdminAccess.noteDetail("groups=" + groups + " members=" + members);
        return Map.of("members", members);
    }

    @GetMapping
    Map<String, Object> list(Requester requester, @PathVariable String tenantId,
                             @RequestParam(required = false) String before, @RequestParam(required = false) String limit) {
        allowed(requester, tenantId);
        Long beforeTs = before == null ? null : number(before, "before");
        int size = limit == null ? 50 : (int) Math.min(MAX_LIMIT, Math.max(1, number(limit, "limit")));
        List<AlertStatus> page = alerts.list(tenantId, beforeTs, size + 1);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("alerts", page.stream().limit(size).map(AlertAdminController::json).toList());
        if (page.size() > size) response.put("next_before", String.valueOf(page.get(size - 1).createdTs()));
        return response;
    }

    @GetMapping("/{alertId}")
    Map<String, Object> get(Requester requester, @PathVariable String tenantId, @PathVariable String alertId) {
        allowed(requester, tenantId);
        return json(alerts.status(tenantId, alertId));
    }

    /** Per recipient: delivered, read and acknowledged times. {@code ?format=csv} for a spreadsheet, else JSON. */
    @GetMapping("/{alertId}/export")
    ResponseEntity<?> export(Requester requester, @PathVariable String tenantId, @PathVariable String alertId,
                             @RequestParam(required = false) String format) {
        allowed(requester, tenantId);
        List<AlertStatus.Recipient> recipients = alerts.recipients(tenantId, alertId);
        if ("csv".equals(format)) {
            StringBuilder csv = new StringBuilder("user_id,escalation,delivered_ts,read_ts,acknowledged_ts\r\n");
            for (AlertStatus.Recipient r : recipients) {
                csv.append(r.userId()).append(',').append(r.escalation()).append(',').append(text(r.deliveredTs()))
                        .append(',').append(text(r.readTs())).append(',').append(text(r.acknowledgedTs())).append("\r\n");
            }
            return ResponseEntity.ok().contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                    .header("Content-Disposition", "attachment; filename=\"alert-" + alertId + ".csv\"")
                    .body(csv.toString());
        }
        if (format != null && !"json".equals(format)) throw MatrixException.invalidParam("format must be csv or json");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AlertStatus.Recipient r : recipients) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user_id", r.userId());
            row.put("escalation", r.escalation());
            row.put("delivered_ts", r.deliveredTs());
            row.put("read_ts", r.readTs());
            row.put("acknowledged_ts", r.acknowledgedTs());
            rows.add(row);
        }
        return ResponseEntity.ok(Map.of("alert_id", alertId, "recipients", rows));
    }

    private void allowed(Requester requester, String tenantId) {
        access.require(requester, TenantRoles.ALERTS_SEND, tenantId);
        tenants.tenant(tenantId).orElseThrow(() -> MatrixException.notFound("Unknown tenant " + tenantId));
    }

    static Map<String, Object> json(AlertStatus s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("alert_id", s.alertId());
        json.put("sent_by", s.sentBy());
        json.put("body", s.body());
        json.put("groups", s.groups());
        json.put("created_ts", s.createdTs());
        json.put("room_id", s.roomId());
        json.put("event_id", s.eventId());
        json.put("delivered_ts", s.deliveredTs());
        json.put("recipients", s.figures().recipients());
        json.put("delivered", s.figures().delivered());
        json.put("read", s.figures().read());
        json.put("acknowledged", s.figures().acknowledged());
        if (s.pending() != null) json.put("pending", s.pending());
        json.put("reminders_sent", s.remindersSent());
        if (!s.escalateToGroups().isEmpty()) {
            Map<String, Object> escalation = new LinkedHashMap<>();
            escalation.put("groups", s.escalateToGroups());
            escalation.put("escalated_ts", s.escalatedTs());
            escalation.put("recipients", s.escalation().recipients());
            escalation.put("delivered", s.escalation().delivered());
            escalation.put("read", s.escalation().read());
            escalation.put("acknowledged", s.escalation().acknowledged());
            json.put("escalation", escalation);
        }
        json.put("completed_ts", s.completedTs());
        return json;
    }

    private static List<String> groups(JsonNode body, String field) {
        JsonNode list = body.get(field);
        if (list == null || list.isNull()) return List.of();
        if (!list.isArray()) throw MatrixException.badJson("'" + field + "' must be a list of group IDs");
        List<String> ids = new ArrayList<>();
        for (JsonNode id : list) {
            if (!id.isString()) throw MatrixException.badJson("'" + field + "' must be a list of group IDs");
            ids.add(id.asString());
        }
        return ids;
    }

    private static long number(String text, String name) {
        try {
            long value = Long.parseLong(text);
            if (value < 0) throw MatrixException.invalidParam(name + " must not be negative");
            return value;
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam(name + " must be an integer");
        }
    }

    private static String text(Long ts) {
        return ts == null ? "" : String.valueOf(ts);
    }
}
