package dev.letterpress.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How an SMTP refusal is classified: retry, fail, or fail and suppress the address. */
class SendFailureTest {
    @Test
    void unknownMailboxIsPermanentAndABadAddress() {
        SendFailure f = new SendFailure(550, "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown", null);
        assertThat(f.permanent()).isTrue();
        assertThat(f.badAddress()).isTrue();
        assertThat(f.enhanced()).isEqualTo("5.1.1");
        assertThat(f.code()).isEqualTo(550);
    }

    @Test
    void aPolicyRejectionIsPermanentButNotTheAddresssFault() {
        SendFailure f = new SendFailure(550, "550 5.7.1 Message rejected due to poor sender reputation", null);
        assertThat(f.permanent()).isTrue();
        assertThat(f.badAddress()).isFalse();
        assertThat(f.enhanced()).isEqualTo("5.7.1");
        SendFailure dmarc = new SendFailure(550, "550 5.7.26 Unauthenticated email from example.com is not accepted", null);
        assertThat(dmarc.enhanced()).isEqualTo("5.7.26");
        assertThat(dmarc.badAddress()).isFalse();
    }

    @Test
    void aTemporaryRefusalIsRetried() {
        SendFailure f = new SendFailure(451, "451 4.7.1 Greylisted, please try again later", null);
        assertThat(f.permanent()).isFalse();
        assertThat(f.badAddress()).isFalse();
        assertThat(f.enhanced()).isEqualTo("4.7.1");
        assertThat(new SendFailure(421, "421 4.3.2 Service shutting down", null).permanent()).isFalse();
        assertThat(new SendFailure(452, "452 4.2.2 Mailbox full", null).badAddress()).isFalse();
    }

    @Test
    void aConnectionFailureIsRetried() {
        SendFailure f = new SendFailure(0, "connection: Couldn't connect to host, port: mail.example.com, 25", new java.net.ConnectException());
        assertThat(f.permanent()).isFalse();
        assertThat(f.badAddress()).isFalse();
        assertThat(f.enhanced()).isNull();
        assertThat(f.getCause()).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void withoutAnEnhancedCodeOnly550_551And553AreBadAddresses() {
        SendFailure full = new SendFailure(552, "552 Requested mail action aborted: exceeded storage allocation", null);
        assertThat(full.enhanced()).isNull();
        assertThat(full.permanent()).isTrue();
        assertThat(full.badAddress()).isFalse();
        assertThat(new SendFailure(554, "554 Transaction failed", null).badAddress()).isFalse();
        assertThat(new SendFailure(550, "550 Requested action not taken: mailbox unavailable", null).badAddress()).isTrue();
        assertThat(new SendFailure(551, "551 User not local", null).badAddress()).isTrue();
        assertThat(new SendFailure(553, "553 Mailbox name not allowed", null).badAddress()).isTrue();
    }

    @Test
    void theDetailIsStrippedAndNeverNull() {
        assertThat(new SendFailure(550, "  550 5.1.1 gone \r\n", null).getMessage()).isEqualTo("550 5.1.1 gone");
        SendFailure none = new SendFailure(0, null, null);
        assertThat(none.getMessage()).isEqualTo("no detail");
        assertThat(none.enhanced()).isNull();
    }

    @Test
    void theReplyCodeIsNotMistakenForAnEnhancedStatus() {
        // "550" alone, or a version number inside a longer token, is no RFC 3463 status
        assertThat(new SendFailure(550, "550 mailbox unavailable", null).enhanced()).isNull();
        assertThat(new SendFailure(550, "550 see https://mail.example.com/v12.1.1x for details", null).enhanced()).isNull();
    }

    /*
     * Regression guard (this failed before the fix): badAddress() treats every enhanced status other than 5.7.x as "the address is bad", so a
     * message-level refusal suppresses the subscriber for good: 5.3.4 (message too big), 5.6.x (content/media),
     * 5.5.x (protocol). Only 5.1.x (addressing; arguably 5.2.1 mailbox disabled) says the address itself is bad.
     */
    @Test
    void aMessageLevelRefusalIsNotABadAddress() {
        assertThat(new SendFailure(552, "552 5.3.4 Message size exceeds fixed maximum message size", null).badAddress()).isFalse();
        assertThat(new SendFailure(554, "554 5.6.0 Message content rejected", null).badAddress()).isFalse();
        assertThat(new SendFailure(550, "550 5.1.1 User unknown", null).badAddress()).isTrue();
    }

    /*
     * Regression guard (this failed before the fix): the enhanced status is searched anywhere in the reply text and its class is not checked
     * against the reply code, so an IP address in a 5xx reply can pass for one: "554 ... [10.4.7.1] blocked" gives
     * enhanced() "4.7.1", and badAddress() then says true (suppressing the subscriber over a blocklist listing),
     * while the same reply without the IP says false.
     */
    @Test
    void anIpAddressInTheReplyIsNotAnEnhancedStatus() {
        SendFailure f = new SendFailure(554, "554 Client host [10.4.7.1] blocked using zen.spamhaus.org", null);
        assertThat(f.enhanced()).isNull();
        assertThat(f.badAddress()).isFalse();
    }
}
