package dev.letterpress.api;

/**
 * A request the API refuses: the HTTP status, a message saying what is wrong, and the field it is about
 * (a JSON path such as {@code lists[0]}, a query parameter or a header), or null when no one field is to blame.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String field;

    ApiError(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    static ApiError badRequest(String field, String message) {
        return new ApiError(400, field, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, null, message);
    }

    static ApiError conflict(String field, String message) {
        return new ApiError(409, field, message);
    }
}
