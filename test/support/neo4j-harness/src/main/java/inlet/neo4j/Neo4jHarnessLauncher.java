package inlet.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts an in-process Neo4j for inlet's tests: Bolt on 127.0.0.1 (the port given as the first argument, or a free
 * one), auth disabled, HTTP off. Prints exactly one line {@code NEO4J_READY bolt://127.0.0.1:PORT} to stdout once it
 * accepts connections; everything else goes to stderr. Shuts down when stdin closes (the test runner died or is done)
 * or on SIGTERM/SIGINT, and deletes its working directory.
 */
public final class Neo4jHarnessLauncher {
  private Neo4jHarnessLauncher() {}

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    // stdout is the protocol channel: keep the READY line alone on it, send any library chatter to stderr.
    PrintStream protocol = System.out;
    System.setOut(System.err);

    Path workDir = Files.createTempDirectory("inlet-neo4j-");
    Neo4j neo4j =
        Neo4jBuilders.newInProcessBuilder(workDir)
            .withDisabledServer()
            .withConfig(BoltConnector.enabled, true)
            .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .withConfig(GraphDatabaseSettings.auth_enabled, false)
            // Tests write a few thousand nodes; the default page cache would claim half the machine's free memory.
            .withConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
            // Netty's graceful Bolt shutdown waits a 2 s quiet period per event loop group, ~10 s in all; a
            // throwaway test database does not need it.
            .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
            .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
            .build();

    AtomicBoolean closed = new AtomicBoolean(false);
    Runnable shutdown =
        () -> {
          if (closed.compareAndSet(false, true)) {
            long started = System.nanoTime();
            neo4j.close();
            deleteRecursively(workDir);
            System.err.printf("NEO4J_STOPPED in %d ms%n", (System.nanoTime() - started) / 1_000_000);
          }
        };
    // The JVM runs shutdown hooks on SIGTERM and SIGINT.
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "neo4j-harness-shutdown"));

    protocol.println("NEO4J_READY " + neo4j.boltURI());
    protocol.flush();

    InputStream in = System.in;
    try {
      while (in.read() != -1) {
        // Input is ignored; only its end matters.
      }
    } catch (IOException ignored) {
      // A broken stdin means the parent is gone: shut down as on EOF.
    }
    shutdown.run();
    System.exit(0);
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not delete " + root + ": " + e);
    }
  }
}
