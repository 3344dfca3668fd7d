package org.bollwerk.web;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tomcat refuses some requests before Spring sees them (a request line over the header limit, bad
 * percent-encoding in the path, an encoded '/'), and its stock error valve answers those with an HTML
 * page naming Tomcat. This replaces that valve with one that answers with a Matrix error body and the
 * security headers, like every other response.
 */
@Component
class TomcatErrorBodies implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.getPipeline().addValve(new MatrixErrorValve());
                // the host adds a valve of this class on start unless one is there already: ours is
                host.setErrorReportValveClass(MatrixErrorValve.class.getName());
            }
        });
    }

    static final class MatrixErrorValve extends ErrorReportValve {
        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0) return;
            AtomicBoolean ioAllowed = new AtomicBoolean(true);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) return;
            String errcode = switch (status) {
                case 404, 405 -> "M_UNRECOGNIZED";
                case 413, 414, 431 -> "M_TOO_LARGE";
                default -> status >= 500 ? "M_UNKNOWN" : "M_UNRECOGNIZED";
            };
            String message = status >= 500 ? "Internal server error" : "Bad request";
            try {
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                SecurityHeaders.apply(request, response);
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write("{\"errcode\":\"" + errcode + "\",\"error\":\"" + message + "\"}");
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response was committed meanwhile: nothing more to say
            }
        }
    }
}
