package dev.letterpress.web;

import io.javalin.http.Context;

/**
 * The address a request came from. Behind a reverse proxy on the same host (the default: the server listens on
 * 127.0.0.1) every request's remote address is the proxy's, so the last X-Forwarded-For hop, the one that proxy
 * added, is the client; the header is trusted only from loopback, since anyone else can write it. Javalin's
 * ctx.ip() is the remote address alone: per-IP limits keyed by it would put the whole internet in one bucket.
 */
public final class ClientAddress {
    private ClientAddress() {}

    public static String of(Context ctx) {
        return of(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"));
    }

    static String of(String ip, String forwarded) {
        if (forwarded != null && (ip.equals("127.0.0.1") || ip.equals("0:0:0:0:0:0:0:1") || ip.equals("::1"))) {
            int comma = forwarded.lastIndexOf(',');
            String last = (comma < 0 ? forwarded : forwarded.substring(comma + 1)).strip();
            return last.isEmpty() ? ip : last;
        }
        return ip;
    }
}
