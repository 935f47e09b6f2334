package dev.letterpress.db;

import java.sql.SQLException;

/** A database failure, unchecked; keeps the statement that failed for the log. */
public final class DataException extends RuntimeException {
    public DataException(String sql, SQLException cause) {
        super(cause.getMessage() + " [" + firstLine(sql) + "]", cause);
    }

    private static String firstLine(String sql) {
        int nl = sql.indexOf('\n');
        return nl < 0 ? sql : sql.substring(0, nl) + " ...";
    }
}
