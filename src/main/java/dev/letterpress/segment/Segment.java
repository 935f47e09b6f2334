package dev.letterpress.segment;

import java.util.regex.Pattern;

/**
 * A parsed segment expression, e.g. {@code plan = "pro" and country in ("DE", "AT")}. Parsing checks everything
 * (syntax, attribute names, dates), so a Segment always compiles to SQL.
 *
 * <p>For the audience freeze: {@code segment.filter("s")} gives a condition over {@code subscribers s} to add as
 * {@code AND (<sql>)} with its parameters bound in order at that place.
 */
public final class Segment {
    private static final Pattern ALIAS = Pattern.compile("[a-z_][a-z0-9_]{0,30}");

    private final String expression;
    private final Expr tree;

    private Segment(String expression, Expr tree) {
        this.expression = expression;
        this.tree = tree;
    }

    /** Parses {@code expression}; throws {@link SegmentSyntaxException} naming what is wrong and its column. */
    public static Segment parse(String expression) {
        return new Segment(expression, Parser.parse(expression));
    }

    public String expression() {
        return expression;
    }

    /** The condition over {@code subscribers <alias>}; the alias is a plain SQL identifier. */
    public SqlFilter filter(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw new IllegalArgumentException("table alias must be a lower-case SQL identifier, not '" + alias + "'");
        }
        return SqlCompiler.compile(tree, alias);
    }

    Expr tree() {
        return tree;
    }

    @Override
    public String toString() {
        return expression;
    }
}
