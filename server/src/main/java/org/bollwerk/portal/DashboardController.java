package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.AccountService;
import org.bollwerk.room.RoomStatistics;
import org.bollwerk.tenant.TenantRoles;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import java.util.ArrayList;
import java.util.List;

/** Aggregated counts per tenant the signed-in admin may read (users.read): never content, never names. */
@Controller
class DashboardController {
    private static final long DAY_MS = 86_400_000L;
    private final PortalAccess access;
    private final AccountService accounts;
    private final RoomStatistics rooms;

    DashboardController(PortalAccess access, AccountService accounts, RoomStatistics rooms) {
        this.access = access;
        this.accounts = accounts;
        this.rooms = rooms;
    }

    record TenantCounts(String tenantId, long users, long activeToday, long active7, long active30, long rooms,
                        List<RoomStatistics.Day> messages) {
    }

    @GetMapping("/admin")
    String dashboard(HttpServletRequest request, Model model) {
        String me = PortalSession.signedInUser(request);
        long now = System.currentTimeMillis();
        long today = now / DAY_MS * DAY_MS;
        List<TenantCounts> counts = new ArrayList<>();
        for (String tenantId : access.tenants(me, TenantRoles.USERS_READ)) {
            counts.add(new TenantCounts(tenantId, accounts.countUsers(tenantId), accounts.countActiveUsers(tenantId, today),
                    accounts.countActiveUsers(tenantId, now - 7 * DAY_MS), accounts.countActiveUsers(tenantId, now - 30 * DAY_MS),
                    rooms.countRooms(tenantId), rooms.messagesPerDay(tenantId, 7)));
        }
        model.addAttribute("counts", counts);
        return "portal/dashboard";
    }
}
