package org.bollwerk.portal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.SessionLocaleResolver;

import java.util.Locale;

/** The portal's static files, its language choice, and the second-factor rule on the admin API. */
@Configuration(proxyBeanMethods = false)
class PortalWebConfig implements WebMvcConfigurer {
    private final AdminApiSecondFactor adminApiSecondFactor;

    PortalWebConfig(AdminApiSecondFactor adminApiSecondFactor) {
        this.adminApiSecondFactor = adminApiSecondFactor;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/admin/static/**").addResourceLocations("classpath:/portal/static/");
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // after the admin audit interceptor (order 0), so a refusal here is still recorded there
        registry.addInterceptor(adminApiSecondFactor).addPathPatterns("/_synapse/admin/**", "/_bollwerk/admin/**")
                .excludePathPatterns("/_synapse/admin/v1/server_version").order(10);
    }

    /** The language chosen with the switch (kept in the portal session), else the browser's Accept-Language. */
    @Bean
    LocaleResolver localeResolver() {
        SessionLocaleResolver resolver = new SessionLocaleResolver();
        resolver.setDefaultLocaleFunction(request -> {
            Locale asked = request.getLocale();
            return asked != null && "de".equals(asked.getLanguage()) ? Locale.GERMAN : Locale.ENGLISH;
        });
        return resolver;
    }
}
