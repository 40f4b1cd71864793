package io.surge.ingest;

import io.surge.http.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Content-Encoding: identity passes through, gzip inflates up to a cap, anything else is refused. */
class RequestBodyTest {
  private static final int CAP = 64 * 1024;
  private static final byte[] EVENT = "{\"specversion\":\"1.0\",\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);

  @ParameterizedTest(name = "Content-Encoding: [{0}]")
  @NullSource
  @ValueSource(strings = {"", " ", "identity", " IDENTITY "})
  void identityPassesTheBodyThrough(String contentEncoding) {
    assertSame(EVENT, RequestBody.decode(contentEncoding, EVENT, CAP));
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"gzip", "GZIP", "x-gzip", " gzip "})
  void gzipIsInflated(String contentEncoding) {
    assertArrayEquals(EVENT, RequestBody.decode(contentEncoding, gzip(EVENT), CAP));
  }

  @Test
  void gzipExactlyAtTheCapIsInflated() {
    byte[] body = filled(CAP);

    assertArrayEquals(body, RequestBody.decode("gzip", gzip(body), CAP));
  }

  @Test
  void gzipBombOverTheCapIs413() {
    // given 64 MiB of zeros, which gzip squeezes to about 64 KiB
    byte[] bomb = gzip(new byte[64 << 20]);

    // when
    ProblemException e = assertThrows(ProblemException.class, () -> RequestBody.decode("gzip", bomb, CAP));

    // then
    assertEquals(413, e.status());
  }

  @Test
  void oneByteOverTheCapIs413() {
    byte[] body = gzip(filled(CAP + 1));

    assertEquals(413, assertThrows(ProblemException.class, () -> RequestBody.decode("gzip", body, CAP)).status());
  }

  @Test
  void bodyThatIsNotGzipIs400() {
    ProblemException e = assertThrows(ProblemException.class, () -> RequestBody.decode("gzip", EVENT, CAP));

    assertEquals(400, e.status());
  }

  @Test
  void truncatedGzipIs400() {
    byte[] gzipped = gzip(EVENT);
    byte[] truncated = Arrays.copyOf(gzipped, gzipped.length - 6);

    ProblemException e = assertThrows(ProblemException.class, () -> RequestBody.decode("gzip", truncated, CAP));

    assertEquals(400, e.status());
  }

  @ParameterizedTest(name = "Content-Encoding: {0}")
  @ValueSource(strings = {"br", "deflate", "zstd", "gzip, br"})
  void otherEncodingsAre415(String contentEncoding) {
    ProblemException e = assertThrows(ProblemException.class,
        () -> RequestBody.decode(contentEncoding, EVENT, CAP));

    assertEquals(415, e.status());
  }

  private static byte[] filled(int size) {
    byte[] bytes = new byte[size];
    Arrays.fill(bytes, (byte) 'x');
    return bytes;
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
