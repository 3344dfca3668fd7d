package org.bollwerk.portal;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.tenant.Tenant;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import java.util.List;

/** Tenants, their domains, partners and roles, as far as the admin may read them (tenant.read). */
@Controller
class TenantPages {
    private final PortalAccess access;
    private final TenantService tenants;
    private final TenantRoles roles;

    TenantPages(PortalAccess access, TenantService tenants, TenantRoles roles) {
        this.access = access;
        this.tenants = tenants;
        this.roles = roles;
    }

    record Row(Tenant tenant, List<String> partners, List<TenantRoles.Role> roles) {
    }

    @GetMapping("/admin/tenants")
    String list(HttpServletRequest request, Model model) {
        String me = PortalSession.signedInUser(request);
        model.addAttribute("rows", access.tenants(me, TenantRoles.TENANT_READ).stream()
                .flatMap(id -> tenants.tenant(id).stream())
                .map(t -> new Row(t, tenants.partners(t.id()), roles.roles(t.id()))).toList());
        return "portal/tenants";
    }
}
