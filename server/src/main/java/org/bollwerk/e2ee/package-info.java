/**
 * End-to-end encryption key distribution: device, one-time, fallback and cross-signing keys, to-device
 * messages, device-list tracking and server-side key backup. The server only relays and stores public
 * keys, signatures and ciphertext; encryption happens in the clients. {@link org.bollwerk.e2ee.E2eeSync}
 * is what /sync reads.
 */
@org.springframework.modulith.ApplicationModule(displayName = "End-to-end encryption", allowedDependencies = {
        "account", "ratelimit", "room", "storage", "tenant", "web"})
package org.bollwerk.e2ee;
