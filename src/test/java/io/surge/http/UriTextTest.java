package io.surge.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UriTextTest {
  @Test
  void decodesPercentEncodedUtf8() {
    assertEquals("café 😀", decode("caf%C3%A9%20%F0%9F%98%80", false));
    assertEquals("a b+c", decode("a+b%2Bc", true));
    assertEquals("a+b", decode("a+b", false)); // + is a space only in the form-encoded query
    assertEquals("a/b", decode("a%2fb", false));
    assertEquals("", decode("", true));
    assertTrue(UriText.isValid("caf%C3%A9", 0, 9, false));
    assertTrue(UriText.isValid("plain", 0, 5, true));
  }

  @Test
  void decodesOnlyTheGivenRange() {
    assertEquals("id", UriText.decode("/v1/events/id?x", 11, 13, false));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "%00", "a%00b", "%01", "%1F", "%7F", "%C2%80", // NUL, controls, DEL, a C1 control
      "%zz", "%4", "abc%", "%%41",                  // not escapes
      "%C3%28", "%FF", "%C0%AF", "%E2%82",           // not UTF-8: bad continuation, invalid byte, overlong, cut short
      "%ED%A0%80", "%ED%B0%80",                      // lone surrogates, UTF-8-encoded
      "%EF%B7%90", "%EF%BF%BE",                      // noncharacters
      "a\u0000b", "a b", "a\tb", "caf\u00e9", "\u007f", // characters a client must have percent-encoded
  })
  void refusesWhatIsNotValidText(String raw) {
    assertNull(decode(raw, false), raw);
    assertNull(decode(raw, true), raw);
    assertFalse(UriText.isValid(raw, 0, raw.length(), false), raw);
  }

  @Test
  void tellsMalformedEscapesFromTextThatIsNotValid() {
    for (String raw : new String[] {"%zz", "%4", "abc%", "a b", "caf\u00e9", "a\u0000"}) {
      assertFalse(UriText.isPercentEncoded(raw, 0, raw.length()), raw);
    }
    for (String raw : new String[] {"", "a+b", "%00", "%C3%28", "%ED%A0%80", "caf%C3%A9"}) {
      assertTrue(UriText.isPercentEncoded(raw, 0, raw.length()), raw);
    }
  }

  private static String decode(String raw, boolean plusIsSpace) {
    return UriText.decode(raw, 0, raw.length(), plusIsSpace);
  }
}
