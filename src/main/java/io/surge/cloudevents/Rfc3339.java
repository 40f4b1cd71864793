package io.surge.cloudevents;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Strict RFC 3339 date-time check: seconds required, real calendar dates, offsets Z or +hh:mm. */
public final class Rfc3339 {
  private Rfc3339() {}

  /**
   * The instant of a time that {@link #isValid} accepted, in UTC, read straight from its digits (the workers
   * parse one per event; DateTimeFormatter costs several times more). A leap second (:60) counts as the next
   * second. Offsets run to ±23:59 (RFC 3339), past java.time's ±18:00, so the offset is applied by hand.
   */
  public static OffsetDateTime parse(String s) {
    int second = digits(s, 17, 2);
    int i = 19;
    int nanos = 0;
    if (s.charAt(i) == '.') {
      int scale = 100_000_000;
      for (i++; i < s.length() && isDigit(s.charAt(i)); i++) {
        nanos += (s.charAt(i) - '0') * scale;
        scale /= 10;
      }
    }
    long offsetSeconds = 0;
    if (s.charAt(i) == '+' || s.charAt(i) == '-') {
      int sign = s.charAt(i) == '-' ? -1 : 1;
      offsetSeconds = sign * (digits(s, i + 1, 2) * 3600L + digits(s, i + 4, 2) * 60L);
    }
    OffsetDateTime local = OffsetDateTime.of(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2),
        digits(s, 14, 2), Math.min(second, 59), nanos, ZoneOffset.UTC);
    return local.minusSeconds(offsetSeconds - (second == 60 ? 1 : 0));
  }

  public static boolean isValid(String s) {
    // yyyy-mm-ddThh:mm:ss[.f+](Z|+hh:mm)
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return false;
    }
    char t = s.charAt(10);
    if (t != 'T' && t != 't') {
      return false;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
      return false;
    }
    int i = 19;
    if (s.charAt(i) == '.') {
      int start = ++i;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == start) {
        return false;
      }
    }
    if (i == n - 1) {
      char z = s.charAt(i);
      return z == 'Z' || z == 'z';
    }
    if (i != n - 6 || (s.charAt(i) != '+' && s.charAt(i) != '-') || s.charAt(i + 3) != ':') {
      return false;
    }
    int offsetHour = digits(s, i + 1, 2);
    int offsetMinute = digits(s, i + 4, 2);
    return offsetHour >= 0 && offsetHour <= 23 && offsetMinute >= 0 && offsetMinute <= 59;
  }

  private static int daysIn(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** The number in s[from, from+count), or -1 when any char is not an ASCII digit. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
