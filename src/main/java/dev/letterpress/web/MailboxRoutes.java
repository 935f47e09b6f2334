package dev.letterpress.web;

import io.javalin.http.Context;
import java.util.Map;

/** The demo's local mail catcher page: every caught message, viewable as the reader would see it. */
final class MailboxRoutes {
    private final MailboxView mailbox;
    private final Pages pages;

    MailboxRoutes(MailboxView mailbox, Pages pages) {
        this.mailbox = mailbox;
        this.pages = pages;
    }

    void index(Context ctx) {
        var messages = mailbox.first(200).stream().map(m -> Map.<String, Object>of("index", m.index(), "to", m.to(),
                "subject", m.subject(), "receivedAt", m.receivedAt())).toList();
        pages.render(ctx, 200, "demo-mailbox", Map.of("messages", messages, "total", mailbox.total(),
                "campaigns", mailbox.campaigns()));
    }

    void message(Context ctx) {
        String raw = ctx.pathParam("index");
        boolean text = raw.endsWith(".txt");
        int index;
        try {
            index = Integer.parseInt(text ? raw.substring(0, raw.length() - 4) : raw);
        } catch (NumberFormatException e) {
            pages.message(ctx, 404, "No such message", "Message numbers are whole numbers.");
            return;
        }
        String body = mailbox.body(index, !text);
        if (body == null) {
            pages.message(ctx, 404, "No such message", "The mail catcher has no message " + index + ".");
            return;
        }
        // The message is our own rendered email: let it show its images, nothing else.
        ctx.header("Content-Security-Policy", "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'");
        if (text) {
            ctx.contentType("text/plain; charset=UTF-8").result(body);
        } else {
            ctx.contentType("text/html; charset=UTF-8").result(body);
        }
    }
}
