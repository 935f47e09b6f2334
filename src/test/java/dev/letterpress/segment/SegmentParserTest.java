package dev.letterpress.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The expression language without a database: what parses, what SQL and parameters it becomes, and every error. */
class SegmentParserTest {
    @Test
    void theExampleBecomesBoundParameters() {
        SqlFilter f = Segment.parse("plan = \"pro\" and country in (\"DE\",\"AT\")").filter("s");
        assertThat(f.sql()).isEqualTo("(COALESCE(lp_attr(s.attributes, ?) = ?, FALSE)"
                + " AND COALESCE(lp_attr(s.attributes, ?) IN (?, ?), FALSE))");
        assertThat(f.parameters()).containsExactly("plan", "pro", "country", "DE", "AT");
        assertThat(Segment.parse("not plan != 'x'").filter("s").sql()).isEqualTo("NOT COALESCE(lp_attr(s.attributes, ?) <> ?, TRUE)");
    }

    @Test
    void precedenceIsNotThenAndThenOrAndParenthesesWin() {
        Expr e = Parser.parse("a = 1 or b = 2 and not c = 3");
        assertThat(e).isInstanceOf(Expr.Or.class);
        Expr.Or or = (Expr.Or) e;
        assertThat(or.parts()).hasSize(2);
        assertThat(or.parts().get(1)).isInstanceOf(Expr.And.class);
        assertThat(((Expr.And) or.parts().get(1)).parts().get(1)).isInstanceOf(Expr.Not.class);

        Expr grouped = Parser.parse("(a = 1 or b = 2) and c = 3");
        assertThat(grouped).isInstanceOf(Expr.And.class);
        assertThat(((Expr.And) grouped).parts().get(0)).isInstanceOf(Expr.Or.class);
    }

    @Test
    void everyOperatorParses() {
        for (String ok : new String[] {"plan != 'free'", "age < 30", "age <= 30", "age > 30.5", "age >= -1", "plan <> \"x\"",
                "country not in ('DE')", "name contains \"ada\"", "email starts with 'ada'", "email ends with '@example.com'",
                "plan is set", "plan is not set", "attr(\"status\") = \"vip\"", "created_at >= \"2026-01-01\"",
                "created_at < '2026-01-01T09:00Z'", "NOT (Plan = 'pro' OR Plan = 'team') AND status = 'active'",
                "first-name.x_y = 'a'"}) {
            assertThat(Segment.parse(ok).filter("s").sql()).as(ok).isNotBlank();
        }
    }

    @Test
    void numbersCompareNumericallyTextAsTextEmailWithoutCaseAndDatesAsInstants() {
        SqlFilter n = Segment.parse("age >= 30").filter("s");
        assertThat(n.sql()).contains("lp_num(lp_attr(s.attributes, ?)) >= ?");
        assertThat(n.parameters()).contains(new BigDecimal("30"));
        assertThat(Segment.parse("age >= \"30\"").filter("s").sql()).doesNotContain("lp_num");
        SqlFilter mail = Segment.parse("email = 'Ada@Example.COM'").filter("sub");
        assertThat(mail.sql()).contains("sub.email_key = ?");
        assertThat(mail.parameters()).containsExactly("ada@example.com");
        assertThat(Segment.parse("created_at >= '2026-01-02'").filter("s").parameters())
                .containsExactly(Instant.parse("2026-01-02T00:00:00Z"));
    }

    @Test
    void likePatternsEscapeTheirWildcards() {
        SqlFilter f = Segment.parse("name contains '50%_off\\\\'").filter("s");
        assertThat(f.parameters()).containsExactly("%50\\%\\_off\\\\%");
        assertThat(f.sql()).contains("LIKE ? ESCAPE '\\'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plan =                          | expected a value after '=' at column 7",
            "plan = and x = 1                | expected a value after '=' at column 8",
            "plan = pro                      | expected a value after '=' (put text in quotes: \"pro\") at column 8",
            "plan                            | expected an operator (=, !=, <, <=, >, >=, in, not in, contains, starts with, ends with, is set, is not set) after 'plan' but found the end of the expression at column 5",
            "plan == 'x'                     | expected a value after '=' at column 7",
            "plan = 'pro' and                | expected a field name (email, name, status, created_at or an attribute) but found the end of the expression at column 17",
            "plan = 'pro' country = 'DE'     | expected 'and', 'or' or the end of the expression but found 'country' at column 14",
            "(plan = 'pro'                   | expected ')' to close the '(' at column 1 but found the end of the expression at column 14",
            "plan = 'pro')                   | unmatched ')' at column 13",
            "plan = 'pro                     | unterminated text starting with ' at column 8",
            "plan ! 'pro'                    | '!' must be followed by '=' (use 'not' to negate) at column 6",
            "plan = 'a'; DROP TABLE x        | unexpected character ';' at column 11",
            "country in 'DE'                 | expected '(' after 'in' but found the text \"DE\" at column 12",
            "country in ()                   | expected a value in the list after 'in' at column 13",
            "country in ('DE' 'AT')          | expected ',' or ')' in the list but found the text \"AT\" at column 18",
            "email starts 'a'                | expected 'with' after 'starts' but found the text \"a\" at column 14",
            "plan is empty                   | expected 'set' after 'is' but found 'empty' at column 9",
            "attr(plan) = 'x'                | expected an attribute name in quotes after 'attr(' but found 'plan' at column 6",
            "attr('a b') = 'x'               | attribute names are 1 to 64 letters, digits, '_', '.' or '-'; not the text \"a b\" at column 6",
            "created_at > 'yesterday'        | expected a date such as \"2026-01-31\" or \"2026-01-31T09:00Z\" for created_at at column 14",
            "created_at contains '2026'      | created_at can only be compared (=, !=, <, <=, >, >=) with a date at column 1",
            "age > 30abc                     | unexpected 'a' after the number 30 (put text values in quotes) at column 9",
            "é = 'x'                         | unexpected character 'é' at column 1",
    })
    void errorsSayWhatWasExpectedAndWhere(String expression, String message) {
        assertThatThrownBy(() -> Segment.parse(expression.strip()))
                .isInstanceOf(SegmentSyntaxException.class)
                .hasMessage(message.strip());
    }

    @Test
    void emptyTooLongTooDeepAndOverlongNamesAreRefused() {
        assertThatThrownBy(() -> Segment.parse("  ")).hasMessageContaining("the expression is empty");
        assertThatThrownBy(() -> Segment.parse("a = '" + "x".repeat(2000) + "'")).hasMessageContaining("longer than 2000");
        assertThatThrownBy(() -> Segment.parse("(".repeat(40) + "a = 1" + ")".repeat(40))).hasMessageContaining("deeper than 32");
        assertThatThrownBy(() -> Segment.parse("not ".repeat(40) + "a = 1")).hasMessageContaining("deeper than 32");
        assertThatThrownBy(() -> Segment.parse("a" .repeat(65) + " = 1")).hasMessageContaining("1 to 64");
        assertThat(((SegmentSyntaxException) catchThrown(() -> Segment.parse("plan = "))).column()).isEqualTo(8);
    }

    @Test
    void injectionAttemptsAreParseErrorsOrBoundParametersNeverSql() {
        for (String attack : new String[] {"plan = 'x' OR 1=1 --", "plan = \"x\"; DELETE FROM subscribers", "plan = x' OR '1'='1",
                "attr('plan'') = 1) OR (1') = 'x'", "plan = 'a' /* */", "status = 'a' union select * from subscribers"}) {
            assertThatThrownBy(() -> Segment.parse(attack)).as(attack).isInstanceOf(SegmentSyntaxException.class);
        }
        String payload = "x' OR '1'='1'; DROP TABLE subscribers; --";
        SqlFilter f = Segment.parse("plan = \"" + payload.replace("'", "\\'") + "\" or name contains '\\'; DELETE'").filter("s");
        assertThat(f.parameters()).contains(payload, "%'; delete%");
        // the SQL text holds nothing from the expression: no quote except the LIKE escape, no keyword that was typed
        assertThat(f.sql().replace("ESCAPE '\\'", "")).doesNotContain("'").doesNotContainIgnoringCase("drop").doesNotContainIgnoringCase("delete");
        assertThatThrownBy(() -> Segment.parse("a = 1").filter("s; DROP TABLE x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Throwable catchThrown(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("nothing thrown");
    }
}
