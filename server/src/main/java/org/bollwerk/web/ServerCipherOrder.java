package org.bollwerk.web;

import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * With TLS on, the server's cipher order wins over the client's (strongest suites of
 * {@link TlsEnvironment#CIPHERS} first). Spring Boot has no setting for it and rebuilds Tomcat's
 * SSLHostConfig when a certificate is reloaded, so the order is set wherever a config is added.
 */
@Component
class ServerCipherOrder implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.setProtocol(Protocol.class.getName());
    }

    /** Tomcat's NIO HTTP/1.1 connector, honouring the server's cipher order on every TLS host config. */
    public static class Protocol extends Http11NioProtocol {
        @Override
        public void addSslHostConfig(SSLHostConfig config) {
            config.setHonorCipherOrder(true);
            super.addSslHostConfig(config);
        }

        @Override
        public void addSslHostConfig(SSLHostConfig config, boolean replace) {
            config.setHonorCipherOrder(true);
            super.addSslHostConfig(config, replace);
        }
    }
}
