package dev.letterpress.segment;

import dev.letterpress.segment.Expr.Attribute;
import dev.letterpress.segment.Expr.Column;
import dev.letterpress.segment.Expr.Condition;
import dev.letterpress.segment.Expr.Op;
import dev.letterpress.segment.Expr.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the syntax tree into a WHERE fragment. Values and attribute names are always bound parameters; the
 * only text that comes from the expression is nothing at all (columns and operators are fixed strings here).
 * Every condition is two-valued (never SQL NULL), so {@code not} means what a marketer expects: a missing
 * attribute is "not equal" to anything, is "not in" any list, and makes {@code =}, {@code <}, {@code in},
 * {@code contains} false. A number literal compares numerically (attributes that are not numbers never match
 * it); a quoted literal compares as text. Email compares without regard to case; contains, starts with and ends
 * with ignore case everywhere.
 */
final class SqlCompiler {
    private final String alias;
    private final StringBuilder sql = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    private SqlCompiler(String alias) {
        this.alias = alias;
    }

    static SqlFilter compile(Expr e, String alias) {
        SqlCompiler c = new SqlCompiler(alias);
        c.emit(e);
        return new SqlFilter(c.sql.toString(), c.params);
    }

    private void emit(Expr e) {
        if (e instanceof Expr.And and) {
            join(and.parts(), " AND ");
        } else if (e instanceof Expr.Or or) {
            join(or.parts(), " OR ");
        } else if (e instanceof Expr.Not not) {
            sql.append("NOT ");
            emit(not.inner());
        } else {
            condition((Condition) e);
        }
    }

    private void join(List<Expr> parts, String op) {
        sql.append('(');
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                sql.append(op);
            }
            emit(parts.get(i));
        }
        sql.append(')');
    }

    /**
     * Each condition is {@code COALESCE(test, ifMissing)}: the test is NULL exactly when the field is missing
     * (the values are never NULL), and the field is evaluated once per row.
     */
    private void condition(Condition c) {
        Op op = c.op();
        sql.append("COALESCE(");
        switch (op) {
            case IS_SET, IS_NOT_SET -> {
                field(c);
                sql.append(op == Op.IS_SET ? " <> ''" : " = ''");
            }
            case CONTAINS, STARTS_WITH, ENDS_WITH -> {
                String v = escapeLike(c.values().get(0).text().toLowerCase(Locale.ROOT));
                sql.append("LOWER(");
                field(c);
                sql.append(") LIKE ? ESCAPE '\\'");
                params.add(op == Op.CONTAINS ? "%" + v + "%" : op == Op.STARTS_WITH ? v + "%" : "%" + v);
            }
            case IN, NOT_IN -> {
                boolean numeric = c.values().stream().allMatch(v -> v.number() != null);
                operand(c, numeric);
                sql.append(op == Op.IN ? " IN (" : " NOT IN (");
                for (int i = 0; i < c.values().size(); i++) {
                    sql.append(i == 0 ? "?" : ", ?");
                    params.add(value(c, c.values().get(i), numeric));
                }
                sql.append(')');
            }
            default -> {
                Value v = c.values().get(0);
                boolean numeric = v.number() != null && c.field() != Column.CREATED_AT;
                operand(c, numeric);
                sql.append(switch (op) {
                    case EQ -> " = ?";
                    case NE -> " <> ?";
                    case LT -> " < ?";
                    case LE -> " <= ?";
                    case GT -> " > ?";
                    default -> " >= ?";
                });
                params.add(value(c, v, numeric));
            }
        }
        // a missing field satisfies only the negative operators
        sql.append(op == Op.NE || op == Op.NOT_IN || op == Op.IS_NOT_SET ? ", TRUE)" : ", FALSE)");
    }

    private void operand(Condition c, boolean numeric) {
        if (numeric) {
            sql.append("lp_num(");
            field(c);
            sql.append(')');
        } else {
            field(c);
        }
    }

    private Object value(Condition c, Value v, boolean numeric) {
        if (numeric) {
            return v.number();
        }
        if (c.field() == Column.CREATED_AT) {
            return Dates.parse(v);
        }
        return c.field() == Column.EMAIL ? v.text().toLowerCase(Locale.ROOT) : v.text();
    }

    private void field(Condition c) {
        if (c.field() instanceof Attribute a) {
            sql.append("lp_attr(").append(alias).append(".attributes, ?)");
            params.add(a.name());
            return;
        }
        sql.append(alias).append('.').append(switch ((Column) c.field()) {
            case EMAIL -> "email_key"; // the lower-cased address
            case NAME -> "name";
            case STATUS -> "status";
            case CREATED_AT -> "created_at";
        });
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
