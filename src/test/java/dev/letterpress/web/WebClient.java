package dev.letterpress.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP and mail helpers shared by the subscriber-side tests. */
final class WebClient {
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private WebClient() {}

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String form, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String first(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertThat(m.find()).as("pattern " + regex + " in\n" + s).isTrue();
        return m.group(1);
    }

    /** The messages GreenMail received for {@code to}, waiting up to 10 s for at least {@code atLeast}. */
    static List<MimeMessage> mailTo(GreenMail smtp, String to, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<MimeMessage> out = new ArrayList<>();
            for (MimeMessage m : smtp.getReceivedMessages()) {
                if (java.util.Arrays.stream(m.getAllRecipients())
                        .anyMatch(a -> ((jakarta.mail.internet.InternetAddress) a).getAddress().equalsIgnoreCase(to))) {
                    out.add(m);
                }
            }
            if (out.size() >= atLeast || System.nanoTime() > deadline) {
                return out;
            }
            Thread.sleep(50);
        }
    }

    /** Text part, then HTML part, of a multipart/alternative message. */
    static String[] parts(MimeMessage m) throws Exception {
        Multipart mp = (Multipart) m.getContent();
        return new String[] {(String) mp.getBodyPart(0).getContent(), (String) mp.getBodyPart(1).getContent()};
    }

    /** A clock tests can move forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
