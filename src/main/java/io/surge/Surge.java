package io.surge;

import io.surge.config.ConfigException;
import io.surge.config.SurgeConfig;
import io.surge.ops.ShutdownSignals;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** The command line: {@code surge run [--roles ingest,worker,query] [--config conf/surge.json]}. */
@Command(name = "surge", mixinStandardHelpOptions = true, version = "surge 0.1.0",
    description = "Reactive CloudEvents ingestion: HTTP and Kafka in, Postgres and Redis out.",
    subcommands = {Surge.Run.class, io.surge.security.KeysCommand.class, io.surge.db.MigrateCommand.class,
        io.surge.config.ConfigCommand.class})
public final class Surge {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Surge()).execute(args));
  }


  @Command(name = "run", description = "Run the given roles in this process until interrupted.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--roles", description = "Comma-separated roles: ingest, worker, query (default: SURGE_ROLES or all).")
    String roles;

    @Option(names = "--config", description = "Configuration file (default: SURGE_CONFIG, ./conf/surge.json or built-in).")
    Path config;

    @Override
    public Integer call() {
      SurgeConfig surgeConfig;
      try {
        surgeConfig = SurgeConfig.load(config, roles, System.getenv());
      } catch (ConfigException e) {
        System.err.println("surge: " + e.getMessage());
        return 2;
      }
      // from here on a SIGTERM waits for the start to finish, then stops what started, all within the deadline
      ShutdownSignals signals = ShutdownSignals.install(Duration.ofSeconds(surgeConfig.shutdown().timeoutSeconds()));
      SurgeNode node;
      try {
        node = SurgeNode.start(surgeConfig).await();
      } catch (Exception e) {
        System.err.println("surge: could not start: " + io.surge.config.Redaction.redact(e.getMessage()));
        return 1;
      }
      return signals.awaitThenStop(node::stop);
    }
  }
}
