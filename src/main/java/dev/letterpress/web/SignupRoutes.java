package dev.letterpress.web;

import dev.letterpress.signup.Signup;
import dev.letterpress.subscriber.EmailAddress;
import dev.letterpress.subscriber.MailingList;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The public subscribe form (/s/{token}, one per list) and the double opt-in link (/confirm/{token}): a GET
 * shows a page and changes nothing, the POST acts. The form has no secret to protect, so it takes posts from
 * other sites too (the embeddable snippet); what protects it is the honeypot, the rate limits and that nothing
 * happens until the owner of the inbox confirms.
 */
final class SignupRoutes {
    private final Signup signup;
    private final Pages pages;

    SignupRoutes(Signup signup, Pages pages) {
        this.signup = signup;
        this.pages = pages;
    }

    void form(Context ctx) {
        list(ctx).ifPresent(l -> renderForm(ctx, 200, l, null, null, null));
    }

    void subscribe(Context ctx) {
        Optional<MailingList> list = list(ctx);
        if (list.isEmpty()) {
            return;
        }
        String email = Optional.ofNullable(ctx.formParam("email")).orElse("").strip();
        String name = Optional.ofNullable(ctx.formParam("name")).orElse("").strip();
        String problem = EmailAddress.problem(email);
        if (problem != null) {
            renderForm(ctx, 400, list.get(), email, name, "Please enter a valid email address: " + problem + ".");
            return;
        }
        if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            renderForm(ctx, 400, list.get(), email, name, "Your name can have at most 200 characters and no line breaks.");
            return;
        }
        boolean honeypot = !Optional.ofNullable(ctx.formParam("website")).orElse("").isEmpty();
        if (signup.request(list.get(), email, name, honeypot, ClientAddress.of(ctx)) == Signup.Result.RATE_LIMITED) {
            ctx.header("Retry-After", "3600");
            pages.message(ctx, 429, "Too many requests", "There have been too many sign-ups from your network in the last hour. Please try again later.");
            return;
        }
        pages.render(ctx, 200, "subscribe-sent", Map.of("listName", list.get().name()));
    }

    void confirmPage(Context ctx) {
        String token = ctx.pathParam("token");
        Optional<Signup.Pending> p = signup.pending(token);
        if (p.isEmpty()) {
            notValid(ctx, token);
            return;
        }
        if (p.get().confirmed()) {
            confirmed(ctx, p.get());
            return;
        }
        pages.render(ctx, 200, "confirm", Map.of("listName", p.get().list().name(),
                "email", Pages.mask(p.get().subscriber().email()), "actionUrl", "/confirm/" + token));
    }

    void confirm(Context ctx) {
        String token = ctx.pathParam("token");
        Optional<Signup.Pending> p = signup.confirm(token, ClientAddress.of(ctx));
        if (p.isEmpty()) {
            notValid(ctx, token);
            return;
        }
        confirmed(ctx, p.get());
    }

    private void confirmed(Context ctx, Signup.Pending p) {
        pages.render(ctx, 200, "confirmed", Map.of("listName", p.list().name(), "preferencesUrl", signup.preferencesPath(p.subscriber())));
    }

    private void notValid(Context ctx, String token) {
        if (signup.isExpired(token)) {
            pages.message(ctx, 410, "This link has expired", "Confirmation links work for a limited time. Please subscribe again: you will get a new link.");
        } else {
            pages.message(ctx, 404, "Link not recognised", SubscriberRoutes.BAD_LINK);
        }
    }

    private Optional<MailingList> list(Context ctx) {
        Optional<MailingList> l = signup.formList(ctx.pathParam("token"));
        if (l.isEmpty()) {
            pages.message(ctx, 404, "Form not found", "There is no subscribe form at this address. Please check the link you followed.");
        }
        return l;
    }

    private void renderForm(Context ctx, int status, MailingList list, String email, String name, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("listName", list.name());
        if (list.description() != null) {
            model.put("description", list.description());
        }
        model.put("actionUrl", "/s/" + ctx.pathParam("token"));
        if (email != null) {
            model.put("email", email);
        }
        if (name != null) {
            model.put("name", name);
        }
        if (error != null) {
            model.put("error", error);
        }
        pages.render(ctx, status, "subscribe", model);
    }
}
