package io.surge.ingest;

import io.surge.http.Problems;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Undoes {@code Content-Encoding}, never inflating past a cap: a gzip bomb costs at most the cap in memory. */
final class RequestBody {
  private RequestBody() {}

  static byte[] decode(String contentEncoding, byte[] body, int maxDecompressedBytes) {
    if (contentEncoding == null || contentEncoding.isBlank() || contentEncoding.trim().equalsIgnoreCase("identity")) {
      return body;
    }
    String encoding = contentEncoding.trim();
    if (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip")) {
      return gunzip(body, maxDecompressedBytes);
    }
    throw Problems.unsupportedMediaType("Content-Encoding '" + encoding + "' is not supported; use gzip or identity");
  }

  private static byte[] gunzip(byte[] body, int max) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, Math.max(1024, body.length * 4)));
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) > 0) {
        if (out.size() + n > max) {
          throw Problems.tooLarge("the decompressed body exceeds " + max + " bytes");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw Problems.malformed("the body is not valid gzip: " + e.getMessage());
    }
  }
}
