import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's time-skipping test server, started as io.temporal.testserver.TestServer starts it, except that it
 * accepts the clients' keepalive pings. The TypeScript SDK's connections ping every 30 seconds; the stock
 * server allows one every 5 minutes and, after a few, drops the connection (GOAWAY "too_many_pings"), which
 * breaks the calls in flight of a test run that lasts minutes. Compiled by scripts/temporal-test-server.ts.
 *
 * Usage: OrdoTestServer <port> [--enable-time-skipping]
 */
public final class OrdoTestServer {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: OrdoTestServer <port> [--enable-time-skipping]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean timeSkipping = Arrays.asList(args).subList(1, args.length).contains("--enable-time-skipping");
    // The constructor's flag locks time skipping: locked unless asked for, as the stock server does.
    TestServicesStarter services = new TestServicesStarter(!timeSkipping, 0);
    NettyServerBuilder builder = NettyServerBuilder.forPort(port).permitKeepAliveTime(1, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true);
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    server.awaitTermination();
  }
}
