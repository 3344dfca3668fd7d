package org.bollwerk.portal;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.AccountService;
import org.bollwerk.account.LoginGuard;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.tenant.TenantService;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.LocaleResolver;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Sign-in: password, then the TOTP code (or a recovery code); enrolment of TOTP at the first sign-in. */
@Controller
class SignInController {
    private static final io.micrometer.core.instrument.Counter FAILED = io.micrometer.core.instrument.Counter
            .builder("bollwerk.logins.failed").tag("via", "portal").description("Failed password logins (wrong password or user)")
            .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    private static final String ISSUER = "Bollwerk";
    private final AccountService accounts;
    private final TenantService tenants;
    private final LoginGuard guard;
    private final PortalAccess access;
    private final SecondFactor secondFactor;
    private final PortalActions actions;
    private final LocaleResolver locales;

    SignInController(AccountService accounts, TenantService tenants, LoginGuard guard, PortalAccess access,
                     SecondFactor secondFactor, PortalActions actions, LocaleResolver locales) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.guard = guard;
        this.access = access;
        this.secondFactor = secondFactor;
        this.actions = actions;
        this.locales = locales;
    }

    @GetMapping("/admin/login")
    String loginPage() {
        return "portal/login";
    }

    @PostMapping("/admin/login")
    String login(HttpServletRequest request, @RequestParam(defaultValue = "") String username,
                 @RequestParam(defaultValue = "") String password, Model model) {
        String userId = userIdOf(username);
        if (userId == null) return failed(model, "problem.signIn");
        try {
            guard.beforeLogin(request.getRemoteAddr(), userId);
        } catch (MatrixException e) {
            actions.record(userId, null, "sign-in password", userId, null, request, 429);
            return failed(model, "problem.tooMany");
        }
        boolean ok = accounts.checkPassword(userId, password) && access.mayUsePortal(userId);
        String tenantId = accounts.user(userId).map(UserAccount::tenantId).orElse(null);
        actions.record(userId, null, "sign-in password", userId, tenantId, request, ok ? 200 : 401);
        if (!ok) {
            FAILED.increment();
            return failed(model, "problem.signIn");
        }
        PortalSession.passwordPassed(request, userId, accounts.passwordStamp(userId).orElse(null));
        return secondFactor.enrolled(userId) ? "redirect:/admin/second-factor" : "redirect:/admin/second-factor/enrol";
    }

    @GetMapping("/admin/second-factor")
    String codePage(HttpServletRequest request) {
        String userId = PortalSession.passwordUser(request);
        if (!secondFactor.enrolled(userId)) return "redirect:/admin/second-factor/enrol";
        return "portal/second-factor";
    }

    @PostMapping("/admin/second-factor")
    String code(HttpServletRequest request, @RequestParam(defaultValue = "") String code, Model model) {
        String userId = PortalSession.passwordUser(request);
        String tenantId = accounts.user(userId).map(UserAccount::tenantId).orElse(null);
        try {
            guard.beforeLogin(request.getRemoteAddr(), userId);
        } catch (MatrixException e) {
            actions.record(userId, null, "sign-in second factor", userId, tenantId, request, 429);
            model.addAttribute("problem", "problem.tooMany");
            return "portal/second-factor";
        }
        SecondFactor.Outcome outcome = secondFactor.verify(userId, code);
        actions.record(userId, null, "sign-in second factor", userId, tenantId, request,
                outcome == SecondFactor.Outcome.OK ? 200 : outcome == SecondFactor.Outcome.LOCKED ? 429 : 401);
        if (outcome != SecondFactor.Outcome.OK) {
            model.addAttribute("problem", outcome == SecondFactor.Outcome.LOCKED ? "problem.locked" : "problem.code");
            return "portal/second-factor";
        }
        if (!access.mayUsePortal(userId)) {   // locked or demoted meanwhile
            PortalSession.end(request);
            return "redirect:/admin/login";
        }
        PortalSession.secondFactorPassed(request);
        return "redirect:/admin";
    }

    @GetMapping("/admin/second-factor/enrol")
    String enrolPage(HttpServletRequest request, Model model) {
        String userId = PortalSession.passwordUser(request);
        if (secondFactor.enrolled(userId)) return "redirect:/admin/second-factor";
        String secret = secondFactor.pendingSecret(userId, tenantOf(userId));
        model.addAttribute("secret", secret.replaceAll("(.{4})", "$1 ").strip());
        model.addAttribute("otpauth", Totp.otpauthUri(ISSUER, userId, secret));
        return "portal/enrol";
    }

    /** The enrolment QR code, drawn here as SVG: the secret never goes to a third-party service. */
    @GetMapping(value = "/admin/second-factor/qr.svg")
    ResponseEntity<String> qrCode(HttpServletRequest request) {
        String userId = PortalSession.passwordUser(request);
        if (secondFactor.enrolled(userId)) return ResponseEntity.notFound().build();
        String uri = Totp.otpauthUri(ISSUER, userId, secondFactor.pendingSecret(userId, tenantOf(userId)));
        return ResponseEntity.ok().contentType(MediaType.valueOf("image/svg+xml")).body(svg(uri));
    }

    @PostMapping("/admin/second-factor/enrol")
    String enrol(HttpServletRequest request, @RequestParam(defaultValue = "") String code, Model model) {
        String userId = PortalSession.passwordUser(request);
        if (secondFactor.enrolled(userId)) return "redirect:/admin/second-factor";
        String tenantId = tenantOf(userId);
        Optional<List<String>> codes = secondFactor.confirm(userId, code);
        actions.record(userId, null, "second factor enrol", userId, tenantId, request, codes.isPresent() ? 200 : 401);
        if (codes.isEmpty()) {
            model.addAttribute("problem", "problem.code");
            return enrolPage(request, model);
        }
        PortalSession.secondFactorPassed(request);
        actions.record(userId, null, "sign-in second factor", userId, tenantId, request, 200);
        model.addAttribute("csrf", PortalSession.csrfToken(request, true));
        model.addAttribute("me", userId);
        model.addAttribute("codes", codes.get());
        return "portal/recovery-codes";
    }

    @PostMapping("/admin/logout")
    String logout(HttpServletRequest request) {
        String userId = PortalSession.passwordUser(request);
        if (userId != null) actions.record(userId, null, "sign-out", userId, tenantOf(userId), request, 200);
        PortalSession.end(request);
        return "redirect:/admin/login";
    }

    @GetMapping("/admin/language")
    String language(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                    @RequestParam(defaultValue = "en") String lang) {
        locales.setLocale(request, response, "de".equals(lang) ? Locale.GERMAN : Locale.ENGLISH);
        return PortalSession.signedInUser(request) != null ? "redirect:/admin" : "redirect:/admin/login";
    }

    private String tenantOf(String userId) {
        return accounts.user(userId).map(UserAccount::tenantId).orElse(null);
    }

    private static String failed(Model model, String problem) {
        model.addAttribute("problem", problem);
        return "portal/login";
    }

    /** {@code alice} (on the default domain) or a full {@code @alice:example.org}; null if malformed. */
    private String userIdOf(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.length() > 255) return null;
        try {
            return trimmed.startsWith("@") ? UserId.parse(trimmed).toString()
                    : UserId.parse("@" + trimmed.toLowerCase(Locale.ROOT) + ":" + tenants.defaultDomain()).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String svg(String text) {
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, Map.of(EncodeHintType.MARGIN, 4));
        } catch (WriterException e) {
            throw new IllegalStateException("Cannot draw the QR code", e);
        }
        int size = matrix.getWidth();
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (matrix.get(x, y)) path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
                + "\" width=\"256\" height=\"256\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                + "fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }
}
