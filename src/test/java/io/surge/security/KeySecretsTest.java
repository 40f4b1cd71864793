package io.surge.security;

import io.surge.testing.TestSurge;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key format: new keys carry a checksum that any one changed character, or a wrong length, breaks. */
class KeySecretsTest {

  @Test
  void newKeysHaveTheShapeAndAValidChecksum() {
    for (int i = 0; i < 1000; i++) {
      String token = KeySecrets.newToken();
      assertEquals(KeySecrets.KEY_LENGTH, token.length(), token);
      assertTrue(token.matches("sk_[A-Za-z0-9]{9}_[A-Za-z0-9]{49}"), token);
      assertTrue(KeySecrets.checksumHolds(token), token);
      assertEquals(token.substring(0, KeySecrets.PREFIX_LENGTH), KeySecrets.prefix(token));
    }
  }

  @Test
  void oneChangedCharacterAnywhereBreaksTheChecksum() {
    String token = KeySecrets.newToken();
    for (int i = KeySecrets.KEY_START.length(); i < token.length(); i++) {
      char original = token.charAt(i);
      for (char replacement : new char[] {'0', 'a', 'Z', '_', (char) (original ^ 1)}) {
        if (replacement == original) {
          continue;
        }
        String changed = token.substring(0, i) + replacement + token.substring(i + 1);
        assertFalse(KeySecrets.checksumHolds(changed), "position " + i + ": " + changed);
      }
    }
  }

  @Test
  void aKeyOfTheWrongLengthIsNotOneOfOurs() {
    String token = KeySecrets.newToken();
    String shorter = token.substring(0, token.length() - 1);
    String longer = token + "A";
    // the length check needs no checksum: these never reach a lookup
    assertNull(KeySecrets.prefix(shorter));
    assertNull(KeySecrets.prefix(longer));
    // and a checksum recomputed over the wrong length still does not make them keys
    String recomputed = shorter + KeySecrets.checksum(shorter, shorter.length());
    assertTrue(KeySecrets.checksumHolds(recomputed));
    assertNull(KeySecrets.prefix(recomputed));
  }

  @Test
  void aKeyWithoutTheChecksumIsRefused() {
    // the format before checksums: sk_<9>_<43>, 56 characters
    String old = "sk_" + "A".repeat(9) + "_" + "B".repeat(43);
    assertNull(KeySecrets.prefix(old));
    assertFalse(KeySecrets.checksumHolds(old));
  }

  @Test
  void nonAsciiCannotForgeAChecksum() {
    String token = KeySecrets.newToken();
    // U+0141's low byte is 0x41 ('A'): a CRC over low bytes alone would accept it in place of an 'A'
    String withA = token.substring(0, 20) + 'A' + token.substring(21, 56);
    String forged = withA.substring(0, 20) + '\u0141' + withA.substring(21);
    String signed = withA + KeySecrets.checksum(withA, withA.length());
    assertTrue(KeySecrets.checksumHolds(signed));
    assertFalse(KeySecrets.checksumHolds(forged + KeySecrets.checksum(withA, withA.length())));
  }

  @Test
  void theBootstrapKeyCarriesNoChecksumAndIsLookedUpByItsPrefix() {
    String bootstrap = TestSurge.BOOTSTRAP_KEY;
    assertTrue(KeySecrets.checksumHolds(bootstrap));
    assertEquals(bootstrap.substring(0, KeySecrets.PREFIX_LENGTH), KeySecrets.prefix(bootstrap));
    assertNull(KeySecrets.prefix("too-short-to-be-a-key"));
  }

  @Test
  void theChecksumIsBase62OfTheCrc32() {
    // computed apart (Python's zlib.crc32): CRC32("sk_") = 0xD42BF112, in base62 0-9A-Za-z "3stvSU"
    assertEquals(0xD42BF112L, crc("sk_"));
    assertEquals("3stvSU", KeySecrets.checksum("sk_", 3));
    assertNotEquals(KeySecrets.checksum("sk_a", 4), KeySecrets.checksum("sk_b", 4));
  }

  private static long crc(String s) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return crc.getValue();
  }
}
