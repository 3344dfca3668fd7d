/**
 * Voice and video calls: TURN credentials for clients ({@code /voip/turnServer}, coturn's shared-secret
 * scheme, so the secret never leaves the server) and OpenID tokens that let a call service (a LiveKit JWT
 * service for Element Call) confirm who a user is without seeing their access token.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Calls", allowedDependencies = {"account", "storage"})
package org.bollwerk.calls;
