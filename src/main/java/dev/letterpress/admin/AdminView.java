package dev.letterpress.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.letterpress.render.Templates;
import freemarker.template.TemplateException;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/** Renders templates/admin/ pages (auto-escaped .ftlh) and the few JSON answers the pages' scripts poll. */
final class AdminView {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Templates templates;
    private final String newsletterName;

    AdminView(Templates templates, String newsletterName) {
        this.templates = templates;
        this.newsletterName = newsletterName;
    }

    /** Renders admin/{page}.ftlh; {@code session} may be null (the sign-in page). */
    void page(Context ctx, int status, String page, AdminSessions.Session session, Map<String, Object> model) {
        Map<String, Object> m = new HashMap<>(model);
        m.put("newsletter", newsletterName);
        if (session != null) {
            m.put("admin", session.adminName());
            m.put("csrf", session.csrfToken());
        }
        try {
            ctx.status(status).contentType("text/html; charset=UTF-8").result(templates.render("admin/" + page + ".ftlh", m));
        } catch (TemplateException | IOException e) {
            throw new IllegalStateException("admin page template " + page + " failed: " + e.getMessage(), e);
        }
    }

    void message(Context ctx, int status, AdminSessions.Session session, String title, String message) {
        page(ctx, status, "message", session, Map.of("title", title, "message", message));
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }
}
