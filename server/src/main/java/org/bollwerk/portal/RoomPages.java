package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.room.RoomService;
import org.bollwerk.room.RoomStatistics;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rooms of the tenants the admin may read (tenant.read): settings, member counts, members and a state summary,
 * never messages. Operators may close a room.
 */
@Controller
class RoomPages {
    private static final int PAGE = 100;
    private final PortalAccess access;
    private final PortalActions actions;
    private final RoomStatistics rooms;
    private final RoomService roomService;

    RoomPages(PortalAccess access, PortalActions actions, RoomStatistics rooms, RoomService roomService) {
        this.access = access;
        this.actions = actions;
        this.rooms = rooms;
        this.roomService = roomService;
    }

    @GetMapping("/admin/rooms")
    String list(HttpServletRequest request, @RequestParam(required = false) String tenant, Model model) {
        String me = PortalSession.signedInUser(request);
        List<String> readable = access.tenants(me, TenantRoles.TENANT_READ);
        String shown = tenant != null && readable.contains(tenant) ? tenant : readable.isEmpty() ? null : readable.getFirst();
        model.addAttribute("tenants", readable);
        model.addAttribute("tenant", shown);
        model.addAttribute("rooms", shown == null ? List.of() : rooms.rooms(shown, null, PAGE));
        return "portal/rooms";
    }

    @GetMapping("/admin/rooms/{roomId}")
    String room(HttpServletRequest request, @PathVariable String roomId, Model model, RedirectAttributes flash) {
        String me = PortalSession.signedInUser(request);
        RoomStatistics.RoomInfo room = rooms.room(roomId).orElse(null);
        if (room == null || !access.may(me, TenantRoles.TENANT_READ, room.tenantId())) {
            flash.addFlashAttribute("problem", "problem.noRoom");
            return "redirect:/admin/rooms";
        }
        model.addAttribute("room", room);
        model.addAttribute("members", rooms.members(roomId));
        model.addAttribute("state", rooms.stateSummary(roomId));
        return "portal/room";
    }

    @PostMapping("/admin/rooms/{roomId}/close")
    String close(HttpServletRequest request, RedirectAttributes flash, @PathVariable String roomId) {
        String me = PortalSession.signedInUser(request);
        RoomStatistics.RoomInfo room = rooms.room(roomId).orElse(null);
        actions.run(request, flash, "close room", roomId, room == null ? null : room.tenantId(), () -> {
            if (room == null) throw MatrixException.notFound("No such room");
            if (!access.operator(me)) throw new PortalAccess.Forbidden("operator", room.tenantId());
            roomService.close(roomId, "Closed by an administrator");
            return PortalAccess.OPERATOR;
        });
        return "redirect:/admin/rooms/" + UriUtils.encodePathSegment(roomId, StandardCharsets.UTF_8);
    }
}
