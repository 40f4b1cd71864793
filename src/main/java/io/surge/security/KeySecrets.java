package io.surge.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * API key tokens: {@code sk_<9 random>_<43 random><6 checksum>} from a SecureRandom, the checksum being the
 * CRC32 of everything before it in base62 (as GitHub's tokens carry one), so a made-up or mistyped {@code sk_}
 * token is refused without a database lookup. A token is looked up by its first {@value #PREFIX_LENGTH}
 * characters and checked against the SHA-256 of the whole token in constant time. Tokens not starting with
 * {@code sk_} (the operator's bootstrap key) carry no checksum.
 */
public final class KeySecrets {
  public static final int PREFIX_LENGTH = 12;
  public static final int MIN_LENGTH = 32;
  static final String KEY_START = "sk_";
  static final int CHECKSUM_LENGTH = 6;
  /** {@code sk_}, 9 random, {@code _}, 43 random, 6 checksum. */
  static final int KEY_LENGTH = 3 + 9 + 1 + 43 + CHECKSUM_LENGTH;
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeySecrets() {}

  public static String newToken() {
    String body = KEY_START + random(9) + "_" + random(43);
    return body + checksum(body, body.length());
  }

  public static String newId() {
    return "key_" + random(16);
  }

  /**
   * The lookup prefix, or null for a token that cannot be one of ours: too short, or starting with {@code sk_}
   * without the length of a key. The checksum is left to {@link #checksumHolds}, needed only before a lookup.
   */
  public static String prefix(String token) {
    if (token.startsWith(KEY_START) ? token.length() != KEY_LENGTH : token.length() < MIN_LENGTH) {
      return null;
    }
    return token.substring(0, PREFIX_LENGTH);
  }

  /** False for an {@code sk_} token whose last six characters are not the checksum of the rest; true otherwise. */
  public static boolean checksumHolds(String token) {
    if (!token.startsWith(KEY_START)) {
      return true;
    }
    int body = token.length() - CHECKSUM_LENGTH;
    if (body < KEY_START.length()) {
      return false;
    }
    long crc = crc32(token, body);
    if (crc < 0) {
      return false;
    }
    for (int i = token.length() - 1; i >= body; i--) { // compared digit by digit: no string built per token
      if (token.charAt(i) != BASE62.charAt((int) (crc % 62))) {
        return false;
      }
      crc /= 62;
    }
    return true;
  }

  /** The base62 CRC32 of the first {@code length} characters, six digits, most significant first. */
  static String checksum(String token, int length) {
    long crc = crc32(token, length);
    char[] digits = new char[CHECKSUM_LENGTH];
    for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
      digits[i] = BASE62.charAt((int) (crc % 62));
      crc /= 62;
    }
    return new String(digits);
  }

  /** -1 for a non-ASCII character: no genuine key has one, and only a character's low byte is summed. */
  private static long crc32(String token, int length) {
    CRC32 crc = new CRC32();
    for (int i = 0; i < length; i++) {
      char c = token.charAt(i);
      if (c > 0x7f) {
        return -1;
      }
      crc.update(c);
    }
    return crc.getValue();
  }

  public static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of the token's hash with a stored one. */
  public static boolean matches(String token, byte[] storedHash) {
    return MessageDigest.isEqual(hash(token), storedHash);
  }

  private static String random(int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }
}
