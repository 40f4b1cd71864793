package io.surge.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * API key tokens: {@code sk_<9 random>_<43 random>} from a SecureRandom. A token is looked up by its first
 * {@value #PREFIX_LENGTH} characters and checked against the SHA-256 of the whole token in constant time.
 */
public final class KeySecrets {
  public static final int PREFIX_LENGTH = 12;
  public static final int MIN_LENGTH = 32;
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeySecrets() {}

  public static String newToken() {
    return "sk_" + random(9) + "_" + random(43);
  }

  public static String newId() {
    return "key_" + random(16);
  }

  /** The lookup prefix, or null for a token too short to be one of ours. */
  public static String prefix(String token) {
    return token.length() < MIN_LENGTH ? null : token.substring(0, PREFIX_LENGTH);
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
