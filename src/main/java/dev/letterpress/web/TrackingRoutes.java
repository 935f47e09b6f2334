package dev.letterpress.web;

import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.Tracker;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** The open pixel and the click redirect. Both only verify the token and queue the event: no database work. */
final class TrackingRoutes {
    /** The smallest transparent GIF: 43 bytes. */
    static final byte[] PIXEL = Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");
    /** The pixel must be fetched again at every open: no cache may keep it. */
    static final String[][] PIXEL_HEADERS = {
        {"Cache-Control", "no-store, no-cache, must-revalidate, max-age=0"},
        {"Pragma", "no-cache"},
        {"Expires", "0"},
    };

    private final Tracker tracker;
    private final Pages pages;

    TrackingRoutes(Tracker tracker, Pages pages) {
        this.tracker = tracker;
        this.pages = pages;
    }

    void open(Context ctx) {
        String token = ctx.pathParam("token");
        if (token.endsWith(".gif")) {
            token = token.substring(0, token.length() - 4);
        }
        if (!tracker.open(token, ctx.userAgent(), ClientAddress.of(ctx), ctx.method() == HandlerType.HEAD)) {
            ctx.status(404).contentType("text/plain").result("unknown token");
            return;
        }
        for (String[] h : PIXEL_HEADERS) {
            ctx.header(h[0], h[1]);
        }
        // written straight to the response, not as a Javalin result: its compression check (a content-type
        // lookup on every first write) was 6 % of a server thread's CPU under pixel load, for 43 bytes nobody
        // compresses
        ctx.contentType("image/gif");
        ctx.res().setContentLength(PIXEL.length);
        try {
            ctx.res().getOutputStream().write(PIXEL);
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }

    /** Redirects only to the link registered at render time; a URL parameter can never choose the target. */
    void click(Context ctx) {
        if (!ctx.queryParamMap().isEmpty()) {
            pages.message(ctx, 400, "Link not recognised", "This link has been changed since it was sent. Please use the link exactly as it appears in the email.");
            return;
        }
        var target = tracker.click(ctx.pathParam("token"), ctx.userAgent(), ClientAddress.of(ctx), ctx.method() == HandlerType.HEAD);
        if (target.isEmpty()) {
            pages.message(ctx, 404, "Link not recognised", "This link is incomplete or has been changed. Please use the link exactly as it appears in the email.");
            return;
        }
        ctx.header("Cache-Control", "no-store");
        if (target.get().equals(LinkRegistry.TRAP_URL)) {
            // the hidden trap link: recorded as a machine's click; nothing to follow
            ctx.status(204);
            return;
        }
        // status and Location only: Javalin's redirect() also sets a text body, which goes through the same
        // compression check on its way out as the pixel did
        ctx.status(io.javalin.http.HttpStatus.FOUND).header("Location", target.get());
    }
}
