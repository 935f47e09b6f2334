package dev.letterpress.admin;

import dev.letterpress.subscriber.NotFoundException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web admin under {@code /admin}: one route table. Every route but sign-in and the two static files needs a
 * signed-in session (pages redirect to sign-in, JSON answers 401), and every POST must carry the session's
 * synchronizer token, as the form field {@code _csrf} or the header {@code X-CSRF-Token}; without it: 403 and
 * nothing done. Answers are never cached, and scripts may only come from this server.
 */
public final class Admin implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Admin.class);
    static final String COOKIE = "lp_admin";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Inline styles are allowed because the issue preview (an iframe srcdoc, which inherits this policy) uses them. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: http: data:; "
            + "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** A handler that knows who is signed in (null on the open routes). */
    interface Handler {
        void handle(Context ctx, AdminSessions.Session session) throws Exception;
    }

    record Route(HandlerType method, String path, Handler handler, boolean open) {}

    private final AdminSessions sessions;
    private final AdminView view;
    private final List<Route> routes;
    private final SubscriberRoutes people;

    /** Everything the admin's pages need, gathered by {@code App}. */
    public record Parts(dev.letterpress.db.Jdbc jdbc, java.time.Clock clock, java.time.Duration idle, dev.letterpress.render.Templates templates,
                        String newsletterName, String publicBaseUrl, AdminAccounts accounts, dev.letterpress.issue.SectionTypes types,
                        dev.letterpress.render.IssueRenderer renderer, dev.letterpress.schedule.Campaigns campaigns,
                        dev.letterpress.delivery.CampaignStore campaignStore, dev.letterpress.tracking.EventStore events,
                        dev.letterpress.subscriber.SubscriberStore subscribers, dev.letterpress.api.SubscriberQueries subscriberQueries,
                        dev.letterpress.subscriber.CsvImporter importer, dev.letterpress.subscriber.DataRights rights,
                        dev.letterpress.segment.SegmentStore segments, dev.letterpress.schedule.WeeklySchedules weekly,
                        dev.letterpress.delivery.Mailer mailer, long maxUploadBytes) {}

    public Admin(Parts p) {
        this.sessions = new AdminSessions(p.jdbc(), p.clock(), p.idle());
        this.view = new AdminView(p.templates(), p.newsletterName());
        var queries = new AdminQueries(p.jdbc());
        var auth = new AuthRoutes(p.accounts(), sessions, new SignInThrottle(p.clock()), view);
        var stats = new dev.letterpress.tracking.CampaignStats(p.jdbc());
        var dashboard = new DashboardRoutes(p.campaignStore(), p.events(), stats, queries, view, p.clock());
        var compose = new ComposeRoutes(p.types(), p.renderer(), p.campaigns(), queries, p.subscribers(), p.mailer(), p.publicBaseUrl(),
                p.newsletterName(), view, p.clock());
        var schedule = new ScheduleRoutes(p.renderer(), p.campaigns(), queries, p.subscribers(), p.segments(), view, p.clock());
        var report = new ReportRoutes(p.campaignStore(), p.campaigns(), p.events(), stats, queries, view);
        var weekly = new WeeklyRoutes(p.weekly(), p.subscribers(), p.segments(), queries, view);
        this.people = new SubscriberRoutes(p.subscribers(), p.subscriberQueries(), p.rights(), p.importer(), p.maxUploadBytes(), view);
        HandlerType get = HandlerType.GET;
        HandlerType post = HandlerType.POST;
        this.routes = List.of(
                new Route(get, "/admin/static/{file}", (ctx, s) -> staticFile(ctx), true),
                new Route(get, "/admin/signin", auth::form, true),
                new Route(post, "/admin/signin", auth::signIn, true),
                new Route(post, "/admin/signout", auth::signOut, false),
                new Route(get, "/admin", dashboard::show, false),
                new Route(get, "/admin/issues", compose::list, false),
                new Route(get, "/admin/compose", compose::fresh, false),
                new Route(get, "/admin/issues/{id}", compose::edit, false),
                new Route(post, "/admin/compose", compose::submit, false),
                new Route(post, "/admin/compose/preview", compose::preview, false),
                new Route(get, "/admin/issues/{id}/schedule", schedule::dialog, false),
                new Route(post, "/admin/issues/{id}/schedule", schedule::schedule, false),
                new Route(get, "/admin/campaigns/{id}", report::show, false),
                new Route(get, "/admin/campaigns/{id}/progress", report::progress, false),
                new Route(post, "/admin/campaigns/{id}/{action}", report::control, false),
                new Route(get, "/admin/schedules", weekly::list, false),
                new Route(post, "/admin/schedules", weekly::create, false),
                new Route(get, "/admin/schedules/{id}", weekly::show, false),
                new Route(post, "/admin/schedules/{id}/queue", weekly::enqueue, false),
                new Route(get, "/admin/subscribers", people::search, false),
                new Route(get, "/admin/subscribers/{id}", people::show, false),
                new Route(post, "/admin/imports", people::startImport, false),
                new Route(get, "/admin/imports/{job}", people::importPage, false),
                new Route(get, "/admin/imports/{job}/progress", people::importProgress, false));
    }

    /** Stops the background import thread (an import under way is interrupted; its rows so far stay). */
    @Override
    public void close() {
        people.close();
    }

    /** Adds every admin route to the server's route table. */
    public void register(RoutesConfig config) {
        for (Route r : routes) {
            config.addEndpoint(new Endpoint(r.method(), r.path(), ctx -> guard(r, ctx)));
        }
    }

    private void guard(Route route, Context ctx) throws Exception {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cache-Control", "no-store");
        AdminSessions.Session session = null;
        try {
            if (!route.open()) {
                session = sessions.find(ctx.cookie(COOKIE)).orElse(null);
                if (session == null) {
                    notSignedIn(ctx);
                    return;
                }
                if (route.path().equals("/admin/imports") && ctx.contentLength() > people.maxUploadBytes()) {
                    tooLarge(ctx, session); // refused before the multipart body is read (and spooled to disk)
                    return;
                }
                if (route.method() == HandlerType.POST && !AdminSessions.csrfMatches(session, submittedCsrf(ctx))) {
                    view.message(ctx, 403, session, "This form has expired",
                            "The request did not carry this session's form token, so nothing was changed. Go back, reload the page and try again.");
                    return;
                }
            }
            route.handler().handle(ctx, session);
        } catch (NotFoundException e) {
            view.message(ctx, 404, session, "Not found", e.getMessage());
        } catch (IllegalArgumentException e) {
            view.message(ctx, 400, session, "That did not work", e.getMessage());
        } catch (Exception e) {
            if (pastUploadLimit(e)) {
                tooLarge(ctx, session); // a body without Content-Length, stopped by the parser at the limit (PublicServer)
                return;
            }
            if (!(e instanceof RuntimeException)) {
                throw e;
            }
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            view.message(ctx, 500, session, "Something went wrong", "The server log has the details.");
        }
    }

    private void tooLarge(Context ctx, AdminSessions.Session session) {
        // the rest of the body is never read, so the connection cannot carry another request: say so, and close it
        ctx.header("Connection", "close");
        view.message(ctx, 413, session, "The file is too large", "Uploads are limited to " + people.maxUploadBytes()
                + " bytes (api.max.upload.bytes); split the file, or import it with: letterpress subscribers import FILE --list NAME");
    }

    /** Jetty's multipart parser past its limits says "max file size exceeded" or "max length exceeded", wrapped a few times. */
    private static boolean pastUploadLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof IllegalStateException && m != null && m.startsWith("max ") && m.contains(" exceeded")) {
                return true;
            }
        }
        return false;
    }

    private static void notSignedIn(Context ctx) {
        if (ctx.method() == HandlerType.GET && !ctx.path().endsWith("/progress")) {
            String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            ctx.redirect("/admin/signin?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
        } else if (ctx.method() == HandlerType.GET) {
            AdminView.json(ctx, 401, Map.of("error", "not signed in"));
        } else {
            ctx.status(303).header("Location", "/admin/signin");
        }
    }

    static String submittedCsrf(Context ctx) {
        String header = ctx.header(CSRF_HEADER);
        return header != null ? header : ctx.formParam(CSRF_FIELD);
    }

    private static final Map<String, String> STATIC = Map.of("admin.css", "text/css; charset=UTF-8", "admin.js", "text/javascript; charset=UTF-8");

    private static void staticFile(Context ctx) throws IOException {
        String file = ctx.pathParam("file");
        String type = STATIC.get(file);
        if (type == null) {
            ctx.status(404).result("no such file");
            return;
        }
        try (InputStream in = Admin.class.getResourceAsStream("/admin/" + file)) {
            ctx.contentType(type).header("Cache-Control", "no-cache").result(in.readAllBytes());
        }
    }
}
