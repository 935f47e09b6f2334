package dev.letterpress.segment;

import java.util.List;

/**
 * A parameterised SQL condition over the {@code subscribers} table: {@code sql} holds only column names,
 * the migrations' functions {@code lp_attr}/{@code lp_num}, operators and {@code ?} placeholders; every value
 * (and every attribute name) is in {@code parameters}, in order. Splice {@code sql} as {@code AND (sql)} into a
 * query over {@code subscribers <alias>} and bind the parameters at that position.
 */
public record SqlFilter(String sql, List<Object> parameters) {
    public SqlFilter {
        parameters = List.copyOf(parameters);
    }
}
