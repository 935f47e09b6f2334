package dev.letterpress.subscriber;

import java.util.HashMap;
import java.util.Map;

/** A set of ids as bits in 1 KB pages: 125 KB per million subscribers at most, whatever the file's size. */
final class IdSet {
    private static final int PAGE_BITS = 13; // 8,192 ids per page
    private final Map<Long, long[]> pages = new HashMap<>();

    boolean contains(long id) {
        long[] page = pages.get(id >>> PAGE_BITS);
        int bit = (int) (id & ((1 << PAGE_BITS) - 1));
        return page != null && (page[bit >>> 6] & (1L << bit)) != 0;
    }

    /** Adds the id; false if it was already there. */
    boolean add(long id) {
        long[] page = pages.computeIfAbsent(id >>> PAGE_BITS, k -> new long[1 << (PAGE_BITS - 6)]);
        int bit = (int) (id & ((1 << PAGE_BITS) - 1));
        long mask = 1L << bit;
        int word = bit >>> 6;
        if ((page[word] & mask) != 0) {
            return false;
        }
        page[word] |= mask;
        return true;
    }
}
