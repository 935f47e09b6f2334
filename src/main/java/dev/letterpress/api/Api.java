package dev.letterpress.api;

import dev.letterpress.apikey.ApiKeys;
import dev.letterpress.db.DataException;
import dev.letterpress.db.Jdbc;
import dev.letterpress.delivery.CampaignStore;
import dev.letterpress.delivery.Mailer;
import dev.letterpress.issue.IssueInvalidException;
import dev.letterpress.render.IssueRenderer;
import dev.letterpress.schedule.Campaigns;
import dev.letterpress.schedule.WeeklySchedules;
import dev.letterpress.segment.SegmentStore;
import dev.letterpress.subscriber.CsvImporter;
import dev.letterpress.subscriber.NotFoundException;
import dev.letterpress.subscriber.SubscriberStore;
import dev.letterpress.tracking.CampaignStats;
import dev.letterpress.tracking.EventStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /api}: one route table, every route behind an API key except the OpenAPI
 * description. Handlers throw {@link ApiError} (or the services' own exceptions); {@link #guard} turns every
 * failure into a JSON answer naming the field, and never lets a stack trace out.
 */
public final class Api {
    private static final Logger log = LoggerFactory.getLogger(Api.class);
    /** The key that authenticated the request, for consent records ("api key 'site'"). */
    static final String KEY_NAME = "letterpress.api.key";

    /** What may be configured: JSON bodies and CSV uploads have separate size limits. */
    public record Limits(long maxBodyBytes, long maxUploadBytes) {}

    record Route(HandlerType method, String path, Handler handler, boolean open) {}

    private final ApiKeys keys;
    private final List<Route> routes;
    private final byte[] openApi;

    public Api(Limits limits, ApiKeys keys, Jdbc jdbc, SubscriberStore subscribers, CsvImporter importer, CampaignStore campaignStore,
               Campaigns campaigns, WeeklySchedules weekly, IssueRenderer renderer, EventStore events, Mailer mailer,
               String publicBaseUrl, dev.letterpress.subscriber.DataRights rights, Clock clock) {
        this.keys = keys;
        this.openApi = load("/api/openapi.json");
        var subscriberQueries = new SubscriberQueries(jdbc, clock);
        var issueQueries = new IssueQueries(jdbc);
        var lists = new ListsApi(subscribers, limits);
        var subs = new SubscribersApi(subscribers, subscriberQueries, rights, limits);
        var transfer = new CsvTransfer(subscribers, importer, subscriberQueries, limits);
        var issues = new IssuesApi(renderer, campaigns, issueQueries, subscribers, mailer, limits, publicBaseUrl, clock);
        var camps = new CampaignsApi(campaignStore, subscribers, campaigns, events, new CampaignStats(jdbc), issueQueries, limits, clock);
        var segmentStore = new SegmentStore(jdbc, clock);
        var schedules = new SchedulesApi(weekly, subscribers, issueQueries, segmentStore, limits);
        var segmentsApi = new SegmentsApi(segmentStore, limits);
        var keysApi = new KeysApi(keys, limits);
        HandlerType get = HandlerType.GET;
        HandlerType post = HandlerType.POST;
        this.routes = List.of(
                new Route(get, "/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi), true),
                new Route(get, "/api/lists", lists::all, false),
                new Route(post, "/api/lists", lists::create, false),
                new Route(get, "/api/subscribers", subs::search, false),
                new Route(post, "/api/subscribers", subs::create, false),
                new Route(post, "/api/subscribers/import", transfer::importCsv, false),
                new Route(get, "/api/subscribers/export", transfer::export, false),
                new Route(get, "/api/subscribers/{id}", subs::get, false),
                new Route(HandlerType.PATCH, "/api/subscribers/{id}", subs::update, false),
                new Route(HandlerType.DELETE, "/api/subscribers/{id}", subs::erase, false),
                new Route(get, "/api/segments", segmentsApi::all, false),
                new Route(post, "/api/segments", segmentsApi::create, false),
                new Route(post, "/api/segments/preview", segmentsApi::preview, false),
                new Route(get, "/api/segments/{name}", segmentsApi::get, false),
                new Route(HandlerType.DELETE, "/api/segments/{name}", segmentsApi::delete, false),
                new Route(post, "/api/issues", issues::create, false),
                new Route(post, "/api/issues/validate", issues::validate, false),
                new Route(get, "/api/issues/{id}", issues::get, false),
                new Route(HandlerType.PUT, "/api/issues/{id}", issues::update, false),
                new Route(get, "/api/issues/{id}/preview", issues::preview, false),
                new Route(post, "/api/issues/{id}/test-send", issues::testSend, false),
                new Route(get, "/api/campaigns", camps::recent, false),
                new Route(post, "/api/campaigns", camps::create, false),
                new Route(get, "/api/campaigns/{id}", camps::get, false),
                new Route(post, "/api/campaigns/{id}/pause", camps::pause, false),
                new Route(post, "/api/campaigns/{id}/resume", camps::resume, false),
                new Route(post, "/api/campaigns/{id}/cancel", camps::cancel, false),
                new Route(get, "/api/campaigns/{id}/progress", camps::progress, false),
                new Route(get, "/api/campaigns/{id}/statistics", camps::statistics, false),
                new Route(get, "/api/schedules", schedules::all, false),
                new Route(post, "/api/schedules", schedules::create, false),
                new Route(get, "/api/schedules/{id}", schedules::get, false),
                new Route(get, "/api/schedules/{id}/queue", schedules::queue, false),
                new Route(post, "/api/schedules/{id}/queue", schedules::enqueue, false),
                new Route(get, "/api/keys", keysApi::all, false),
                new Route(post, "/api/keys", keysApi::create, false),
                new Route(HandlerType.DELETE, "/api/keys/{name}", keysApi::revoke, false));
    }

    /** Adds every API route to the server's route table. */
    public void register(RoutesConfig config) {
        for (Route r : routes) {
            config.addEndpoint(new Endpoint(r.method(), r.path(), guard(r)));
        }
    }

    private Handler guard(Route route) {
        return ctx -> {
            // answers carry subscriber data: no cache anywhere may keep them
            ctx.header("Cache-Control", "no-store");
            try {
                if (!route.open()) {
                    authenticate(ctx);
                }
                route.handler().handle(ctx);
            } catch (ApiError e) {
                error(ctx, e.status, e.getMessage(), e.field, null);
            } catch (IssueInvalidException e) {
                List<Map<String, String>> problems = e.problems().stream()
                        .map(p -> Map.of("field", p.path(), "message", p.message())).toList();
                var first = e.problems().get(0);
                error(ctx, 400, "the issue is invalid: " + e.getMessage(), first.path(), problems);
            } catch (NotFoundException e) {
                error(ctx, 404, e.getMessage(), null, null);
            } catch (IllegalArgumentException e) {
                // a service's own check that the handler did not make first: still the client's input
                error(ctx, 400, e.getMessage(), null, null);
            } catch (DataException e) {
                if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                    error(ctx, 409, "conflicts with a change made at the same time; read the resource again and retry", null, null);
                    return;
                }
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error; the server log has the details", null, null);
            } catch (Exception e) {
                Throwable cause = e.getCause();
                if (cause instanceof ApiError inner) { // a size limit hit while a library read the body
                    error(ctx, inner.status, inner.getMessage(), inner.field, null);
                    return;
                }
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error; the server log has the details", null, null);
            }
        };
    }

    private void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String problem;
        if (header == null) {
            problem = "no API key: send the header Authorization: Bearer <key> (create a key with: letterpress keys create NAME)";
        } else if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            problem = "the Authorization header must be: Bearer <key>";
        } else {
            var key = keys.authenticate(header.substring(7).strip());
            if (key.isPresent()) {
                ctx.attribute(KEY_NAME, key.get().name());
                return;
            }
            problem = "the API key is not valid (unknown or revoked)";
        }
        ctx.header("WWW-Authenticate", "Bearer realm=\"letterpress\"");
        throw new ApiError(401, "Authorization", problem);
    }

    static void error(Context ctx, int status, String message, String field, Object problems) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        if (problems != null) {
            body.put("problems", problems);
        }
        if (status == 413) {
            // the rest of the body is never read, so the connection cannot carry another request: say so, and close it
            ctx.header("Connection", "close");
        }
        Json.send(ctx, status, body);
    }

    /** Who is acting, for consent sources and logs. */
    static String actor(Context ctx) {
        return "api key '" + ctx.attribute(KEY_NAME) + "'";
    }

    private static byte[] load(String resource) {
        try (InputStream in = Api.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
