package dev.letterpress.segment;

import java.math.BigDecimal;
import java.util.List;

/** The syntax tree of a segment expression. */
sealed interface Expr {
    record And(List<Expr> parts) implements Expr {}

    record Or(List<Expr> parts) implements Expr {}

    record Not(Expr inner) implements Expr {}

    /** {@code field op values}: values is empty for is set / is not set, one for the comparisons, several for in. */
    record Condition(Field field, Op op, List<Value> values) implements Expr {}

    enum Op { EQ, NE, LT, LE, GT, GE, IN, NOT_IN, CONTAINS, STARTS_WITH, ENDS_WITH, IS_SET, IS_NOT_SET }

    /** A subscriber column, or one of the free-form attributes. */
    sealed interface Field {}

    enum Column implements Field {
        EMAIL("email"), NAME("name"), STATUS("status"), CREATED_AT("created_at");

        final String word;

        Column(String word) {
            this.word = word;
        }

        static Column of(String word) {
            for (Column c : values()) {
                if (c.word.equalsIgnoreCase(word)) {
                    return c;
                }
            }
            return null;
        }
    }

    record Attribute(String name) implements Field {}

    /** A literal; {@code number} is set when it was written as a number (unquoted). */
    record Value(String text, BigDecimal number, int column) {}
}
