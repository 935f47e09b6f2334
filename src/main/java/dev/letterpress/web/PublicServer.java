package dev.letterpress.web;

import dev.letterpress.config.Config;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.render.Templates;
import dev.letterpress.signup.DataRequests;
import dev.letterpress.signup.Signup;
import dev.letterpress.subscriber.ConsentLog;
import dev.letterpress.subscriber.DataRights;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.PublicUrls;
import dev.letterpress.tracking.Tracker;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP server: every route subscribers (and their mail clients' scanners) can reach, in one table.
 * Handlers are short; the work is in {@link Tracker} and the stores.
 */
public final class PublicServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PublicServer.class);

    /** The one route that takes a multipart (file) upload: the web admin's CSV import. */
    private static final String MULTIPART_PATH = "/admin/imports";

    private final Javalin app;
    private final Config.Http http;

    public PublicServer(Config config, Templates templates, Tracker tracker, SubscriberStore subscribers, CampaignStore campaigns,
                        IssueRenderer renderer, PublicUrls urls, LinkRegistry links, Clock clock, MailboxView mailbox,
                        Signup signup, DataRights rights, DataRequests requests, ConsentLog consent,
                        Consumer<RoutesConfig> moreRoutes) {
        this.http = config.http();
        Pages pages = new Pages(templates, config.sender().newsletterName());
        var tracking = new TrackingRoutes(tracker, pages);
        var views = new CampaignViews(campaigns, renderer, urls, links, config.sender(), clock);
        var subscriberRoutes = new SubscriberRoutes(tracker, subscribers, campaigns, views, pages, consent);
        var preferences = new PreferenceRoutes(tracker, subscribers, rights, requests, consent, pages, http.publicBaseUrl(), clock);
        var signupRoutes = new SignupRoutes(signup, pages);
        var demo = mailbox == null ? null : new MailboxRoutes(mailbox, pages);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = http.host();
            cfg.jetty.port = http.port();
            cfg.jetty.modifyServletContextHandler(context -> context.insertHandler(new TrackingFastPath(tracker)));
            // a multipart upload (the admin's CSV import) stops at the upload limit as it is read, with or without a
            // Content-Length; the few form fields beside the file get 64 KB
            cfg.jetty.multipartConfig.maxFileSize(config.api().maxUploadBytes(), SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(config.api().maxUploadBytes() + 64L * 1024, SizeUnit.BYTES);
            cfg.routes.before(PublicServer::securityHeaders);
            cfg.routes.before(ctx -> {
                // only the admin's import takes files: elsewhere (the public forms above all) a multipart body would
                // be spooled to disk up to the upload limit before any handler could refuse it
                if (ctx.isMultipart() && !ctx.path().equals(MULTIPART_PATH)) {
                    pages.message(ctx, 415, "Not accepted", "This address takes a plain form, not a file upload.");
                    ctx.skipRemainingHandlers();
                }
            });
            cfg.routes.get("/health", ctx -> ctx.result("ok"));
            cfg.routes.get("/o/{token}", tracking::open);
            cfg.routes.get("/c/{token}", tracking::click);
            // scanners probe with HEAD: answered like GET (without body) and recorded as a machine's
            cfg.routes.head("/o/{token}", tracking::open);
            cfg.routes.head("/c/{token}", tracking::click);
            cfg.routes.get("/v/{token}", subscriberRoutes::webView);
            cfg.routes.get("/u/{token}", subscriberRoutes::confirmUnsubscribe);
            cfg.routes.post("/u/{token}", subscriberRoutes::unsubscribe);
            cfg.routes.post("/u/{token}/undo", subscriberRoutes::undo);
            cfg.routes.get("/p/{token}", preferences::show);
            cfg.routes.post("/p/{token}", preferences::save);
            cfg.routes.post("/p/{token}/export", preferences::export);
            cfg.routes.post("/p/{token}/erase", preferences::erase);
            cfg.routes.get("/d/{token}", preferences::dataPage);
            cfg.routes.post("/d/{token}", preferences::dataAction);
            cfg.routes.get("/s/{token}", signupRoutes::form);
            cfg.routes.post("/s/{token}", signupRoutes::subscribe);
            cfg.routes.get("/confirm/{token}", signupRoutes::confirmPage);
            cfg.routes.post("/confirm/{token}", signupRoutes::confirm);
            if (demo != null) {
                cfg.routes.get("/", ctx -> ctx.redirect("/demo/mail"));
                cfg.routes.get("/demo/mail", demo::index);
                cfg.routes.get("/demo/mail/{index}", demo::message);
            }
            if (moreRoutes != null) {
                moreRoutes.accept(cfg.routes); // the REST API under /api, the web admin under /admin
            }
            cfg.routes.error(404, "*", ctx -> {
                if (ctx.path().startsWith("/api/")) {
                    // API clients get JSON, never a page: the API's own 404s already are; unmatched routes get it here
                    if (!String.valueOf(ctx.res().getContentType()).startsWith("application/json")) {
                        ctx.contentType("application/json").result("{\"error\":\"no such endpoint: " + ctx.method().name()
                                + " " + ctx.path().replaceAll("[^A-Za-z0-9/._{}-]", "?") + "; see /api/openapi.json\"}");
                    }
                    return;
                }
                // Javalin has already put its own text here for unmatched routes; ours replaces it
                if (ctx.attribute(Pages.RENDERED) == null) {
                    pages.message(ctx, 404, "Not found", "There is nothing at this address. If you followed a link from an email, it may have been cut short: try opening it again from the email.");
                }
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                pages.message(ctx, 500, "Something went wrong", "We could not complete this request. Please try again in a moment.");
            });
        });
    }

    public PublicServer start() {
        app.start();
        log.info("public HTTP server listening on {}:{}", http.host(), app.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The HTTP routes registered, as "GET /path". */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).toList();
    }

    @Override
    public void close() {
        app.stop();
    }

    /** Tokens travel in URLs: never leak them through Referer, never let pages be framed or sniffed. */
    static final String[][] SECURITY_HEADERS = {
        {"Referrer-Policy", "no-referrer"},
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Content-Security-Policy", "default-src 'none'; img-src https: http: data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
    };

    private static void securityHeaders(Context ctx) {
        for (String[] h : SECURITY_HEADERS) {
            ctx.header(h[0], h[1]);
        }
    }
}
