package dev.letterpress.web;

import dev.letterpress.render.Templates;
import freemarker.template.TemplateException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Renders the subscriber-facing pages in templates/pages/ with the shared FreeMarker configuration. */
final class Pages {
    /** Set on a response that already carries one of our pages, so the 404 fallback leaves it alone. */
    static final String RENDERED = "letterpress.page";

    private final Templates templates;
    private final String newsletterName;

    Pages(Templates templates, String newsletterName) {
        this.templates = templates;
        this.newsletterName = newsletterName;
    }

    void render(Context ctx, int status, String page, Map<String, Object> model) {
        Map<String, Object> m = new HashMap<>(model);
        m.put("newsletter", Map.of("name", newsletterName));
        try {
            ctx.status(status).contentType("text/html; charset=UTF-8").result(templates.render("pages/" + page + ".ftlh", m));
            ctx.attribute(RENDERED, Boolean.TRUE);
        } catch (TemplateException | IOException e) {
            throw new IllegalStateException("page template " + page + " failed: " + e.getMessage(), e);
        }
    }

    void message(Context ctx, int status, String title, String message) {
        render(ctx, status, "message", Map.of("title", title, "message", message, "status", status));
    }

    /** "ada@example.com" becomes "a•••@example.com": enough to recognise, not to harvest from a forwarded link. */
    static String mask(String email) {
        int at = email.indexOf('@');
        if (at <= 0) {
            return "•••";
        }
        return email.charAt(0) + "•••" + email.substring(at);
    }
}
