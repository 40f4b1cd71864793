package io.surge.cache;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * Sets a subject's latest entry only when the candidate is newer by (ts, seq): a late or replayed write can
 * never replace a newer one, whichever worker or reader writes it. One atomic Lua script.
 */
public final class LatestScript {
  static final String SOURCE = """
      local cur = redis.call('HMGET', KEYS[1], 'ts', 'seq')
      if cur[1] then
        local cts, nts = tonumber(cur[1]), tonumber(ARGV[1])
        if cts > nts or (cts == nts and tonumber(cur[2]) >= tonumber(ARGV[2])) then return 0 end
      end
      redis.call('HSET', KEYS[1], 'ts', ARGV[1], 'seq', ARGV[2], 'body', ARGV[3])
      redis.call('EXPIRE', KEYS[1], ARGV[4])
      return 1
      """;

  private volatile String sha;

  /** A request for a pipeline; call {@link #load} first. */
  public Request request(String key, long tsMicros, long seq, byte[] body, int ttlSeconds) {
    return Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg(key).arg(tsMicros).arg(seq).arg(body).arg(ttlSeconds);
  }

  /** Loads the script (again after a Redis restart, which forgets scripts). */
  public Future<Void> load(Redis redis) {
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SOURCE))
        .map(Response::toString)
        .onSuccess(s -> sha = s)
        .mapEmpty();
  }

  public boolean loaded() {
    return sha != null;
  }

  /** Runs a pipeline, reloading the script once when Redis answers NOSCRIPT (it restarted, or was flushed). */
  public Future<List<Response>> batch(Redis redis, java.util.function.Supplier<List<Request>> requests) {
    Future<Void> ready = loaded() ? Future.succeededFuture() : load(redis);
    return ready.compose(v -> redis.batch(requests.get()))
        .recover(e -> isNoScript(e) ? load(redis).compose(v -> redis.batch(requests.get())) : Future.failedFuture(e));
  }

  /** A single command fails with "NOSCRIPT ...", a failed batch with "ERR [n] NOSCRIPT ...". */
  static boolean isNoScript(Throwable e) {
    return e.getMessage() != null && e.getMessage().contains("NOSCRIPT");
  }
}
