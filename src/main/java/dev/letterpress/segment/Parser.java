package dev.letterpress.segment;

import dev.letterpress.segment.Expr.Attribute;
import dev.letterpress.segment.Expr.Column;
import dev.letterpress.segment.Expr.Condition;
import dev.letterpress.segment.Expr.Field;
import dev.letterpress.segment.Expr.Op;
import dev.letterpress.segment.Expr.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Recursive descent over the tokens:
 * <pre>
 * expr      = and { "or" and }
 * and       = unary { "and" unary }
 * unary     = "not" unary | "(" expr ")" | condition
 * condition = field ( cmp value | ["not"] "in" "(" value {"," value} ")" | "contains" value
 *                   | ("starts" | "ends") "with" value | "is" ["not"] "set" )
 * field     = name | "attr" "(" string ")"
 * cmp       = "=" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" ;  value = string | number
 * </pre>
 * Keywords are case-insensitive. A name is one of the subscriber columns (email, name, status, created_at) or
 * else an attribute; {@code attr("status")} reaches an attribute whose name is also a column or a keyword.
 * The limits keep a hostile expression from costing much: its length, nesting depth and list sizes are capped.
 */
final class Parser {
    static final int MAX_LENGTH = 2000;
    static final int MAX_DEPTH = 32;
    static final int MAX_LIST = 500;
    static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final List<Token> tokens;
    private int pos;
    private int depth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Expr parse(String src) {
        if (src == null || src.isBlank()) {
            throw new SegmentSyntaxException("the expression is empty; e.g. plan = \"pro\"", 1);
        }
        if (src.length() > MAX_LENGTH) {
            throw new SegmentSyntaxException("the expression is longer than " + MAX_LENGTH + " characters", MAX_LENGTH + 1);
        }
        Parser p = new Parser(Lexer.tokens(src));
        Expr e = p.or();
        Token t = p.peek();
        if (t.kind() != Token.Kind.END) {
            throw new SegmentSyntaxException(t.kind() == Token.Kind.RPAREN ? "unmatched ')'"
                    : "expected 'and', 'or' or the end of the expression but found " + t.describe(), t.column());
        }
        return e;
    }

    private Expr or() {
        List<Expr> parts = new ArrayList<>(List.of(and()));
        while (peek().isWord("or")) {
            pos++;
            parts.add(and());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Or(List.copyOf(parts));
    }

    private Expr and() {
        List<Expr> parts = new ArrayList<>(List.of(unary()));
        while (peek().isWord("and")) {
            pos++;
            parts.add(unary());
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.And(List.copyOf(parts));
    }

    private Expr unary() {
        Token t = peek();
        if (++depth > MAX_DEPTH) {
            throw new SegmentSyntaxException("the expression nests deeper than " + MAX_DEPTH + " levels", t.column());
        }
        try {
            if (t.isWord("not")) {
                pos++;
                return new Expr.Not(unary());
            }
            if (t.kind() == Token.Kind.LPAREN) {
                pos++;
                Expr inner = or();
                Token close = peek();
                if (close.kind() != Token.Kind.RPAREN) {
                    throw new SegmentSyntaxException("expected ')' to close the '(' at column " + t.column() + " but found "
                            + close.describe(), close.column());
                }
                pos++;
                return inner;
            }
            return condition();
        } finally {
            depth--;
        }
    }

    private Expr condition() {
        Token start = peek();
        Field field = field();
        String fieldName = field instanceof Attribute a ? a.name() : ((Column) field).word;
        Token t = next();
        Op op;
        List<Value> values = new ArrayList<>();
        if (t.kind() == Token.Kind.OPERATOR) {
            op = switch (t.text()) {
                case "=" -> Op.EQ;
                case "!=" -> Op.NE;
                case "<" -> Op.LT;
                case "<=" -> Op.LE;
                case ">" -> Op.GT;
                default -> Op.GE;
            };
            values.add(value("after '" + t.text() + "'"));
        } else if (t.isWord("in") || t.isWord("not") && peek().isWord("in")) {
            op = t.isWord("in") ? Op.IN : Op.NOT_IN;
            if (op == Op.NOT_IN) {
                t = next();
            }
            Token open = next();
            if (open.kind() != Token.Kind.LPAREN) {
                throw new SegmentSyntaxException("expected '(' after 'in' but found " + open.describe(), open.column());
            }
            values.add(value("in the list after 'in'"));
            while (peek().kind() == Token.Kind.COMMA) {
                pos++;
                values.add(value("after ','"));
                if (values.size() > MAX_LIST) {
                    throw new SegmentSyntaxException("a list may hold at most " + MAX_LIST + " values", peek().column());
                }
            }
            Token close = next();
            if (close.kind() != Token.Kind.RPAREN) {
                throw new SegmentSyntaxException("expected ',' or ')' in the list but found " + close.describe(), close.column());
            }
        } else if (t.isWord("contains")) {
            op = Op.CONTAINS;
            values.add(value("after 'contains'"));
        } else if (t.isWord("starts") || t.isWord("ends")) {
            Token with = next();
            if (!with.isWord("with")) {
                throw new SegmentSyntaxException("expected 'with' after '" + t.text() + "' but found " + with.describe(), with.column());
            }
            op = t.isWord("starts") ? Op.STARTS_WITH : Op.ENDS_WITH;
            values.add(value("after '" + t.text() + " with'"));
        } else if (t.isWord("is")) {
            Token next = next();
            boolean negated = next.isWord("not");
            if (negated) {
                next = next();
            }
            if (!next.isWord("set")) {
                throw new SegmentSyntaxException("expected 'set' after '" + (negated ? "is not" : "is") + "' but found " + next.describe(),
                        next.column());
            }
            op = negated ? Op.IS_NOT_SET : Op.IS_SET;
        } else {
            throw new SegmentSyntaxException("expected an operator (=, !=, <, <=, >, >=, in, not in, contains, starts with, "
                    + "ends with, is set, is not set) after '" + fieldName + "' but found " + t.describe(), t.column());
        }
        if (field == Column.CREATED_AT) {
            if (op != Op.EQ && op != Op.NE && op != Op.LT && op != Op.LE && op != Op.GT && op != Op.GE) {
                throw new SegmentSyntaxException("created_at can only be compared (=, !=, <, <=, >, >=) with a date", start.column());
            }
            Dates.parse(values.get(0));
        }
        return new Condition(field, op, List.copyOf(values));
    }

    private Field field() {
        Token t = next();
        if (t.kind() != Token.Kind.WORD || t.isWord("and") || t.isWord("or")) {
            throw new SegmentSyntaxException("expected a field name (email, name, status, created_at or an attribute) but found "
                    + t.describe(), t.column());
        }
        if (t.isWord("attr") && peek().kind() == Token.Kind.LPAREN) {
            pos++;
            Token name = next();
            if (name.kind() != Token.Kind.STRING) {
                throw new SegmentSyntaxException("expected an attribute name in quotes after 'attr(' but found " + name.describe(), name.column());
            }
            Token close = next();
            if (close.kind() != Token.Kind.RPAREN) {
                throw new SegmentSyntaxException("expected ')' after the attribute name but found " + close.describe(), close.column());
            }
            return attribute(name);
        }
        Column column = Column.of(t.text());
        return column != null ? column : attribute(t);
    }

    private static Attribute attribute(Token t) {
        if (!ATTRIBUTE_NAME.matcher(t.text()).matches()) {
            throw new SegmentSyntaxException("attribute names are 1 to 64 letters, digits, '_', '.' or '-'; "
                    + (t.text().isEmpty() ? "this one is empty" : "not " + t.describe()), t.column());
        }
        return new Attribute(t.text());
    }

    private Value value(String where) {
        Token t = next();
        if (t.kind() == Token.Kind.STRING) {
            return new Value(t.text(), null, t.column());
        }
        if (t.kind() == Token.Kind.NUMBER) {
            return new Value(t.text(), new BigDecimal(t.text()), t.column());
        }
        String hint = t.kind() == Token.Kind.WORD && !t.isWord("and") && !t.isWord("or") ? " (put text in quotes: \"" + t.text() + "\")" : "";
        throw new SegmentSyntaxException("expected a value " + where + hint, t.column());
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Token.Kind.END) {
            pos++;
        }
        return t;
    }
}
