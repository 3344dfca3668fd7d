/**
 * How clients and load balancers find and probe the server: {@code /.well-known/matrix/client},
 * {@code /_matrix/client/versions}, {@code /capabilities} and {@code /health}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Discovery", allowedDependencies = {
        "account", "calls", "config", "tenant"})
package org.bollwerk.discovery;
