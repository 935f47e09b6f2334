package dev.letterpress.delivery;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * "At {@code at} in each subscriber's own time zone": the zone comes from the subscriber's {@value #ATTRIBUTE}
 * attribute when it is an IANA zone id this JVM knows, and is {@code fallback} otherwise. A local time that a
 * daylight-saving change skips moves forward by the gap's length, and one it repeats takes the earlier offset,
 * exactly as {@link java.time.ZonedDateTime#of} does.
 */
public record LocalSendTime(LocalDateTime at, ZoneId fallback) {
    /** The subscriber attribute holding their time zone (e.g. from an import column {@code timezone}). */
    public static final String ATTRIBUTE = "timezone";
    /** Where the day starts first and ends last: the time reaches every zone between these two instants. */
    public static final ZoneOffset FIRST_ZONE = ZoneOffset.ofHours(14);
    static final ZoneOffset LAST_ZONE = ZoneOffset.ofHours(-12);
    /** ZoneId.getAvailableZoneIds() copies the set on every call. */
    private static final Set<String> ZONE_IDS = Set.copyOf(ZoneId.getAvailableZoneIds());
    private static final java.util.regex.Pattern SURROUNDING_SPACES = java.util.regex.Pattern.compile("^ +| +$");

    public LocalSendTime {
        if (at == null || fallback == null) {
            throw new IllegalArgumentException("a local send time needs a date and time and a fallback zone");
        }
        at = at.truncatedTo(ChronoUnit.SECONDS);
    }

    /** From the campaign's two columns; null when the campaign has no local time. */
    static LocalSendTime fromColumns(String at, String fallbackZone) {
        return at == null ? null : new LocalSendTime(LocalDateTime.parse(at), ZoneId.of(fallbackZone));
    }

    /** A zone from a subscriber attribute: a known IANA id (surrounding spaces ignored), or null. */
    public static ZoneId zoneOrNull(String attribute) {
        if (attribute == null) {
            return null;
        }
        // spaces only, as SQL's TRIM in the freeze does: both must pick the same zone
        String id = SURROUNDING_SPACES.matcher(attribute).replaceAll("");
        // region ids only: ZoneId.of would also take "+02:00" or "UTC+3", which no zone database spells that way
        if (!ZONE_IDS.contains(id)) {
            return null;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The instant a subscriber whose {@value #ATTRIBUTE} attribute is {@code zoneAttribute} gets the campaign. */
    public Instant instantFor(String zoneAttribute) {
        ZoneId zone = zoneOrNull(zoneAttribute);
        return at.atZone(zone == null ? fallback : zone).toInstant();
    }

    /** When the first zone on Earth reaches the time: the campaign starts then (freezing its audience). */
    public Instant first() {
        return at.toInstant(FIRST_ZONE);
    }

    /** When the last zone on Earth reaches it: the campaign is over by then, retries apart. */
    public Instant last() {
        return at.toInstant(LAST_ZONE);
    }

    /** The instant in every zone this JVM knows, by zone id; the freeze looks a subscriber's zone up here. */
    Map<String, Instant> everyZone() {
        Map<String, Instant> out = new TreeMap<>();
        for (String id : ZONE_IDS) {
            if (id.length() <= 64) {
                out.put(id, at.atZone(ZoneId.of(id)).toInstant());
            }
        }
        return out;
    }
}
