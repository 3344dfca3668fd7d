package org.bollwerk.admin;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** {@code GET /_synapse/admin/v1/server_version}: unauthenticated in Synapse too; tools show it. */
@RestController
class ServerVersionController {
    private static final String VERSION = "Bollwerk " + versionOfBuild();

    @GetMapping("/_synapse/admin/v1/server_version")
    Map<String, Object> serverVersion() {
        return Map.of("server_version", VERSION);
    }

    private static String versionOfBuild() {
        String version = ServerVersionController.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
