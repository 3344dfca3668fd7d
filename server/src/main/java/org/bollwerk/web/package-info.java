/**
 * HTTP plumbing shared by every feature: one mapping from exceptions to Matrix error bodies, JSON body
 * parsing with the spec's error codes, CORS for browser clients, request IDs.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN,
        allowedDependencies = {"config"})
package org.bollwerk.web;
