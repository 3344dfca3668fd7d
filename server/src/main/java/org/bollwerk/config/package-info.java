/** Typed, validated configuration shared by every feature. */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN,
        allowedDependencies = {})
package org.bollwerk.config;
