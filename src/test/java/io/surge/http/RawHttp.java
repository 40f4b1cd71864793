package io.surge.http;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One raw TCP connection to a Surge node, for requests no HTTP client would send. */
final class RawHttp {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n");

  private final NetSocket socket;
  private final Buffer received = Buffer.buffer();
  private final Promise<String> answered = Promise.promise();
  private final Promise<String> closed = Promise.promise();

  private RawHttp(NetSocket socket) {
    this.socket = socket;
    socket.handler(data -> {
      received.appendBuffer(data);
      if (complete(received.toString(java.nio.charset.StandardCharsets.ISO_8859_1))) {
        answered.tryComplete(received.toString());
      }
    });
    socket.closeHandler(v -> {
      answered.tryComplete(received.toString());
      closed.tryComplete(received.toString());
    });
  }

  static RawHttp connect(Vertx vertx, int port) {
    return new RawHttp(vertx.createNetClient().connect(port, "127.0.0.1").await());
  }

  /** Sends {@code request} as ISO-8859-1 bytes, so a test can put any byte in it. */
  RawHttp send(String request) {
    socket.write(Buffer.buffer(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    return this;
  }

  RawHttp send(Buffer data) {
    socket.write(data);
    return this;
  }

  /** What arrived once a whole answer has (by its Content-Length) or the server closed; fails after 5 s. */
  String answer() {
    return await(answered);
  }

  /** Everything that arrived before the server closed the connection; fails when it stays open 5 s. */
  String closed() {
    return await(closed);
  }

  void close() {
    socket.close().await();
  }

  private static String await(Promise<String> promise) {
    try {
      return promise.future().await(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the server neither answered nor closed the connection within 5 s", e);
    }
  }

  private static boolean complete(String text) {
    int head = text.indexOf("\r\n\r\n");
    if (head < 0) {
      return false;
    }
    Matcher length = CONTENT_LENGTH.matcher(text.substring(0, head + 2));
    return length.find() && text.length() - head - 4 >= Integer.parseInt(length.group(1));
  }
}
