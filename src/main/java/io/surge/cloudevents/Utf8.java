package io.surge.cloudevents;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 (RFC 3629): no overlong forms, no encoded surrogates, nothing past U+10FFFF. Jackson and Netty
 * are lenient here (Jackson reads C0 AF as '/'), and an event must be stored as the bytes that were checked.
 */
public final class Utf8 {
  private Utf8() {}

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** The offset of the first byte that is not strict UTF-8, or -1 when all of {@code b} is. */
  public static int firstInvalid(byte[] b) {
    int i = 0;
    int n = b.length;
    while (i < n) {
      // ASCII, the bulk of every event, eight bytes at a time: this scan runs over every JSON body on ingest
      while (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i == n) {
        break;
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xff;
      int need;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = 0x10000;
      } else {
        return i; // a continuation byte, C0/C1 (always overlong) or F5..FF
      }
      if (i + need >= n) {
        return i;
      }
      int cp = c & (0x3f >> need);
      for (int k = 1; k <= need; k++) {
        int cont = b[i + k] & 0xff;
        if ((cont & 0xc0) != 0x80) {
          return i;
        }
        cp = cp << 6 | cont & 0x3f;
      }
      if (cp < min || cp > 0x10ffff || cp >= 0xd800 && cp <= 0xdfff) {
        return i;
      }
      i += need + 1;
    }
    return -1;
  }

  public static boolean isValid(byte[] b) {
    return firstInvalid(b) < 0;
  }

  /** The length of {@code s} in UTF-8 (a lone surrogate counts as the 3 bytes of a replacement). */
  public static int length(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          bytes += 2; // 4 bytes for the 2 chars of the pair
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }
}
