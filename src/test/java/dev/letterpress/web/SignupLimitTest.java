package dev.letterpress.web;

import static dev.letterpress.web.WebClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.letterpress.App;
import dev.letterpress.TestSupport;
import dev.letterpress.subscriber.MailingList;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-IP limit of the subscribe form, in an app of its own (the limit is per node and counts every request). */
class SignupLimitTest {
    @TempDir
    Path dir;

    @Test
    void tooManyRequestsFromOneIpAreRefusedWith429AndChangeNothing() throws Exception {
        GreenMail mail = TestSupport.greenMail();
        try (App app = App.create(TestSupport.config(dir, mail.getSmtp().getPort(), Map.of("signup.limit.per.ip", "3"))).start()) {
            MailingList list = app.subscribers.createList("Daily", null);
            String url = app.signup.formUrl(list);
            for (int i = 0; i < 3; i++) {
                assertThat(post(url, "email=r" + i + "%40example.com").statusCode()).isEqualTo(200);
            }
            HttpResponse<String> refused = post(url, "email=r9%40example.com");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("Too many requests").contains("try again later");
            app.signup.settle();
            assertThat(app.subscribers.findByEmail("r9@example.com")).isEmpty();
            assertThat(app.subscribers.findByEmail("r2@example.com")).isPresent();
        } finally {
            mail.stop();
        }
    }

    @Test
    void behindALocalProxyEachClientHasItsOwnLimit() throws Exception {
        GreenMail mail = TestSupport.greenMail();
        try (App app = App.create(TestSupport.config(dir, mail.getSmtp().getPort(), Map.of("signup.limit.per.ip", "2"))).start()) {
            MailingList list = app.subscribers.createList("Daily", null);
            String url = app.signup.formUrl(list);
            // the test connects from 127.0.0.1, as a reverse proxy on the same host does, naming the client it forwards
            for (int i = 0; i < 2; i++) {
                assertThat(post(url, "email=a" + i + "%40example.com", "X-Forwarded-For", "198.51.100.7").statusCode()).isEqualTo(200);
            }
            assertThat(post(url, "email=a9%40example.com", "X-Forwarded-For", "198.51.100.7").statusCode()).isEqualTo(429);
            // another client behind the same proxy is not held back by the first one's requests
            assertThat(post(url, "email=b0%40example.com", "X-Forwarded-For", "10.1.1.1, 203.0.113.9").statusCode()).isEqualTo(200);
            app.signup.settle();
            assertThat(app.subscribers.findByEmail("b0@example.com")).isPresent();
        } finally {
            mail.stop();
        }
    }
}
