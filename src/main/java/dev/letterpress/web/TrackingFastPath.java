package dev.letterpress.web;

import dev.letterpress.tracking.LinkRegistry;
import dev.letterpress.tracking.Tracker;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The two requests every mail makes, a valid open pixel and a valid click, answered by Jetty itself in front of
 * the Javalin servlet: the servlet layer and Javalin's routing, before-handlers and result handling were about
 * 40 % of a server thread's CPU per request. Everything else (a bad token, a query string on a click, any other
 * method) goes on to {@link TrackingRoutes}, which answers it exactly as before: a token that fails here was not
 * recorded, so it is not recorded twice. The trap link is answered here, because recognising it records it.
 */
final class TrackingFastPath extends Handler.Wrapper {
    private static final ByteBuffer PIXEL = ByteBuffer.wrap(TrackingRoutes.PIXEL).asReadOnlyBuffer();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Tracker tracker;

    TrackingFastPath(Tracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        boolean open = path.startsWith("/o/");
        boolean click = path.startsWith("/c/");
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (!(open || click) || !(head || HttpMethod.GET.is(method)) || path.indexOf('/', 3) >= 0) {
            return super.handle(request, response, callback);
        }
        String token = path.substring(3);
        String agent = request.getHeaders().get(HttpHeader.USER_AGENT);
        String ip = ClientAddress.of(Request.getRemoteAddr(request), request.getHeaders().get(HttpHeader.X_FORWARDED_FOR));
        if (open) {
            if (!tracker.open(token.endsWith(".gif") ? token.substring(0, token.length() - 4) : token, agent, ip, head)) {
                return super.handle(request, response, callback);
            }
            put(response, PublicServer.SECURITY_HEADERS);
            put(response, TrackingRoutes.PIXEL_HEADERS);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/gif");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, TrackingRoutes.PIXEL.length);
            response.write(true, head ? EMPTY.slice() : PIXEL.slice(), callback);
            return true;
        }
        if (request.getHttpURI().getQuery() != null) {
            return super.handle(request, response, callback); // a parameter trying to choose the target: a 400 there
        }
        Optional<String> target = tracker.click(token, agent, ip, head);
        if (target.isEmpty()) {
            return super.handle(request, response, callback);
        }
        put(response, PublicServer.SECURITY_HEADERS);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (target.get().equals(LinkRegistry.TRAP_URL)) {
            response.setStatus(204); // the hidden trap link: recorded as a machine's click; nothing to follow
        } else {
            response.setStatus(302);
            response.getHeaders().put(HttpHeader.LOCATION, target.get());
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        }
        response.write(true, EMPTY.slice(), callback);
        return true;
    }

    private static void put(Response response, String[][] headers) {
        for (String[] h : headers) {
            response.getHeaders().put(h[0], h[1]);
        }
    }
}
