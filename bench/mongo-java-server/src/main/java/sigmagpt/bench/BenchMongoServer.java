package sigmagpt.bench;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The benchmark's database: mongo-java-server's in-memory backend on 127.0.0.1.
 *
 * <p>Usage: {@code BenchMongoServer [port]} (0 or nothing: any free port). Prints one line,
 * {@code listening 127.0.0.1:<port>}, once it accepts connections, and stops on SIGTERM.
 *
 * <p>Its non-unique indexes are kept and used ({@link IndexedMemoryBackend}); the library ignores
 * them.
 *
 * <p>It announces MongoDB 4.4 (wire version 9): the library's own choices are 3.6, 4.0 and 5.0
 * (wire 6, 7, 8), and Node driver 7 refuses anything below wire version 9. The commands our server
 * sends behave the same at 4.4 as at 5.0 in this library (the version only changes the handshake).
 */
public final class BenchMongoServer {
  private static final MongoVersion MONGO_4_4 =
      new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
          return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
          return 9;
        }
      };

  private BenchMongoServer() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    MongoServer server = new MongoServer(new IndexedMemoryBackend().version(MONGO_4_4));
    server.bind("127.0.0.1", port);
    InetSocketAddress address = server.getLocalAddress();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "shutdown"));
    System.out.println("listening 127.0.0.1:" + address.getPort());
    System.out.flush();
  }
}
